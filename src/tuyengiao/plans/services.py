"""Writes to plans: load a plan from its file (idempotently), create one in the UI, adopt one
from an upper level's plan (the cascade), add and remove tasks and indicators, set targets.

The cascade: an adopted plan holds copies of its parent's tasks and indicators, marked
`inherited` and kept in step with the parent by `_sync_adopted` after every change to the
parent, and its own ones. It stores a target only where it raised one; everywhere else the
parent's target is in force (`selectors.targets_for`), so a change upward on the parent reaches
every plan that merely inherited the target, and a raise never falls below the parent's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version, save_versioned
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Direction, Indicator, IndicatorKind, Plan, PlanTask, Target
from tuyengiao.plans.selectors import TargetKey, plain, targets_for
from tuyengiao.plans.spec import IndicatorSpec, PlanSpec

# Codes appear in addresses (/plans/<code>/): letters, digits, dot, dash, underscore.
PLAN_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RESERVED_CODES = frozenset({"new", "upload"})
CODE_MAX = 80  # Plan.code


def _targets(spec: IndicatorSpec, years: range) -> dict[int | None, Any]:
    """The targets the file gives, by year (None: the whole term)."""
    targets: dict[int | None, Any] = {}
    if spec.targets.every_year is not None:
        targets.update(dict.fromkeys(years, spec.targets.every_year))
    for year, value in spec.targets.years.items():
        targets[year] = value
    if spec.targets.term is not None:
        targets[None] = spec.targets.term
    return targets


def as_loaded(plan: Plan) -> dict[str, Any]:
    """What a plan holds, in the file's terms, to tell whether a load changes anything."""
    return {
        "plan": [plan.title, plan.document, plan.start_year, plan.end_year, plan.unit_id],
        "tasks": [[t.code, t.title, t.description] for t in plan.tasks.all()],
        "indicators": [
            [
                i.code,
                i.name,
                i.kind,
                i.direction,
                i.numerator,
                i.denominator,
                i.task.code if i.task else None,
                sorted((t.year or 0, str(t.value.normalize())) for t in i.targets.all()),
            ]
            for i in plan.indicators.select_related("task").prefetch_related("targets")
        ],
    }


def _require_manage(actor: User | None, unit: OrgUnit) -> None:
    """`actor` None is the system (commands, the demo loader)."""
    access.require(actor is None or access.can_manage_plans(actor, unit))


def _locked(plan: Plan) -> Plan:
    # Only the plan row is locked: PostgreSQL cannot lock the nullable side of a join (parent).
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("unit", "parent")
        .get(pk=plan.pk)
    )


def _bump(plan: Plan) -> None:
    """A change that needs no expected version still moves the plan's version on, so that a
    form loaded before it (the target table) notices."""
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    plan.refresh_from_db(fields=["version"])


def _check_plan_code(code: str) -> None:
    if not PLAN_CODE.match(code) or code.lower() in RESERVED_CODES:
        raise ValidationError(
            {"code": _("Use letters without diacritics, digits, “-”, “.” or “_”, e.g. KH-2026.")}
        )


def _refuse_inherited(item: PlanTask | Indicator) -> None:
    if item.inherited:
        raise ValidationError(
            _(
                "%(code)s comes from the plan this one was adopted from: "
                "it can only be changed there."
            )
            % {"code": item.code}
        )


# --- the cascade --------------------------------------------------------------------------


