"""Source pages, in the media namespace: /media/sources/… (the watched feeds, pages and
exports, and the import of an export) and /media/submit/ (an item submitted by hand)."""

from django.urls import path

from tuyengiao.media import source_views as views

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:source_id>/", views.source_detail, name="source"),
    path("sources/<int:source_id>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:source_id>/active/", views.source_active, name="source_active"),
    path("sources/<int:source_id>/check/", views.source_check, name="source_check"),
    path("sources/<int:source_id>/import/", views.source_import, name="source_import"),
    path(
        "sources/import/<str:digest>/",
        views.source_import_preview,
        name="source_import_preview",
    ),
    path("sources/import/", views.source_import_commit, name="source_import_commit"),
    path("submit/", views.submit, name="submit"),
]
