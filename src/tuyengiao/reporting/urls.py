"""Reporting forms: a unit's reports, one report, its autosave and the upper level's decision."""

from django.urls import path

from tuyengiao.reporting import views, views_periods

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("periods/", views_periods.period_list, name="periods"),
    path("<str:dataset>/<str:period>/<str:code>/", views.report, name="report"),
    path("<str:dataset>/<str:period>/<str:code>/draft/", views.draft, name="draft"),
    path("<str:dataset>/<str:period>/<str:code>/decide/", views.decide, name="decide"),
]
