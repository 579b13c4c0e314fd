"""Reporting forms: entry, submission, approval, completeness."""

from django.urls import URLPattern

app_name = "reports"
urlpatterns: list[URLPattern] = []