def _copy_from_parent(child: Plan, parent: Plan) -> None:
    """Make `child`'s inherited tasks and indicators copies of `parent`'s (all of them, its own
    and those it inherited itself); drop the child's raises outside the parent's years."""
    if (child.start_year, child.end_year) != (parent.start_year, parent.end_year):
        child.start_year, child.end_year = parent.start_year, parent.end_year
        child.save(update_fields=["start_year", "end_year"])
    tasks = list(parent.tasks.all())
    indicators = list(parent.indicators.select_related("task"))
    own = set(child.tasks.filter(inherited=False).values_list("code", flat=True))
    own |= set(child.indicators.filter(inherited=False).values_list("code", flat=True))
    clash = sorted(own & ({t.code for t in tasks} | {i.code for i in indicators}))
    if clash:
        raise ValidationError(
            _(
                "The plan %(plan)s, adopted from this one, has its own %(code)s: "
                "choose another code, or ask its unit to remove theirs first."
            )
            % {"plan": child.code, "code": clash[0]}
        )
    copies: dict[str, PlanTask] = {}
    for position, task in enumerate(tasks):
        copies[task.code], _created = PlanTask.objects.update_or_create(
            plan=child,
            code=task.code,
            defaults={
                "title": task.title,
                "description": task.description,
                "position": position,
                "inherited": True,
            },
        )
    child.tasks.filter(inherited=True).exclude(code__in=copies).delete()
    for position, indicator in enumerate(indicators):
        Indicator.objects.update_or_create(
            plan=child,
            code=indicator.code,
            defaults={
                "name": indicator.name,
                "kind": indicator.kind,
                "direction": indicator.direction,
                "target_period": indicator.target_period,
                "numerator": indicator.numerator,
                "denominator": indicator.denominator,
                "task": copies.get(indicator.task.code) if indicator.task else None,
                "position": position,
                "inherited": True,
            },
        )
    child.indicators.filter(inherited=True).exclude(code__in=[i.code for i in indicators]).delete()
    Target.objects.filter(indicator__plan=child, year__isnull=False).exclude(
        year__range=(child.start_year, child.end_year)
    ).delete()


def _sync_adopted(plan: Plan) -> None:
    """Bring every plan adopted from `plan`, and theirs down the cascade, in step with it."""
    for child in plan.adopted_plans.select_for_update().order_by("pk"):
        _copy_from_parent(child, plan)
        _sync_adopted(child)


@transaction.atomic
def plan_adopt(actor: User | None, *, parent: Plan, unit: OrgUnit) -> Plan:
    """`unit` (strictly under the parent plan's unit) adopts its own plan from `parent`: the
    same tasks and indicators, the parent's targets until it raises them."""
    parent = _locked(parent)
    _require_manage(actor, unit)
    if unit.pk == parent.unit_id or not hierarchy.is_under(parent.unit_id, unit.pk, today()):
        raise ValidationError(
            {"unit": _("Only a unit under %(unit)s can adopt this plan.") % {"unit": parent.unit}}
        )
    if Plan.objects.filter(parent=parent, unit=unit).exists():
        raise ValidationError(
            {"unit": _("%(unit)s has already adopted this plan.") % {"unit": unit}}
        )
    code = f"{parent.code}-{unit.code}"
    if len(code) > CODE_MAX:
        code = f"KH-{unit.code}-{parent.pk}"
    if Plan.objects.filter(code=code).exists():
        raise ValidationError(
            {"unit": _("A plan with the code %(code)s already exists.") % {"code": code}}
        )
    plan = Plan(
        code=code,
        title=parent.title,
        unit=unit,
        document=parent.document,
        start_year=parent.start_year,
        end_year=parent.end_year,
        parent=parent,
    )
    plan.full_clean()
    plan.save()
    _copy_from_parent(plan, parent)
    audit_record(
        actor,
        action="plan.adopt",
        obj=plan,
        unit=unit,
        after={"code": plan.code, "parent": parent.code, "unit": unit.code},
    )
    return plan


# --- plans --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    actor: User | None,
    *,
    unit: OrgUnit,
    code: str,
    title: str,
    document: str = "",
    start_year: int,
    end_year: int,
) -> Plan:
    """An empty plan of `unit`, to be filled in with tasks, indicators and targets."""
    _require_manage(actor, unit)
    code = code.strip()
    _check_plan_code(code)
    if Plan.objects.filter(code__iexact=code).exists():
        raise ValidationError(
            {"code": _("A plan with the code %(code)s already exists.") % {"code": code}}
        )
    if start_year > end_year:
        raise ValidationError({"end_year": _("The plan cannot end before it starts.")})
    plan = Plan(
        code=code,
        title=title.strip(),
        unit=unit,
        document=document.strip(),
        start_year=start_year,
        end_year=end_year,
    )
    plan.full_clean()
    plan.save()
    audit_record(
        actor,
        action="plan.create",
        obj=plan,
        unit=unit,
        after={"code": code, "title": plan.title, "years": f"{start_year}-{end_year}"},
    )
    return plan


