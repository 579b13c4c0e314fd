"""Pages of the cases opened from online items: all cases (state, assignee, overdue), my cases,
one case with its steps and the forms of what may be done next. Thin: parse, call a selector
or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.media import item_case_selectors as selectors
from tuyengiao.media import item_case_services as services
from tuyengiao.media import monitor_access
from tuyengiao.media.forms_monitor import (
    AssignForm,
    CaseFilterForm,
    MoveForm,
    ReasonForm,
    StepForm,
)
from tuyengiao.media.models_monitoring import ItemCase, ItemCaseState
from tuyengiao.orgs import access


def _list(request: HttpRequest, mine: bool) -> HttpResponse:
    user = acting_user(request)
    assignees = None if mine else selectors.assignees_for_user(user)
    form = CaseFilterForm(request.GET, assignees=assignees)
    values = form.values()
    filters = selectors.CaseFilter(
        state=values.get("state", ""),
        assignee=values.get("assignee"),
        overdue=bool(values.get("overdue")),
    )
    cases = selectors.my_cases(user, filters) if mine else selectors.cases_for_user(user, filters)
    page = Paginator(cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "media/cases/list.html",
        {"filter_form": form, "page_obj": page, "mine": mine},
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    return _list(request, mine=False)


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    return _list(request, mine=True)


def _detail(
    request: HttpRequest, page: selectors.CasePage, status: int = 200, **forms: Form
) -> HttpResponse:
    case = page.case
    defaults: dict[str, Form] = {
        "step_form": StepForm(initial={"refer_kind": services.issue_kind(case.item)}),
        "move_form": MoveForm(next_states=page.next_states),
        "reopen_form": ReasonForm(prefix="reopen"),
    }
    if page.can_assign:
        defaults["assign_form"] = AssignForm(
            initial={"assigned_to": case.assigned_to_id, "due_at": case.due_at},
            candidates=selectors.candidates(case.unit),
        )
    return render(
        request,
        "media/cases/detail.html",
        {
            "page": page,
            "case": case,
            "address": page.link,
            "states": ItemCaseState.choices,
            **defaults,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, selectors.case_page(acting_user(request), case_id))


def _write(
    request: HttpRequest,
    case_id: int,
    form_name: str,
    make_form: Callable[[selectors.CasePage], Form],
    write: Callable[[Any, ItemCase, Form, int], object],
    done: str,
) -> HttpResponse:
    """One write on a case's page: the gate first, then the form valid and the service
    agreeing, back to the case; otherwise the page again with the errors next to the fields,
    what was typed kept."""
    user = acting_user(request)
    page = selectors.case_page(user, case_id)
    if form_name == "assign_form":
        access.require(monitor_access.can_manage(user, page.case.unit))
    else:
        access.require(page.can_act)
    form = make_form(page)
    if form.is_valid():
        try:
            write(user, page.case, form, posted_version(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("media:case", case_id=case_id)
    return _detail(request, page, 400, **{form_name: form})


@login_required
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    return _write(
        request,
        case_id,
        "assign_form",
        lambda page: AssignForm(request.POST, candidates=selectors.candidates(page.case.unit)),
        lambda user, case, form, version: services.case_assign(
            user,
            case=case,
            assigned_to=form.cleaned_data["assigned_to"],
            due_at=form.cleaned_data["due_at"],
            version=version,
        ),
        _("The assignment has been saved."),
    )


@login_required
@require_POST
def case_move(request: HttpRequest, case_id: int) -> HttpResponse:
    return _write(
        request,
        case_id,
        "move_form",
        lambda page: MoveForm(request.POST),
        lambda user, case, form, version: services.case_move(
            user,
            case=case,
            to=form.cleaned_data["to"],
            text=form.cleaned_data["text"],
            version=version,
        ),
        _("The case has moved on."),
    )


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: int) -> HttpResponse:
    return _write(
        request,
        case_id,
        "step_form",
        lambda page: StepForm(request.POST),
        lambda user, case, form, version: services.step_add(
            user,
            case=case,
            data=form.step_input(),  # type: ignore[attr-defined]
            version=version,
        ),
        _("The step has been recorded."),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    return _write(
        request,
        case_id,
        "reopen_form",
        lambda page: ReasonForm(request.POST, prefix="reopen"),
        lambda user, case, form, version: services.case_reopen(
            user, case=case, reason=form.cleaned_data["reason"], version=version
        ),
        _("The case has been reopened."),
    )
