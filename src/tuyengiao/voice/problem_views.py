"""Implementation-problem pages: the list (search, status, pages), reporting a problem, a
problem with its answer and the province's forms, changing its text. Thin: parse, call a
selector or a service, render."""

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
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.voice import problem_selectors as selectors
from tuyengiao.voice import problem_services as services
from tuyengiao.voice.models import Problem
from tuyengiao.voice.problem_forms import (
    FORWARD_SUGGESTIONS,
    AnswerForm,
    ForwardForm,
    ProblemEditForm,
    ProblemFilterForm,
    ProblemForm,
)


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ProblemFilterForm(request.GET)
    values = form.values()
    filters = selectors.ProblemFilter(query=values.get("q", ""), status=values.get("status", ""))
    problems = selectors.problems_for_user(user, filters)
    page = Paginator(problems, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/problems/list.html",
        {"filter_form": form, "page_obj": page, "can_report": user.can_edit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read problems but not report them."))
    initial = {"unit": user.scope_unit.code if user.scope_unit else ""}
    form = ProblemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_report(
                user, unit=form.cleaned_data["unit"], data=form.data_input()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The problem has been sent to the province."))
            return redirect("problems:problem", problem_id=problem.pk)
    status = 400 if form.errors else 200
    return render(
        request, "voice/problems/form.html", {"form": form, "problem": None}, status=status
    )


@login_required
@require_GET
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    user = acting_user(request)
    return _detail(request, selectors.problem_page(user, problem_id))


def _detail(
    request: HttpRequest, page: selectors.ProblemPage, status: int = 200, **forms: Form
) -> HttpResponse:
    defaults: dict[str, Form] = {
        "answer_form": AnswerForm(prefix="answer"),
        "forward_form": ForwardForm(prefix="forward"),
    }
    return render(
        request,
        "voice/problems/detail.html",
        {
            "page": page,
            "problem": page.problem,
            "suggestions": FORWARD_SUGGESTIONS,
            **defaults,
            **forms,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: HttpRequest, problem_id: int) -> HttpResponse:
    user = acting_user(request)
    page = selectors.problem_page(user, problem_id)
    problem = page.problem
    if not selectors.can_edit(user, problem, page.province):
        raise PermissionDenied(_("This problem is outside what you can change."))
    if not page.can_edit and request.method == "GET":
        messages.error(request, _("The province has already dealt with this problem."))
        return redirect("problems:problem", problem_id=problem.pk)
    initial = {name: getattr(problem, name) for name in services.EDITABLE}
    form = ProblemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(
                user, problem=problem, data=form.data_input(), version=posted_version(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The problem has been saved."))
            return redirect("problems:problem", problem_id=problem.pk)
    status = 400 if form.errors else 200
    return render(
        request, "voice/problems/form.html", {"form": form, "problem": problem}, status=status
    )


def _step(
    request: HttpRequest,
    problem_id: int,
    form_name: str,
    form: Form,
    write: Callable[[Any, Problem, dict[str, Any], int], object],
    done: str,
) -> HttpResponse:
    """The province's answer or forwarding: the form valid and the service agreeing, back to
    the problem; otherwise the page again with the errors next to the fields, what was typed
    kept."""
    user = acting_user(request)
    page = selectors.problem_page(user, problem_id)
    if not selectors.can_answer(user, page.province):
        raise PermissionDenied(_("Only the provincial department answers this problem."))
    if form.is_valid():
        try:
            write(user, page.problem, form.cleaned_data, posted_version(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("problems:problem", problem_id=problem_id)
    return _detail(request, page, 400, **{form_name: form})


@login_required
@require_POST
def problem_answer(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _step(
        request,
        problem_id,
        "answer_form",
        AnswerForm(request.POST, prefix="answer"),
        lambda user, problem, data, version: services.problem_answer(
            user, problem=problem, answer=data["answer"], version=version
        ),
        _("The answer has been sent to the unit."),
    )


@login_required
@require_POST
def problem_forward(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _step(
        request,
        problem_id,
        "forward_form",
        ForwardForm(request.POST, prefix="forward"),
        lambda user, problem, data, version: services.problem_forward(
            user,
            problem=problem,
            forwarded_to=data["forwarded_to"],
            note=data["note"],
            version=version,
        ),
        _("The problem has been forwarded."),
    )
