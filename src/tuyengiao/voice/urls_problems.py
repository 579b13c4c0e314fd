"""Implementation problems: reported by any unit, answered or forwarded by the province."""

from django.urls import path

from tuyengiao.voice import problem_views as views

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_new, name="new"),
    path("<int:problem_id>/", views.problem_detail, name="problem"),
    path("<int:problem_id>/edit/", views.problem_edit, name="edit"),
    path("<int:problem_id>/answer/", views.problem_answer, name="answer"),
    path("<int:problem_id>/forward/", views.problem_forward, name="forward"),
]
