"""Campaigns (Workers' Month) and their dashboards."""

from django.urls import path

from tuyengiao.activities import views_campaigns as views

app_name = "activities_campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("workers-month/", views.workers_month, name="workers_month"),
    path("<str:code>/", views.campaign_dashboard, name="dashboard"),
    path("<str:code>/export/", views.campaign_export, name="export"),
    path("<str:code>/edit/", views.campaign_edit, name="edit"),
    path("<str:code>/delete/", views.campaign_delete, name="delete"),
]
