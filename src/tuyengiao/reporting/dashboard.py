"""Dashboard data, scoped to the acting user: a unit's indicators against their targets with
their trend over the plan's years, the breakdown by child units, and the raw values behind a
figure.

Every page is built from a fixed number of queries, whatever the number of indicators, years
and children: the unit gate, the plan and its indicators, one `rollup.totals()` call for the
whole grid (see `indicators.figures`), and a few lookups of names and dates.

Two structures: *historical* reads each year under the tree of that year's last day (a unit
that did not exist then has no figure for it); *current* reads every year under today's tree,
so a unit merged into another counts, for every year, where it is today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.safestring import SafeString

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy, selectors
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitVersion
from tuyengiao.plans.models import Direction, Indicator, Plan
from tuyengiao.reporting import charts, rollup
from tuyengiao.reporting.indicators import (
    Counted,
    Figure,
    element_ids,
    figures,
    is_term,
    plan_for_unit,
    plan_indicators,
    year_period_ids,
    years_summed,
)
from tuyengiao.reporting.models import Category, DataValue, Structure

SORTS = ("status", "value", "numerator", "denominator", "name", "code")
DEFAULT_SORT = "status"


def parse_structure(raw: str | None) -> str:
    return raw if raw in Structure.values else Structure.HISTORICAL


def parse_year(raw: str | None) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return today().year
    return year if 2000 <= year <= 2100 else today().year


def parse_sort(raw: str | None) -> str:
    return raw if raw and raw.lstrip("-") in SORTS else DEFAULT_SORT


def structure_date(year: int, structure: str) -> dt.date:
    """The date whose tree a year's figures are read under: the year's last day (the period's
    reference date) or today."""
    return dt.date(year, 12, 31) if structure == Structure.HISTORICAL else today()


Intervals = dict[int, list[tuple[dt.date, dt.date]]]


def _scope_intervals(user: User, unit_ids: Sequence[int] | QuerySet[Any, Any]) -> Intervals:
    """When each unit was under the top of the user's scope (for an administrator of the whole
    tree: when it existed), in one query."""
    root_id = access.scope_root_id(user)
    rows = UnitClosure.objects.filter(descendant_id__in=unit_ids)
    rows = rows.filter(depth=0) if root_id is None else rows.filter(ancestor_id=root_id)
    intervals: Intervals = {}
    for unit_id, start, end in rows.values_list("descendant_id", "valid_from", "valid_to"):
        intervals.setdefault(unit_id, []).append((start, end))
    return intervals


def _counted(intervals: Intervals, structure: str) -> Counted:
    """A unit's total for a year is read only if the unit was in the structure and in the
    reader's scope on the date that year is read under: the units under it then were too."""

    def counted(unit_id: int, year: int) -> bool:
        date = structure_date(year, structure)
        return any(start <= date < end for start, end in intervals.get(unit_id, ()))

    return counted


@dataclass
class Header:
    """What every dashboard page says about its unit, year and structure."""

    unit: OrgUnit
    name: str
    year: int
    structure: str
    date: dt.date
    plan: Plan | None
    years: list[int]
    indicators: list[Indicator]
    breadcrumbs: list[UnitVersion]
    shown: bool
    counted: Counted = field(repr=False)

    @property
    def is_current(self) -> bool:
        return self.structure == Structure.CURRENT

    def indicator(self, code: str | None) -> Indicator | None:
        """The indicator of that code (404 if the plan has none), or the first."""
        if not code:
            return self.indicators[0] if self.indicators else None
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise Http404(code)


def _header(user: User, code: str, year: int, structure: str) -> Header:
    unit = selectors.unit_for_user(user, code)
    rollup.catch_up()
    date = structure_date(year, structure)
    # A unit that ended (or began) outside the year still has the plan it was under.
    last_day = unit.valid_to - dt.timedelta(days=1)
    plan = plan_for_unit(unit, year, max(unit.valid_from, min(date, today(), last_day)))
    version = (
        UnitVersion.objects.filter(unit=unit, valid_from__lte=date)
        .order_by("-valid_from")
        .values_list("name", flat=True)
        .first()
    )
    counted = _counted(_scope_intervals(user, [unit.pk]), structure)
    return Header(
        unit=unit,
        name=version or unit.name,
        year=year,
        structure=structure,
        date=date,
        plan=plan,
        years=list(plan.years) if plan else [year],
        indicators=plan_indicators(plan) if plan else [],
        breadcrumbs=selectors.breadcrumbs(user, unit, date),
        shown=counted(unit.pk, year),
        counted=counted,
    )


