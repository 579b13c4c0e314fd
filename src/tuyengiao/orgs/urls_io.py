from django.urls import path, re_path

from tuyengiao.orgs import views_io

app_name = "orgs_io"
urlpatterns = [
    path("import/", views_io.import_upload, name="import"),
    re_path(r"^import/(?P<digest>[0-9a-f]{64})/$", views_io.import_preview, name="preview"),
    path("import/commit/", views_io.import_commit, name="commit"),
    path("export/", views_io.export, name="export"),
    path("template/", views_io.template, name="template"),
]
