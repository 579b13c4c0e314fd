"""Pages for managing accounts within one's scope."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import Role
from tuyengiao.core.forms import add_service_errors
from tuyengiao.orgs import access, account_forms, account_selectors, account_services


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    query, role = request.GET.get("q", "")[:100], request.GET.get("role", "")
    accounts = account_selectors.accounts_for_user(acting_user(request), query=query, role=role)
    page = Paginator(accounts, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/account_list.html",
        {"page_obj": page, "q": query, "role": role, "roles": Role.choices},
    )


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    access.require(account_selectors.can_manage_accounts(actor))
    form = account_forms.AccountCreateForm(actor, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_services.account_create(
                actor,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                scope_unit=data["scope_unit"],
                password=data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"password": "password1"})
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": account.username})
            return redirect("users:list")
    return render(request, "orgs/account_form.html", {"form": form, "title": _("New account")})


@login_required
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = acting_user(request)
    account = account_selectors.account_for_user(actor, account_id)
    initial = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": account.role,
        "scope_unit": account.scope_unit,
        "is_active": account.is_active,
        "version": account.version,
    }
    form = account_forms.AccountEditForm(actor, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_services.account_update(
                actor,
                account=account,
                expected_version=data["version"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                scope_unit=data["scope_unit"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": account.username})
            return redirect("users:list")
    return render(
        request,
        "orgs/account_form.html",
        {"form": form, "title": account.username, "account": account},
    )


@login_required
def account_password(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = acting_user(request)
    account = account_selectors.account_for_user(actor, account_id)
    form = account_forms.PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.account_set_password(
                actor, account=account, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {"password": "password1"})
        else:
            messages.success(
                request, _("The password of %(name)s was changed.") % {"name": account.username}
            )
            return redirect("users:list")
    return render(
        request,
        "orgs/account_form.html",
        {
            "form": form,
            "title": _("New password for %(name)s") % {"name": account.username},
            "account": account,
        },
    )
