"""Reporting forms as Excel files for a whole subtree: download, upload, preview, commit."""

from django.urls import path, re_path

from tuyengiao.reporting import views_excel

app_name = "reports_excel"
urlpatterns = [
    path("", views_excel.home, name="home"),
    path("download/", views_excel.download, name="download"),
    path("upload/", views_excel.upload, name="upload"),
    re_path(r"^upload/(?P<digest>[0-9a-f]{64})/preview/$", views_excel.preview, name="preview"),
    path("commit/", views_excel.commit, name="commit"),
]
