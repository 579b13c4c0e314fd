"""Plan pages: the list, one plan with its tasks, indicators and targets, and the pages that
change plans (new plan, upload with preview, adopt, targets, tasks, indicators). Thin: a gate
or a selector, a form, a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.forms import add_service_errors
from tuyengiao.plans import selectors, services
from tuyengiao.plans.forms import (
    AdoptForm,
    IndicatorForm,
    PlanConfirmForm,
    PlanCreateForm,
    PlanSearchForm,
    PlanUploadForm,
    RemoveForm,
    TargetsForm,
    TaskForm,
)
from tuyengiao.plans.spec import SEED_PLAN, PlanFileError
from tuyengiao.plans.upload import plan_upload_commit, plan_upload_preview


def _require_planner(user: User) -> None:
    if not user.can_restructure:
        raise PermissionDenied(_("Your role can read plans but not change them."))


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filter_form = PlanSearchForm(request.GET)
    plans = selectors.plans_for_user(user, **filter_form.filters())
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    parent = filter_form.filters().get("parent", "")
    return render(
        request,
        "plans/plan_list.html",
        {
            "page_obj": page,
            "filter_form": filter_form,
            "parent": selectors.plans_for_user(user).filter(code=parent).first()
            if parent
            else None,
            "can_create": user.can_restructure,
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = selectors.plan_page(acting_user(request), code)
    return render(request, "plans/plan_detail.html", {"page": page, "plan": page.plan})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require_planner(user)
    form = PlanCreateForm(selectors.units_for_new_plan(user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The plan has been created: now add its tasks and indicators.")
            )
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require_planner(user)
    form = PlanUploadForm(
        selectors.units_for_new_plan(user), request.POST or None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            preview = plan_upload_preview(user, text=form.text, unit=unit)
        except ValidationError as error:
            add_service_errors(form, error, aliases={"code": "file"})
        else:
            confirm = PlanConfirmForm(
                initial={"unit": unit.code, "text": form.text, "fingerprint": preview.fingerprint}
            )
            return render(
                request, "plans/plan_preview.html", {"preview": preview, "confirm": confirm}
            )
    return render(request, "plans/plan_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload_confirm(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _require_planner(user)
    form = PlanConfirmForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return redirect("plans:upload")
    unit = selectors.units_for_new_plan(user).filter(code=form.cleaned_data["unit"]).first()
    if unit is None:
        raise PermissionDenied(_("This unit is outside your scope."))
    try:
        plan, changed = plan_upload_commit(
            user,
            text=form.cleaned_data["text"],
            unit=unit,
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except (ValidationError, PlanFileError) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect("plans:upload")
    messages.success(
        request,
        _("The plan has been loaded.") if changed else _("The plan was already as in the file."),
    )
    return redirect("plans:detail", code=plan.code)


@login_required
@require_GET
def plan_example(request: HttpRequest) -> HttpResponse:
    """The province's plan file, as an example of the format."""
    response = HttpResponse(
        SEED_PLAN.read_text(encoding="utf-8"), content_type="text/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{SEED_PLAN.name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_adopt(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.plan_for_user(user, code)
    _require_planner(user)
    candidates = selectors.adopt_candidates(user, plan)
    form = AdoptForm(candidates, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adopted = services.plan_adopt(user, parent=plan, unit=form.cleaned_data["unit"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(unit)s has adopted the plan. Its targets are the upper level's until "
                    "you raise them."
                )
                % {"unit": adopted.unit.name},
            )
            return redirect("plans:detail", code=adopted.code)
    return render(
        request,
        "plans/plan_adopt.html",
        {"plan": plan, "form": form, "has_candidates": candidates.exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.plan_to_manage(user, code)
    rows = selectors.indicator_rows(plan)
    form = TargetsForm(rows, request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.targets_set(
                user, plan=plan, values=form.values(), version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases=form.aliases)
        else:
            messages.success(
                request,
                _("The targets have been saved.") if changed else _("No target was changed."),
            )
            return redirect("plans:detail", code=plan.code)
    return render(
        request,
        "plans/targets_form.html",
        {"plan": plan, "form": form, "years": list(plan.years)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.plan_to_manage(user, code)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_add(user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Task %(code)s has been added.") % {"code": task.code})
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/item_form.html", {"plan": plan, "form": form, "kind": "task"})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.plan_to_manage(user, code)
    form = IndicatorForm(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_add(user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Indicator %(code)s has been added: now set its targets.")
                % {"code": indicator.code},
            )
            return redirect("plans:targets", code=plan.code)
    return render(
        request, "plans/item_form.html", {"plan": plan, "form": form, "kind": "indicator"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_remove(request: HttpRequest, code: str) -> HttpResponse:
    """Remove one of the plan's own tasks or indicators (a button on the plan page)."""
    user = acting_user(request)
    plan = selectors.plan_to_manage(user, code)
    form = RemoveForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return redirect("plans:detail", code=plan.code)
    data = form.cleaned_data
    try:
        if data["kind"] == "task":
            task = plan.tasks.filter(code=data["item"]).first()
            if task is None:
                raise Http404(data["item"])
            services.task_remove(user, task=task, version=data["version"])
        else:
            indicator = plan.indicators.filter(code=data["item"]).first()
            if indicator is None:
                raise Http404(data["item"])
            services.indicator_remove(user, indicator=indicator, version=data["version"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(code)s has been removed.") % {"code": data["item"]})
    return redirect("plans:detail", code=plan.code)
