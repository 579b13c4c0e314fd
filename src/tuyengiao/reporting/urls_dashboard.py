"""Dashboard pages: indicators against targets per unit and year."""

from django.urls import URLPattern

app_name = "dashboard"
urlpatterns: list[URLPattern] = []
