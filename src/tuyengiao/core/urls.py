"""Core pages: the outbox of messages in the embedded mode."""

from django.urls import path

from tuyengiao.core import views

app_name = "core"
urlpatterns = [
    path("", views.outbox, name="outbox"),
]
