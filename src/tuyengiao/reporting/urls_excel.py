"""Reporting: excel pages."""

from django.urls import URLPattern

app_name = "reports_excel"
urlpatterns: list[URLPattern] = []