@transaction.atomic
def plan_load(actor: User | None, *, spec: PlanSpec, unit: OrgUnit) -> tuple[Plan, bool]:
    """Create or update the plan `spec.code` of `unit`; returns it and whether anything changed.
    Tasks and indicators are matched by code; those absent from the file are removed. The plans
    adopted from it follow. An adopted plan is not loaded from a file: it follows its parent."""
    _require_manage(actor, unit)
    _check_plan_code(spec.code)
    plan = Plan.objects.select_for_update().filter(code=spec.code).first()
    if plan is not None:
        _require_manage(actor, plan.unit)
        if plan.parent_id is not None:
            raise ValidationError(
                {
                    "code": _(
                        "The plan %(code)s was adopted from another plan: change it on its "
                        "page, not from a file."
                    )
                    % {"code": plan.code}
                }
            )
        if plan.unit_id != unit.pk and plan.adopted_plans.exists():
            raise ValidationError(
                {
                    "unit": _(
                        "Units under %(unit)s have adopted this plan: it stays with %(unit)s."
                    )
                    % {"unit": plan.unit}
                }
            )
    before = as_loaded(plan) if plan else None
    plan = plan or Plan(code=spec.code)
    plan.title, plan.document, plan.unit = spec.title, spec.document, unit
    plan.start_year, plan.end_year = spec.start_year, spec.end_year
    plan.full_clean()
    plan.save()
    tasks = {}
    for position, task_spec in enumerate(spec.tasks):
        tasks[task_spec.code], _created = PlanTask.objects.update_or_create(
            plan=plan,
            code=task_spec.code,
            defaults={
                "title": task_spec.title,
                "description": task_spec.description,
                "position": position,
            },
        )
    plan.tasks.exclude(code__in=tasks).delete()
    for position, spec_i in enumerate(spec.indicators):
        indicator, _created = Indicator.objects.update_or_create(
            plan=plan,
            code=spec_i.code,
            defaults={
                "name": spec_i.name,
                "kind": spec_i.kind,
                "direction": spec_i.direction,
                "numerator": spec_i.numerator,
                "denominator": spec_i.denominator,
                "target_period": "term" if spec_i.targets.term is not None else "year",
                "task": tasks.get(spec_i.task or ""),
                "position": position,
            },
        )
        targets = _targets(spec_i, plan.years)
        stale = indicator.targets.exclude(year__in=[y for y in targets if y is not None])
        if None in targets:
            stale = stale.exclude(year__isnull=True)
        stale.delete()
        for year, value in targets.items():
            Target.objects.update_or_create(
                indicator=indicator, year=year, defaults={"value": value}
            )
    plan.indicators.exclude(code__in=[i.code for i in spec.indicators]).delete()
    after = as_loaded(plan)
    changed = before != after
    if changed:
        if before is not None:
            _bump(plan)
        _sync_adopted(plan)
        audit_record(
            actor,
            action="plan.load",
            obj=plan,
            unit=unit,
            before={"summary": str(before)[:2000]} if before else None,
            after={"indicators": len(spec.indicators), "tasks": len(spec.tasks)},
        )
    return plan, changed


# --- tasks and indicators ----------------------------------------------------------------


def _next_position(plan: Plan, model: type[PlanTask] | type[Indicator]) -> int:
    top = model.objects.filter(plan=plan).aggregate(top=Max("position"))["top"]
    return 0 if top is None else int(top) + 1


def _check_item_code(plan: Plan, code: str, model: type[PlanTask] | type[Indicator]) -> None:
    if not code:
        raise ValidationError({"code": _("Enter a code.")})
    if model.objects.filter(plan=plan, code__iexact=code).exists():
        raise ValidationError({"code": _("This plan already has %(code)s.") % {"code": code}})


