from django.urls import path

from tuyengiao.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("upload/", views.plan_upload, name="upload"),
    path("upload/confirm/", views.plan_upload_confirm, name="upload_confirm"),
    path("upload/example.yaml", views.plan_example, name="example"),
    path("<str:code>/", views.plan_detail, name="detail"),
    path("<str:code>/adopt/", views.plan_adopt, name="adopt"),
    path("<str:code>/targets/", views.targets_edit, name="targets"),
    path("<str:code>/tasks/new/", views.task_add, name="task_add"),
    path("<str:code>/indicators/new/", views.indicator_add, name="indicator_add"),
    path("<str:code>/remove/", views.item_remove, name="remove"),
]
