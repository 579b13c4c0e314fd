"""URL map: one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("tuyengiao.web.urls")),
    path("accounts/", include("tuyengiao.accounts.urls")),
    path("orgs/", include("tuyengiao.orgs.urls")),
]
