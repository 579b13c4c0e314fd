"""Cultural-standard records: entry and Excel import."""

from django.urls import path, re_path

from tuyengiao.activities import views_cultural

app_name = "activities_cultural"
urlpatterns = [
    path("", views_cultural.entry, name="entry"),
    path("shares/", views_cultural.shares, name="shares"),
    path("excel/", views_cultural.excel_home, name="excel"),
    path("excel/download/", views_cultural.excel_download, name="excel_download"),
    path("excel/upload/", views_cultural.excel_upload, name="excel_upload"),
    re_path(
        r"^excel/upload/(?P<digest>[0-9a-f]{64})/preview/$",
        views_cultural.excel_preview,
        name="excel_preview",
    ),
    path("excel/commit/", views_cultural.excel_commit, name="excel_commit"),
]
