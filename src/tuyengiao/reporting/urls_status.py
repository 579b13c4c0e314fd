"""Reporting: who has reported (completeness) and reminders."""

from django.urls import path

from tuyengiao.reporting import views_status as views

app_name = "reports_status"
urlpatterns = [
    path("", views.status_home, name="home"),
    path("remind/", views.status_remind, name="remind"),
]
