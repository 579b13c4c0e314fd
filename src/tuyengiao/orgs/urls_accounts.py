from django.urls import path

from tuyengiao.orgs import account_views

app_name = "users"
urlpatterns = [
    path("", account_views.account_list, name="list"),
    path("new/", account_views.account_create, name="create"),
    path("<int:account_id>/", account_views.account_edit, name="edit"),
    path("<int:account_id>/password/", account_views.account_password, name="password"),
]
