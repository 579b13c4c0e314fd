"""Dashboard pages: indicators against targets per unit and year."""

from django.urls import path

from tuyengiao.reporting import views_dashboard as views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("u/<str:code>/", views.unit, name="unit"),
    path("u/<str:code>/children/", views.children, name="children"),
    path("u/<str:code>/values/", views.values, name="values"),
]
