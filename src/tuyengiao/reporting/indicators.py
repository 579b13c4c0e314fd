"""Indicator figures: each indicator of a unit's plan, computed from the rollup cache as
Σ numerator / Σ denominator (never an average of percentages), against its target.

`figures` computes a whole grid — many units × many years × every indicator — from one
`rollup.totals()` call, so a dashboard costs the same few queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, UnitClosure
from tuyengiao.plans.models import Direction, Indicator, IndicatorKind, Plan, TargetPeriod
from tuyengiao.plans.selectors import targets_for
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Category, DataElement, Period, Structure

STATUS_LABELS = {
    "met": _("Met"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "not_met": _("Not met"),
    "no_data": _("No data"),
}
# Worst first: the order of a child breakdown sorted by status.
STATUS_RANK = {"not_met": 0, "at_risk": 1, "no_data": 2, "on_track": 3, "met": 4}
NBSP = "\u00a0"


def plan_for_unit(unit: OrgUnit, year: int, date: dt.date | None = None) -> Plan | None:
    """The unit's own plan for the year, or else that of its nearest ancestor (one query).
    Ancestors are those of `date`, by default the year's last day or today if earlier."""
    date = date or min(dt.date(year, 12, 31), today())
    depth = UnitClosure.objects.filter(
        ancestor_id=OuterRef("unit_id"), descendant_id=unit.pk, **valid_on(date)
    ).values("depth")[:1]
    return (
        Plan.objects.filter(start_year__lte=year, end_year__gte=year)
        .annotate(depth=Subquery(depth))
        .filter(depth__isnull=False)
        .order_by("depth", "-start_year", "code")
        .first()
    )


def plan_indicators(plan: Plan) -> list[Indicator]:
    """The plan's indicators in order (targets come from `targets_for`, through the cascade)."""
    return list(plan.indicators.all())


def is_term(indicator: Indicator) -> bool:
    return indicator.target_period == TargetPeriod.TERM


def format_number(value: Decimal | int | None, *, percentage: bool, decimals: int = 1) -> str:
    """A figure as Vietnamese office staff write it: 17,3 %, 1.234; "—" when there is none."""
    if value is None:
        return "—"
    text = number_format(value, decimal_pos=decimals if percentage else 0, use_l10n=True)
    return f"{text}{NBSP}%" if percentage else text


def format_target(value: Decimal | None, *, percentage: bool) -> str:
    if value is None:
        return "—"
    decimals = 0 if value == value.to_integral_value() else 1
    return format_number(value, percentage=percentage, decimals=decimals)


@dataclass
class Figure:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    target: Decimal | None
    status: str
    year: int = 0
    unit_id: int = 0
    # True when the unit was not in the structure (or not in the reader's scope) on the date
    # the figure is read under: shown as "—", whatever the cache holds.
    absent: bool = False

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def status_rank(self) -> int:
        return STATUS_RANK[self.status]

    @property
    def is_percentage(self) -> bool:
        return self.indicator.kind == IndicatorKind.PERCENTAGE

    @property
    def value_display(self) -> str:
        return format_number(self.value, percentage=self.is_percentage)

    @property
    def target_display(self) -> str:
        return format_target(self.target, percentage=self.is_percentage)


def _status(
    value: Decimal | None,
    target: Decimal | None,
    plan: Plan,
    year: int,
    term: bool,
    direction: str = Direction.AT_LEAST,
) -> str:
    if value is None or target is None:
        return "no_data"
    finished = (plan.end_year if term else year) < today().year
    if direction == Direction.AT_MOST:
        # Counts only grow: once over the ceiling it cannot be met any more.
        if value > target:
            return "not_met"
        return "met" if finished else "on_track"
    if value >= target:
        return "met"
    if finished:
        return "not_met"
    if term:
        elapsed = Decimal(min(year, today().year) - plan.start_year + 1)
        expected = target * elapsed / Decimal(plan.end_year - plan.start_year + 1)
        return "on_track" if value >= expected else "at_risk"
    return "at_risk"


