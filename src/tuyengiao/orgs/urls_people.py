from django.urls import path

from tuyengiao.orgs import people_views

app_name = "people"
urlpatterns = [
    path("", people_views.person_list, name="list"),
    path("new/", people_views.person_create, name="create"),
    path("export.xlsx", people_views.person_export, name="export"),
    path("<int:person_id>/", people_views.person_detail, name="detail"),
    path("<int:person_id>/edit/", people_views.person_edit, name="edit"),
    path("<int:person_id>/deactivate/", people_views.person_deactivate, name="deactivate"),
]
