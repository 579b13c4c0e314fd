"""Legal questions: the public pages (ask, FAQ) and the officers' pages (answer, publish)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
