from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class LoginView(auth_views.LoginView):
    pass


def logout_view(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:login")
