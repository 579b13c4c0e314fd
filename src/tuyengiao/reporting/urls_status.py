"""Reporting: status pages."""

from django.urls import URLPattern

app_name = "reports_status"
urlpatterns: list[URLPattern] = []
