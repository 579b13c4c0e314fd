"""Indicator figures: each indicator of a unit's plan, computed from the rollup cache as
Σ numerator / Σ denominator (never an average of percentages), against its target."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, UnitClosure
from tuyengiao.plans.models import Indicator, IndicatorKind, Plan
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Aggregate, Structure

STATUS_LABELS = {
    "met": _("Met"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "not_met": _("Not met"),
    "no_data": _("No data"),
}


def plan_for_unit(unit: OrgUnit, year: int) -> Plan | None:
    """The unit's own plan for the year, or else that of its nearest ancestor."""
    date = min(dt.date(year, 12, 31), today())
    chain = UnitClosure.objects.filter(descendant=unit, **valid_on(date)).order_by("depth")
    for ancestor_id in chain.values_list("ancestor_id", flat=True):
        plan = Plan.objects.filter(
            unit_id=ancestor_id, start_year__lte=year, end_year__gte=year
        ).first()
        if plan is not None:
            return plan
    return None


@dataclass
class Figure:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    target: Decimal | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _sum(unit: OrgUnit, code: str, years: list[int], structure: str) -> int | None:
    if not code:
        return None
    total = Aggregate.objects.filter(
        ancestor=unit,
        element__code=code,
        period__code__in=[str(y) for y in years],
        structure=structure,
    ).aggregate(total=Sum("total"))["total"]
    return int(total) if total is not None else None


def _status(
    value: Decimal | None, target: Decimal | None, plan: Plan, year: int, term: bool
) -> str:
    if value is None or target is None:
        return "no_data"
    if value >= target:
        return "met"
    finished = (plan.end_year if term else year) < today().year
    if finished:
        return "not_met"
    if term:
        elapsed = Decimal(min(year, today().year) - plan.start_year + 1)
        expected = target * elapsed / Decimal(plan.end_year - plan.start_year + 1)
        return "on_track" if value >= expected else "at_risk"
    return "at_risk"


def figures_for_user(
    user: User, unit: OrgUnit, year: int, structure: str = Structure.HISTORICAL
) -> list[Figure]:
    access.require(access.can_read(user, unit))
    rollup.catch_up()
    plan = plan_for_unit(unit, year)
    if plan is None:
        return []
    figures = []
    for indicator in plan.indicators.prefetch_related("targets"):
        term = indicator.target_period == "term"
        years = list(range(plan.start_year, year + 1)) if term else [year]
        numerator = _sum(unit, indicator.numerator, years, structure)
        denominator = _sum(unit, indicator.denominator, years, structure)
        if indicator.kind == IndicatorKind.PERCENTAGE:
            value = (
                (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)
                if numerator is not None and denominator
                else None
            )
        else:
            value = Decimal(numerator) if numerator is not None else None
        targets = {t.year: t.value for t in indicator.targets.all()}
        target = targets.get(None if term else year)
        figures.append(
            Figure(
                indicator,
                numerator,
                denominator,
                value,
                target,
                _status(value, target, plan, year, term),
            )
        )
    return figures
