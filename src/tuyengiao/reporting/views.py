"""Report pages: a unit's forms and periods, one report to fill in (drafts saved as typed,
checks next to each field, submission with confirmation of unlikely figures), and the upper
level's decision on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import posted_version
from tuyengiao.core.services import CONFLICT
from tuyengiao.reporting import report_selectors as selectors
from tuyengiao.reporting import report_services as services
from tuyengiao.reporting.forms import DecisionForm
from tuyengiao.reporting.models import Report
from tuyengiao.reporting.report_extras import extra_for
from tuyengiao.reporting.report_form import ReportForm


def _report_url(report: Report) -> str:
    return reverse(
        "reports:report",
        kwargs={
            "dataset": report.dataset.code,
            "period": report.period.code,
            "code": report.unit.code,
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The reports of the user's own unit, latest periods first."""
    user = acting_user(request)
    reports = selectors.recent_reports(user, user.scope_unit) if user.scope_unit else []
    return render(request, "reporting/home.html", {"reports": reports})


def _render(
    request: HttpRequest,
    report: Report,
    form: ReportForm,
    status: int = 200,
    decision: DecisionForm | None = None,
    error: ValidationError | None = None,
) -> HttpResponse:
    user = acting_user(request)
    extra = extra_for(report.dataset)
    typed = request.POST if request.method == "POST" else None
    extra_form = extra.form(report, typed) if extra else None
    if extra_form is not None and error is not None and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in extra_form.fields:
                extra_form.add_error(name, errors)
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "form": form,
            "extra": extra,
            "extra_form": extra_form,
            "can": selectors.permissions(user, report),
            "decision": decision or DecisionForm(),
            "due_date": report.dataset.due_date(report.period),
        },
        status=status,
    )


@login_required
def report(request: HttpRequest, dataset: str, period: str, code: str) -> HttpResponse:
    """GET: the form; POST: save what was typed and submit it."""
    user = acting_user(request)
    found = selectors.report_for_user(user, dataset, code, period)
    if request.method != "POST":
        return _render(request, found, ReportForm.for_report(found))
    try:
        stored, checked = services.report_save_draft(
            user, report=found, typed=request.POST, version=posted_version(request)
        )
        form = ReportForm.for_report(stored, checked)
        services.report_submit(
            user,
            report=stored,
            version=stored.version,
            confirmed=request.POST.get("confirm") == "1",
        )
    except services.NeedsConfirmation:
        return _render(request, stored, form.asking_confirmation())
    except ValidationError as error:
        # The draft was kept (and its version moved on) unless saving it was what failed.
        saved = locals().get("stored", found)
        shown = form if saved is not found else ReportForm.for_report(found)
        others = extra.form(found, None).fields if (extra := extra_for(found.dataset)) else {}
        return _render(
            request, saved, shown.with_errors(error, others=set(others)), status=400, error=error
        )
    messages.success(request, _("The report has been submitted to the upper level."))
    return redirect(_report_url(found))


@login_required
def draft(request: HttpRequest, dataset: str, period: str, code: str) -> HttpResponse:
    """Autosave while typing (htmx): keep the draft, answer with the checks of each field."""
    user = acting_user(request)
    found = selectors.report_for_user(user, dataset, code, period)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        stored, checked = services.report_save_draft(
            user, report=found, typed=request.POST, version=posted_version(request)
        )
    except ValidationError as error:
        conflict = getattr(error, "code", None) == CONFLICT
        return render(
            request,
            "reporting/_save_status.html",
            {"problem": error.messages[0], "conflict": conflict},
        )
    return render(
        request,
        "reporting/_save_status.html",
        {"report": stored, "form": ReportForm.for_report(stored, checked)},
    )


DECISIONS: Mapping[str, Any] = {
    "approve": (services.report_approve, None, gettext_lazy("The report has been approved.")),
    "return": (services.report_return, "comment", gettext_lazy("The report has been returned.")),
    "reopen": (services.report_reopen, "reason", gettext_lazy("The report has been reopened.")),
}


@login_required
def decide(request: HttpRequest, dataset: str, period: str, code: str) -> HttpResponse:
    """The upper level approves, returns (with a comment) or reopens (with a reason)."""
    user = acting_user(request)
    found = selectors.report_for_user(user, dataset, code, period)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not selectors.permissions(user, found).approve:
        raise PermissionDenied(_("Only the upper level can decide on this report."))
    action = request.POST.get("action", "")
    if action not in DECISIONS or found.pk is None:
        messages.error(request, _("Nothing to decide on."))
        return redirect(_report_url(found))
    service, text_field, done = DECISIONS[action]
    extra = {text_field: request.POST.get("text", "")} if text_field else {}
    try:
        service(user, report=found, version=posted_version(request), **extra)
    except ValidationError as error:
        form = DecisionForm(request.POST)
        form.is_valid()
        for message in error.messages:
            form.add_error("text" if text_field else None, message)
        return _render(request, found, ReportForm.for_report(found), 400, form)
    messages.success(request, str(done))
    return redirect(_report_url(found))
