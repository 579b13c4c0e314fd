"""Plan progress by task: the unit's plan tasks by year, the units under it for one year and
task, and the .xlsx export. Thin: parse, call the selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.activities import progress
from tuyengiao.activities.forms_campaigns import ProgressForm
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs import selectors as org_selectors


def _progress(request: HttpRequest, user: User) -> progress.Progress:
    code = request.GET.get("unit", "").strip() or org_selectors.default_unit_code(user)
    return progress.progress_for_user(
        user, code, year=request.GET.get("year", ""), task=request.GET.get("task", "")
    )


@login_required
@require_GET
def progress_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    data = _progress(request, user)
    form = ProgressForm(
        unit=data.unit.code,
        year=data.year,
        task=data.task.code if data.task else "",
        years=data.years,
        tasks=[(t.code, t.title) for t in data.tasks],
    )
    return render(
        request,
        "activities/progress.html",
        {"data": data, "form": form, "list_url": reverse("activities:list")},
    )


@login_required
@require_GET
def progress_export(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    export = progress.progress_export(user, _progress(request, user))
    return xlsx_response(export.content, export.filename)
