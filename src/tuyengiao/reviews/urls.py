"""Reviews: the overview, a review and its actions, its revisions, its documents."""

from django.urls import path

from tuyengiao.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("commendations/", views.commendations, name="commendations"),
    path("documents/<int:document_id>/", views.document, name="document"),
    path("documents/<int:document_id>/<str:fmt>/", views.download, name="download"),
    path("<str:code>/<str:kind>/<int:year>/", views.review, name="review"),
    path("<str:code>/<str:kind>/<int:year>/submit/", views.submit, name="submit"),
    path("<str:code>/<str:kind>/<int:year>/return/", views.send_back, name="return"),
    path("<str:code>/<str:kind>/<int:year>/approve/", views.approve, name="approve"),
    path("<str:code>/<str:kind>/<int:year>/documents/", views.documents, name="documents"),
    path(
        "<str:code>/<str:kind>/<int:year>/revisions/<int:number>/",
        views.revision,
        name="revision",
    ),
    path(
        "<str:code>/<str:kind>/<int:year>/revisions/<int:number>/restore/",
        views.restore,
        name="restore",
    ),
]