# --- the unit's dashboard -------------------------------------------------------------------


@dataclass
class Row:
    figure: Figure
    trend: list[Figure]
    chart: SafeString


@dataclass
class Dashboard:
    header: Header
    rows: list[Row]


def _upcoming(figure: Figure, chosen: int) -> Figure:
    """A cumulative figure is not drawn for years still to come (it would only repeat the
    total so far), unless that year is the one asked for."""
    if figure.year <= today().year or figure.year == chosen or not is_term(figure.indicator):
        return figure
    return replace(figure, numerator=None, denominator=None, value=None, status="no_data")


def dashboard_for_user(user: User, code: str, year: int, structure: str) -> Dashboard:
    """Every indicator of the unit's plan for the year, with its trend over the plan's years."""
    header = _header(user, code, year, structure)
    if header.plan is None:
        return Dashboard(header, [])
    unit_id = header.unit.pk
    grid = figures(
        header.plan,
        header.indicators,
        [unit_id],
        header.years,
        structure,
        counted=header.counted,
    )
    rows = []
    for indicator in header.indicators:
        trend = [_upcoming(grid[(unit_id, indicator.code, y)], year) for y in header.years]
        rows.append(
            Row(
                figure=grid[(unit_id, indicator.code, year)],
                trend=trend,
                chart=charts.trend_svg(trend, highlight=year),
            )
        )
    return Dashboard(header, rows)


# --- the breakdown by child units -----------------------------------------------------------


@dataclass
class ChildRow:
    code: str
    name: str
    figure: Figure


@dataclass
class Breakdown:
    header: Header
    indicator: Indicator | None
    figure: Figure | None
    rows: list[ChildRow]
    sort: str
    query: str


def _sort_key(row: ChildRow, column: str) -> Any:
    f = row.figure
    if column == "name":
        return row.name.casefold()
    if column == "code":
        return row.code
    if column == "numerator":
        return f.numerator
    if column == "denominator":
        return f.denominator
    return f.value


