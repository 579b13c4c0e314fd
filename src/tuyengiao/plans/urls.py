from django.urls import path

from tuyengiao.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<str:code>/", views.plan_detail, name="detail"),
]
