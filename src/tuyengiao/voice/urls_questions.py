"""Legal questions: the public pages (ask, FAQ) and the officers' pages (answer, publish)."""

from django.urls import path

from tuyengiao.voice import question_views as views

urlpatterns = [
    # Public: no account needed.
    path("", views.faq, name="faq"),
    path("hoi/", views.ask, name="ask"),
    path("da-gui/<str:code>/", views.sent, name="sent"),
    path("ma/", views.lookup, name="lookup"),
    path("ma/<str:code>/", views.private, name="private"),
    path("<int:question_id>/", views.public_detail, name="public"),
    # Officers: the unions asked within their scope.
    path("quan-ly/", views.inbox, name="inbox"),
    path("quan-ly/<int:question_id>/", views.manage, name="manage"),
    path("quan-ly/<int:question_id>/tra-loi/", views.answer, name="answer"),
    path("quan-ly/<int:question_id>/cong-bo/", views.publish, name="publish"),
    path("quan-ly/<int:question_id>/go-xuong/", views.unpublish, name="unpublish"),
    path("quan-ly/<int:question_id>/spam/", views.spam, name="spam"),
    path("quan-ly/<int:question_id>/khoi-phuc/", views.restore, name="restore"),
]