def sort_children(rows: list[ChildRow], sort: str) -> list[ChildRow]:
    """Sort by a column; "-column" reverses it. Rows without a value stay last either way.
    By status (the default) the worst come first: not met, at risk, no data, on track, met,
    and within one status the furthest from the target first."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    if column == "status":
        # Lowest value first for an "at least" target, highest first for an "at most" one.

        def worst(row: ChildRow) -> tuple[int, int, Decimal, str]:
            f = row.figure
            value = f.value if f.value is not None else Decimal(0)
            sign = -1 if f.indicator.direction == Direction.AT_MOST else 1
            return (f.status_rank, int(f.value is None), sign * value, row.code)

        return sorted(rows, key=worst, reverse=descending)
    present = [r for r in rows if _sort_key(r, column) is not None]
    missing = [r for r in rows if _sort_key(r, column) is None]
    present.sort(key=lambda r: (_sort_key(r, column), r.code), reverse=descending)
    return present + sorted(missing, key=lambda r: r.code)


def children_for_user(
    user: User,
    code: str,
    year: int,
    structure: str,
    *,
    indicator_code: str | None = None,
    query: str = "",
    sort: str = DEFAULT_SORT,
) -> Breakdown:
    """Every unit directly under the unit on the structure's date (the year's last day, or
    today) with its figure for one indicator; all of them, sorted (the caller pages the list)."""
    header = _header(user, code, year, structure)
    indicator = header.indicator(indicator_code)
    if header.plan is None or indicator is None or not header.shown:
        return Breakdown(header, indicator, None, [], sort, query)
    versions = hierarchy.children_versions(header.unit.pk, header.date)
    for term in search_terms(query):
        versions = versions.filter(search_key__contains=term)
    children = list(versions.values_list("unit_id", "unit__code", "name"))
    ids = [header.unit.pk, *(child_id for child_id, _code, _name in children)]
    unit_id = header.unit.pk
    if is_term(indicator) and structure == Structure.HISTORICAL:
        # Earlier years are read under earlier trees: when was each child in the scope?
        child_counted = _counted(_scope_intervals(user, versions.values("unit_id")), structure)
    else:
        # Every year is read on the date the children are listed for, when the unit and so
        # every child under it was in the scope.
        def child_counted(child_id: int, y: int) -> bool:
            return header.counted(unit_id, y)

    def counted(some_id: int, y: int) -> bool:
        return header.counted(some_id, y) if some_id == unit_id else child_counted(some_id, y)

    grid = figures(header.plan, [indicator], ids, [year], structure, counted=counted)
    rows = [
        ChildRow(code, name, grid[(child_id, indicator.code, year)])
        for child_id, code, name in children
    ]
    figure = grid[(header.unit.pk, indicator.code, year)]
    return Breakdown(header, indicator, figure, sort_children(rows, sort), sort, query)


# --- the raw values behind a figure ---------------------------------------------------------


@dataclass
class Sums:
    """The raw values behind a figure, summed straight from the values table."""

    numerator: int | None
    denominator: int | None


@dataclass
class Drill:
    header: Header
    indicator: Indicator | None
    figure: Figure | None
    values: QuerySet[DataValue]
    sums: Sums
    query: str


def _values_behind(
    header: Header, indicator: Indicator
) -> tuple[QuerySet[DataValue], dict[int, str]]:
    """The raw values summed into the unit's figure: for each year counted into it, the values
    of the units under it on the date that year is read under."""
    assert header.plan is not None  # noqa: S101 - callers check
    unit = header.unit
    years = [
        y for y in years_summed(header.plan, indicator, header.year) if header.counted(unit.pk, y)
    ]
    elements = element_ids([indicator.numerator, indicator.denominator])
    periods = year_period_ids(years)
    codes = {pk: code for code, pk in elements.items()}
    if not periods or not elements:
        return DataValue.objects.none(), codes
    # A join through the closure table (not `unit_id IN (subquery)`): PostgreSQL then walks the
    # units under the unit and looks each value up by index, instead of scanning every value
    # of the period (measured: 4x faster for a province).
    dated = Q()
    for year, period_id in periods.items():
        date = structure_date(year, header.structure)
        dated |= Q(period_id=period_id, **valid_on(date, "unit__closure_up__"))
    values = DataValue.objects.filter(
        Q(unit__closure_up__ancestor_id=unit.pk) & dated, element_id__in=list(codes)
    )
    return values, codes


def values_for_user(
    user: User,
    code: str,
    year: int,
    structure: str,
    *,
    indicator_code: str | None = None,
    query: str = "",
) -> Drill:
    """The raw values behind the unit's figure for one indicator and year, with who entered
    them; their sums (of the total rows) equal the figure's numerator and denominator."""
    header = _header(user, code, year, structure)
    indicator = header.indicator(indicator_code)
    empty = Drill(header, indicator, None, DataValue.objects.none(), Sums(None, None), query)
    if header.plan is None or indicator is None:
        return empty
    grid = figures(
        header.plan, [indicator], [header.unit.pk], [year], structure, counted=header.counted
    )
    figure = grid[(header.unit.pk, indicator.code, year)]
    empty.figure = figure
    if not header.shown:
        return empty
    values, codes = _values_behind(header, indicator)
    totals = {
        codes[element_id]: total
        for element_id, total in values.filter(category=Category.TOTAL)
        .order_by()
        .values("element_id")
        .annotate(total=Sum("value"))
        .values_list("element_id", "total")
    }
    sums = Sums(totals.get(indicator.numerator), totals.get(indicator.denominator))
    for term in search_terms(query):
        matching = UnitVersion.objects.filter(search_key__contains=term).values("unit_id")
        values = values.filter(unit_id__in=matching)
    values = values.select_related("unit", "element", "period", "updated_by").order_by(
        "unit__code", "element__code", "period__start", "category"
    )
    return Drill(header, indicator, figure, values, sums, query)


def root_code_for_user(user: User) -> str | None:
    """The unit a user's dashboard opens on: their scope unit, or the top of the tree."""
    root_id = access.scope_root_id(user)
    if root_id is not None:
        return OrgUnit.objects.filter(pk=root_id).values_list("code", flat=True).first()
    return (
        UnitVersion.objects.filter(parent=None, **valid_on(today()))
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
