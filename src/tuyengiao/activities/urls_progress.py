"""Plan progress by task."""

from django.urls import path

from tuyengiao.activities import views_progress as views

app_name = "activities_progress"
urlpatterns = [
    path("", views.progress_home, name="home"),
    path("export/", views.progress_export, name="export"),
]
