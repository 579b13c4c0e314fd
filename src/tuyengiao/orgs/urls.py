from django.urls import path

from tuyengiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
]