@transaction.atomic
def task_add(
    actor: User | None, *, plan: Plan, code: str, title: str, description: str = ""
) -> PlanTask:
    """A task of the plan's own (on an adopted plan: in addition to the inherited ones)."""
    plan = _locked(plan)
    _require_manage(actor, plan.unit)
    code = code.strip()
    _check_item_code(plan, code, PlanTask)
    task = PlanTask(
        plan=plan,
        code=code,
        title=title.strip(),
        description=description.strip(),
        position=_next_position(plan, PlanTask),
    )
    task.full_clean()
    task.save()
    _bump(plan)
    _sync_adopted(plan)
    audit_record(
        actor,
        action="plan.task_add",
        obj=task,
        unit=plan.unit,
        after={"plan": plan.code, "code": code, "title": task.title},
    )
    return task


def _element_codes() -> set[str]:
    """The data elements on record. Looked up by name: `reporting` comes after `plans` in the
    dependency order, so `plans` does not import it."""
    element = apps.get_model("reporting", "DataElement")
    return set(element._default_manager.values_list("code", flat=True))


@transaction.atomic
def indicator_add(
    actor: User | None,
    *,
    plan: Plan,
    code: str,
    name: str,
    kind: str,
    numerator: str,
    denominator: str = "",
    direction: str = Direction.AT_LEAST,
    target_period: str = "year",
    task: PlanTask | None = None,
) -> Indicator:
    """An indicator of the plan's own: a count of one data element, or a percentage of a
    numerator element over a denominator element. Its targets are set afterwards."""
    plan = _locked(plan)
    _require_manage(actor, plan.unit)
    code, numerator, denominator = code.strip(), numerator.strip(), denominator.strip()
    _check_item_code(plan, code, Indicator)
    elements = _element_codes()
    errors: dict[str, str] = {}
    if numerator not in elements:
        errors["numerator"] = _("No data element has the code %(code)s.") % {"code": numerator}
    if kind == IndicatorKind.PERCENTAGE and not denominator:
        errors["denominator"] = _("A percentage needs a denominator.")
    elif kind == IndicatorKind.COUNT and denominator:
        errors["denominator"] = _("A count has no denominator: leave it empty.")
    elif denominator and denominator not in elements:
        errors["denominator"] = _("No data element has the code %(code)s.") % {"code": denominator}
    if task is not None and task.plan_id != plan.pk:
        errors["task"] = _("Choose a task of this plan.")
    if errors:
        raise ValidationError(errors)
    indicator = Indicator(
        plan=plan,
        code=code,
        name=name.strip(),
        kind=kind,
        direction=direction,
        target_period=target_period,
        numerator=numerator,
        denominator=denominator,
        task=task,
        position=_next_position(plan, Indicator),
    )
    indicator.full_clean()
    indicator.save()
    _bump(plan)
    _sync_adopted(plan)
    audit_record(
        actor,
        action="plan.indicator_add",
        obj=indicator,
        unit=plan.unit,
        after={
            "plan": plan.code,
            "code": code,
            "kind": kind,
            "numerator": numerator,
            "denominator": denominator,
        },
    )
    return indicator


@transaction.atomic
def task_remove(actor: User | None, *, task: PlanTask, version: int) -> None:
    """Remove a task of the plan's own (its indicators stay, without a task)."""
    plan = _locked(task.plan)
    _require_manage(actor, plan.unit)
    check_version(plan, version)
    _refuse_inherited(task)
    before = {"plan": plan.code, "code": task.code, "title": task.title}
    audit_record(actor, action="plan.task_remove", obj=task, unit=plan.unit, before=before)
    task.delete()
    save_versioned(plan, version, [])
    _sync_adopted(plan)


