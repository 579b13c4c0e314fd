"""Implementation problems: reported by any unit, answered or forwarded by the province."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
