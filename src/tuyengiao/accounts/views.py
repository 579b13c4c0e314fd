"""Log in and out, and change one's own password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuyengiao.accounts import services
from tuyengiao.accounts.forms import ThrottledLoginForm
from tuyengiao.accounts.http import acting_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # stay logged in on this device
        messages.success(request, _("Your password was changed."))
        return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})