@transaction.atomic
def indicator_remove(actor: User | None, *, indicator: Indicator, version: int) -> None:
    """Remove an indicator of the plan's own, with its targets."""
    plan = _locked(indicator.plan)
    _require_manage(actor, plan.unit)
    check_version(plan, version)
    _refuse_inherited(indicator)
    before = {"plan": plan.code, "code": indicator.code, "name": indicator.name}
    audit_record(
        actor, action="plan.indicator_remove", obj=indicator, unit=plan.unit, before=before
    )
    indicator.delete()
    save_versioned(plan, version, [])
    _sync_adopted(plan)


# --- targets ------------------------------------------------------------------------------


def target_key(code: str, year: int | None) -> str:
    """How targets_set names a cell in its errors: "T2.1a@2025", "T2.2@term"."""
    return f"{code}@{'term' if year is None else year}"


def _target_error(
    indicator: Indicator, year: int | None, value: Decimal, parent: Decimal | None, plan: Plan
) -> str | None:
    if year is not None and year not in plan.years:
        return _("The plan runs from %(start)s to %(end)s.") % {
            "start": plan.start_year,
            "end": plan.end_year,
        }
    if value < 0:
        return _("A target cannot be negative.")
    if indicator.kind == IndicatorKind.PERCENTAGE and value > 100:
        return _("A percentage target cannot exceed 100.")
    if parent is None:
        return None
    if indicator.direction == Direction.AT_LEAST and value < parent:
        return _("It cannot be lower than the upper level's target (%(parent)s).") % {
            "parent": plain(parent)
        }
    if indicator.direction == Direction.AT_MOST and value > parent:
        return _("It cannot be higher than the upper level's target (%(parent)s).") % {
            "parent": plain(parent)
        }
    return None


@transaction.atomic
def targets_set(
    actor: User | None,
    *,
    plan: Plan,
    values: Mapping[TargetKey, Decimal | None],
    version: int,
) -> int:
    """Set targets by (indicator code, year or None for the term); None clears one. On an
    adopted plan a cleared or unchanged cell inherits the parent's target, and a target may be
    raised above the parent's but not set below it (for "at most" indicators: the reverse).
    Returns how many cells changed; errors name the cells as `target_key` does."""
    plan = _locked(plan)
    _require_manage(actor, plan.unit)
    check_version(plan, version)
    indicators = {i.code: i for i in plan.indicators.all()}
    above = targets_for(plan.parent) if plan.parent else {}
    stored = {
        (t.indicator.code, t.year): t
        for t in Target.objects.filter(indicator__plan=plan).select_related("indicator")
    }
    errors: dict[str, str] = {}
    changes: list[tuple[Indicator, int | None, Decimal | None, Decimal | None]] = []
    for (code, year), value in values.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors[target_key(code, year)] = _("This plan has no indicator %(code)s.") % {
                "code": code
            }
            continue
        parent = above.get((code, year)) if indicator.inherited else None
        if value is not None:
            problem = _target_error(indicator, year, value, parent, plan)
            if problem:
                errors[target_key(code, year)] = problem
                continue
        # An inherited target is stored only when raised: equal to the parent's is no raise.
        wanted = None if value is not None and parent is not None and value == parent else value
        current = stored[(code, year)].value if (code, year) in stored else None
        if wanted != current:
            changes.append((indicator, year, current, wanted))
    if errors:
        raise ValidationError(errors)
    for indicator, year, _current, wanted in changes:
        if wanted is None:
            stored[(indicator.code, year)].delete()
        else:
            Target.objects.update_or_create(
                indicator=indicator, year=year, defaults={"value": wanted}
            )
    if changes:
        save_versioned(plan, version, [])
        audit_record(
            actor,
            action="plan.targets",
            obj=plan,
            unit=plan.unit,
            before={target_key(i.code, y): old for i, y, old, _new in changes},
            after={target_key(i.code, y): new for i, y, _old, new in changes},
        )
    return len(changes)


def target_set(
    actor: User | None,
    *,
    indicator: Indicator,
    year: int | None,
    value: Decimal | None,
    version: int,
) -> int:
    """One target (see targets_set); errors are on the field `value`."""
    try:
        return targets_set(
            actor, plan=indicator.plan, values={(indicator.code, year): value}, version=version
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError({"value": error.messages}) from error
        raise
