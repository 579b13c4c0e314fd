"""Activities: list, calendar, form, detail, files, export."""

from django.urls import path

from tuyengiao.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("export/", views.activity_export, name="export"),
    path("calendar/", views.activity_calendar, name="calendar"),
    path("new/", views.activity_new, name="new"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("<int:activity_id>/delete/", views.activity_delete, name="delete"),
    path("<int:activity_id>/files/", views.activity_files_add, name="files_add"),
    path("<int:activity_id>/files/<int:file_id>/", views.activity_file, name="file"),
    path(
        "<int:activity_id>/files/<int:file_id>/thumb/",
        views.activity_file,
        {"variant": "thumb"},
        name="thumb",
    ),
    path(
        "<int:activity_id>/files/<int:file_id>/remove/",
        views.activity_file_remove,
        name="file_remove",
    ),
]
