from django.urls import path

from tuyengiao.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit"),
]
