"""Workers' voice: situation reports (their summary for the upper level) and cases."""

from django.urls import path

from tuyengiao.voice import views, views_cases, views_hotspots

app_name = "voice"
urlpatterns = [
    path("", views.home, name="home"),
    path("situation/", views.situation, name="situation"),
    path("hotspots/", views_hotspots.hotspot_list, name="hotspots"),
    path("hotspots/<str:code>/thresholds/", views_hotspots.thresholds, name="thresholds"),
    path("cases/", views_cases.case_list, name="cases"),
    path("cases/new/", views_cases.case_new, name="case_new"),
    path("cases/<int:case_id>/", views_cases.case_detail, name="case"),
    path("cases/<int:case_id>/edit/", views_cases.case_edit, name="case_edit"),
    path("cases/<int:case_id>/action/", views_cases.case_action, name="case_action"),
    path("cases/<int:case_id>/resolve/", views_cases.case_resolve, name="case_resolve"),
    path("cases/<int:case_id>/escalate/", views_cases.case_escalate, name="case_escalate"),
    path("cases/<int:case_id>/reopen/", views_cases.case_reopen, name="case_reopen"),
]
