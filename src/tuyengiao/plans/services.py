"""Writes to plans: load (create or update) a plan from its file, idempotently."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Indicator, Plan, PlanTask, Target
from tuyengiao.plans.spec import IndicatorSpec, PlanSpec


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


def _as_loaded(plan: Plan) -> dict[str, Any]:
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


@transaction.atomic
def plan_load(actor: User | None, *, spec: PlanSpec, unit: OrgUnit) -> tuple[Plan, bool]:
    """Create or update the plan `spec.code` of `unit`; returns it and whether anything changed.
    Tasks and indicators are matched by code; those absent from the file are removed."""
    access.require(actor is None or access.can_manage_plans(actor, unit))
    plan = Plan.objects.select_for_update().filter(code=spec.code).first()
    before = _as_loaded(plan) if plan else None
    plan = plan or Plan(code=spec.code)
    plan.title, plan.document, plan.unit = spec.title, spec.document, unit
    plan.start_year, plan.end_year = spec.start_year, spec.end_year
    plan.full_clean()
    plan.save()
    tasks = {}
    for position, task_spec in enumerate(spec.tasks):
        tasks[task_spec.code], _ = PlanTask.objects.update_or_create(
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
        indicator, _ = Indicator.objects.update_or_create(
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
    after = _as_loaded(plan)
    changed = before != after
    if changed:
        audit_record(
            actor,
            action="plan.load",
            obj=plan,
            unit=unit,
            before={"summary": str(before)[:2000]} if before else None,
            after={"indicators": len(spec.indicators), "tasks": len(spec.tasks)},
        )
    return plan, changed
