from django.urls import path

from tuyengiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/", views.search, name="search"),
    path("restructurings/", views.restructurings, name="restructurings"),
    path("u/<str:code>/", views.unit_detail, name="unit"),
    path("u/<str:code>/children/", views.children, name="children"),
    path("u/<str:code>/enterprise/", views.enterprise_edit, name="enterprise"),
    path("u/<str:code>/move/", views.restructure, {"action": "move"}, name="move"),
    path("u/<str:code>/rename/", views.restructure, {"action": "rename"}, name="rename"),
    path("u/<str:code>/merge/", views.restructure, {"action": "merge"}, name="merge"),
    path("u/<str:code>/split/", views.restructure, {"action": "split"}, name="split"),
    path("u/<str:code>/dissolve/", views.restructure, {"action": "dissolve"}, name="dissolve"),
    path("u/<str:code>/create/", views.restructure, {"action": "create"}, name="create"),
]
