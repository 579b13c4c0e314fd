from django.urls import path

from tuyengiao.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/", views.search, name="search"),
    path("restructurings/", views.restructurings, name="restructurings"),
    path("u/<str:code>/", views.unit_detail, name="unit"),
    path("u/<str:code>/children/", views.children, name="children"),
    path("u/<str:code>/move/", views.unit_move, name="move"),
    path("u/<str:code>/rename/", views.unit_rename, name="rename"),
    path("u/<str:code>/merge/", views.unit_merge, name="merge"),
    path("u/<str:code>/split/", views.unit_split, name="split"),
    path("u/<str:code>/dissolve/", views.unit_dissolve, name="dissolve"),
    path("u/<str:code>/create/", views.unit_create, name="create"),
]
