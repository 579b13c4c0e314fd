"""Pages that belong to no single domain: home and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.selectors import audit_actions
from tuyengiao.orgs.selectors import audit_for_user
from tuyengiao.web.forms_audit import AuditFilterForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("orgs:tree")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = AuditFilterForm(request.GET or None, actions=audit_actions())
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_for_user(user, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"form": form, "page_obj": page})
