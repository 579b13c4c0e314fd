"""Core pages: the outbox of messages in the embedded mode."""

from django.urls import URLPattern

app_name = "core"
urlpatterns: list[URLPattern] = []
