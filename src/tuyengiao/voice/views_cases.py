"""Case pages: the list (search, filters, pages), opening a case (by hand or from a situation
report), a case with its timeline and the forms of its next steps, editing it. Thin: parse,
call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.dates import today
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.orgs.selectors import unit_by_code
from tuyengiao.voice import case_selectors as selectors
from tuyengiao.voice import case_services as services
from tuyengiao.voice.forms import (
    ActionForm,
    CaseEditForm,
    CaseFilterForm,
    CaseForm,
    ReasonForm,
    ResolveForm,
)
from tuyengiao.voice.models import Case


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = CaseFilterForm(request.GET)
    values = form.values()
    unit = unit_by_code(str(values.get("unit", "")))
    filters = selectors.CaseFilter(
        query=values.get("q", ""),
        status=values.get("status", ""),
        kind=values.get("kind", ""),
        unit=unit,
        handled_by=user.scope_unit if values.get("mine") else None,
    )
    cases = selectors.cases_for_user(user, filters)
    page = Paginator(cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/case_list.html",
        {"filter_form": form, "page_obj": page, "can_open": user.can_edit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read cases but not open them."))
    report = selectors.source_report_for_user(
        user, request.GET.get("report") or request.POST.get("report", "")
    )
    initial = {
        "unit": report.unit.code if report else request.GET.get("unit", ""),
        "started_on": report.period.start if report else today(),
    }
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                user,
                unit=form.cleaned_data["unit"],
                data=form.data_input(),
                report=report,
                online_address=form.cleaned_data["online_address"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect("voice:case", case_id=case.pk)
    return render(request, "voice/case_form.html", {"form": form, "report": report, "case": None})


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = acting_user(request)
    return _detail(request, selectors.case_page(user, case_id))


def _detail(
    request: HttpRequest, page: selectors.CasePage, status: int = 200, **forms: Form
) -> HttpResponse:
    defaults: dict[str, Form] = {
        "action_form": ActionForm(initial={"done_on": today()}),
        "resolve_form": ResolveForm(initial={"resolved_on": today()}),
        "escalate_form": ReasonForm(prefix="escalate"),
        "reopen_form": ReasonForm(prefix="reopen"),
    }
    return render(
        request,
        "voice/case_detail.html",
        {"page": page, "case": page.case, **defaults, **forms},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    user = acting_user(request)
    page = selectors.case_page(user, case_id)
    if not page.can_act:
        raise PermissionDenied(_("This case is outside what you can change."))
    case = page.case
    initial = {name: getattr(case, name) for name in services.EDITABLE}
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                user, case=case, data=form.data_input(), version=posted_version(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect("voice:case", case_id=case.pk)
    return render(request, "voice/case_form.html", {"form": form, "case": case, "report": None})


def _step(
    request: HttpRequest,
    case_id: int,
    form_name: str,
    form: Form,
    write: Callable[[Any, Case, dict[str, Any], int], object],
    done: str,
) -> HttpResponse:
    """One step on a case's page: the form valid and the service agreeing, back to the case;
    otherwise the page again with the errors next to the fields, what was typed kept."""
    user = acting_user(request)
    page = selectors.case_page(user, case_id)
    if form.is_valid():
        try:
            write(user, page.case, form.cleaned_data, posted_version(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("voice:case", case_id=case_id)
    return _detail(request, page, 400, **{form_name: form})


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        "action_form",
        ActionForm(request.POST),
        lambda user, case, data, version: services.action_add(
            user,
            case=case,
            kind=data["kind"],
            done_on=data["done_on"],
            text=data["text"],
            version=version,
        ),
        _("The step has been recorded."),
    )


@login_required
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        "resolve_form",
        ResolveForm(request.POST),
        lambda user, case, data, version: services.case_resolve(
            user,
            case=case,
            outcome=data["outcome"],
            resolved_on=data["resolved_on"],
            version=version,
        ),
        _("The case has been marked resolved."),
    )


@login_required
@require_POST
def case_escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        "escalate_form",
        ReasonForm(request.POST, prefix="escalate"),
        lambda user, case, data, version: services.case_escalate(
            user, case=case, reason=data["reason"], version=version
        ),
        _("The case has been escalated to the upper level."),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    return _step(
        request,
        case_id,
        "reopen_form",
        ReasonForm(request.POST, prefix="reopen"),
        lambda user, case, data, version: services.case_reopen(
            user, case=case, reason=data["reason"], version=version
        ),
        _("The case has been reopened."),
    )
