from django.urls import path

from tuyengiao.orgs import views_io

app_name = "orgs_io"
urlpatterns = [path("import/", views_io.import_upload, name="import")]