def _ratio(numerator: int | None, denominator: int | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)


def years_summed(plan: Plan, indicator: Indicator, year: int) -> list[int]:
    """The years whose values make up the indicator's figure for `year`: the year itself, or
    for a target over the term every year of the term up to it (cumulative)."""
    return list(range(plan.start_year, year + 1)) if is_term(indicator) else [year]


def element_ids(codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted({c for c in codes if c})
    return dict(DataElement.objects.filter(code__in=wanted).values_list("code", "id"))


def year_period_ids(years: Iterable[int]) -> dict[int, int]:
    rows = Period.objects.filter(code__in=[str(y) for y in sorted(set(years))])
    return {int(code): pk for code, pk in rows.values_list("code", "id")}


Counted = Callable[[int, int], bool]
# unit, indicator code, year → figure
Grid = dict[tuple[int, str, int], Figure]


def _everything(unit_id: int, year: int) -> bool:
    return True


def figures(
    plan: Plan,
    indicators: Sequence[Indicator],
    unit_ids: Iterable[int],
    years: Iterable[int],
    structure: str,
    *,
    counted: Counted = _everything,
) -> Grid:
    """Every indicator's figure for every unit and year, from one `rollup.totals()` call (and
    one query each for the element and period ids).

    `counted(unit, year)` says whether the unit's total for a year may be read (the unit was
    in the structure and in the reader's scope on that year's date); a year not counted shows
    no figure and adds nothing to a cumulative one."""
    units, wanted = list(unit_ids), sorted(set(years))
    if not units or not wanted or not indicators:
        return {}
    needed = {y for i in indicators for year in wanted for y in years_summed(plan, i, year)}
    elements = element_ids(c for i in indicators for c in (i.numerator, i.denominator))
    periods = year_period_ids(needed)
    cells = rollup.totals(units, elements.values(), periods.values(), structure)
    # unit, element id, year → total of the "total" category (the "of which women" rows are
    # part of it, not added to it)
    by_year = {pid: year for year, pid in periods.items()}
    sums: dict[tuple[int, int, int], int] = defaultdict(int)
    for (unit_id, element_id, period_id, category), total in cells.items():
        if category == Category.TOTAL:
            sums[(unit_id, element_id, by_year[period_id])] += total

    def summed(unit_id: int, code: str, years: list[int]) -> int | None:
        element_id = elements.get(code)
        if element_id is None:
            return None
        found = [sums[k] for y in years if (k := (unit_id, element_id, y)) in sums]
        return sum(found) if found else None

    grid: Grid = {}
    targets = targets_for(plan)
    for indicator in indicators:
        term = is_term(indicator)
        for year in wanted:
            target = targets.get((indicator.code, None if term else year))
            for unit_id in units:
                if not counted(unit_id, year):
                    grid[(unit_id, indicator.code, year)] = Figure(
                        indicator, None, None, None, target, "no_data", year, unit_id, True
                    )
                    continue
                years_in = [y for y in years_summed(plan, indicator, year) if counted(unit_id, y)]
                numerator = summed(unit_id, indicator.numerator, years_in)
                denominator = summed(unit_id, indicator.denominator, years_in)
                if indicator.kind == IndicatorKind.PERCENTAGE:
                    value = _ratio(numerator, denominator)
                else:
                    value = Decimal(numerator) if numerator is not None else None
                status = _status(value, target, plan, year, term, indicator.direction)
                grid[(unit_id, indicator.code, year)] = Figure(
                    indicator, numerator, denominator, value, target, status, year, unit_id
                )
    return grid


def figures_for_user(
    user: User, unit: OrgUnit, year: int, structure: str = Structure.HISTORICAL
) -> list[Figure]:
    access.require(access.can_read(user, unit))
    rollup.catch_up()
    plan = plan_for_unit(unit, year)
    if plan is None:
        return []
    indicators = plan_indicators(plan)
    grid = figures(plan, indicators, [unit.pk], [year], structure)
    return [grid[(unit.pk, indicator.code, year)] for indicator in indicators]
