"""Training courses: the list, attendance, and a person's courses."""

from django.urls import path

from tuyengiao.activities import views_trainings

app_name = "activities_trainings"
urlpatterns = [
    path("", views_trainings.course_list, name="list"),
    path("<int:activity_id>/attendance/", views_trainings.attendance, name="attendance"),
    path(
        "<int:activity_id>/attendance/candidates/",
        views_trainings.candidates,
        name="candidates",
    ),
    path("people/<int:person_id>/", views_trainings.person_courses, name="person"),
]
