from django.urls import path

from tuyengiao.orgs import people_views

app_name = "people"
urlpatterns = [path("", people_views.person_list, name="list")]
