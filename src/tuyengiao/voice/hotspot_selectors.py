"""The early-warning list, read for a unit the user may read: the grassroots unions under it
ranked by the signals of trouble they show now, each signal one point, the reasons spelled out;
and the same counted per unit directly under it (a province's upper-grassroots unions).

The signals are tested in the database against the thresholds in force for the unit viewed, so a
new threshold changes the list at once and a page reads only the rows it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import add, or_
from typing import Any

from django.db import connection
from django.db.models import Case as Choose
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitVersion
from tuyengiao.reporting.periods import months_before
from tuyengiao.voice.models import Hotspot, WarningThresholds

HIGH_SCORE = 3  # signals at once that make a union a high-priority hotspot


@dataclass(frozen=True)
class Rule:
    """One signal: what it means (with the thresholds), when a row shows it, what it says."""

    key: str
    meaning: str | Promise  # lazily translated, formatted with the thresholds' fields
    test: Callable[[WarningThresholds, Q], Q]  # (thresholds, "the report is recent") → Q
    says: Callable[[Hotspot], str]


def _month(row: Hotspot) -> str:
    return date_format(row.month, "m/Y") if row.month else ""


RULES = (
    Rule(
        "tense",
        gettext_lazy("Workers' mood tense in at least %(tense_months)s of the last three months"),
        lambda t, recent: recent & Q(tense_months__gte=t.tense_months),
        lambda r: (
            _("Mood tense in %(n)s of the three months to %(month)s")
            % {"n": r.tense_months, "month": _month(r)}
        ),
    ),
    Rule(
        "wages",
        gettext_lazy("At least %(arrears_workers)s workers owed wages"),
        lambda t, recent: recent & Q(wage_workers__gte=t.arrears_workers),
        lambda r: (
            ngettext(
                "%(n)s worker owed wages (%(month)s)",
                "%(n)s workers owed wages (%(month)s)",
                r.wage_workers,
            )
            % {"n": r.wage_workers, "month": _month(r)}
        ),
    ),
    Rule(
        "wages_rising",
        gettext_lazy("Workers owed wages up by at least %(arrears_rise)s on the month before"),
        lambda t, recent: recent & Q(wage_workers__gte=F("wage_workers_before") + t.arrears_rise),
        lambda r: (
            _("Owed wages: from %(before)s to %(n)s workers")
            % {"before": r.wage_workers_before, "n": r.wage_workers}
        ),
    ),
    Rule(
        "insurance",
        gettext_lazy("At least %(arrears_workers)s workers owed social insurance"),
        lambda t, recent: recent & Q(insurance_workers__gte=t.arrears_workers),
        lambda r: (
            ngettext(
                "%(n)s worker owed social insurance (%(month)s)",
                "%(n)s workers owed social insurance (%(month)s)",
                r.insurance_workers,
            )
            % {"n": r.insurance_workers, "month": _month(r)}
        ),
    ),
    Rule(
        "insurance_rising",
        gettext_lazy("Workers owed insurance up by at least %(arrears_rise)s on the month before"),
        lambda t, recent: (
            recent & Q(insurance_workers__gte=F("insurance_workers_before") + t.arrears_rise)
        ),
        lambda r: (
            _("Owed insurance: from %(before)s to %(n)s workers")
            % {"before": r.insurance_workers_before, "n": r.insurance_workers}
        ),
    ),
    Rule(
        "cases",
        gettext_lazy("At least %(open_cases)s open cases"),
        lambda t, recent: Q(open_cases__gte=t.open_cases),
        lambda r: (
            ngettext("%(n)s open case", "%(n)s open cases", r.open_cases) % {"n": r.open_cases}
        ),
    ),
    Rule(
        "escalated",
        gettext_lazy("A case escalated to the upper level"),
        lambda t, recent: Q(escalated_cases__gte=1),
        lambda r: (
            ngettext("%(n)s case escalated", "%(n)s cases escalated", r.escalated_cases)
            % {"n": r.escalated_cases}
        ),
    ),
    Rule(
        "workers",
        gettext_lazy("At least %(case_workers)s workers affected by open cases"),
        lambda t, recent: Q(case_workers__gte=t.case_workers),
        lambda r: (
            ngettext(
                "%(n)s worker affected by open cases",
                "%(n)s workers affected by open cases",
                r.case_workers,
            )
            % {"n": r.case_workers}
        ),
    ),
)


@dataclass(frozen=True)
class Thresholds:
    """The thresholds in force for a unit, and the unit that set them (None: the defaults)."""

    values: WarningThresholds
    set_by: OrgUnit | None

    def rules(self) -> list[tuple[Rule, str]]:
        """Each rule with its meaning under these thresholds, for the explanation."""
        names = ("tense_months", "arrears_workers", "arrears_rise", "open_cases", "case_workers")
        numbers = {name: getattr(self.values, name) for name in names}
        return [(rule, str(rule.meaning) % numbers) for rule in RULES]


def thresholds_for(unit: OrgUnit, on: dt.date | None = None) -> Thresholds:
    """Those set by the nearest of the unit and the units above it, or the defaults."""
    chain = hierarchy.ancestors(unit.pk, on or today())
    depth = {unit.pk: 0} | {v.unit_id: index + 1 for index, v in enumerate(reversed(chain))}
    found = WarningThresholds.objects.filter(unit_id__in=depth).select_related("unit")
    nearest = min(found, key=lambda t: depth[t.unit_id], default=None)
    if nearest is None:
        return Thresholds(WarningThresholds(unit=unit), None)
    return Thresholds(nearest, nearest.unit)


def _scored(
    rows: QuerySet[Hotspot], thresholds: WarningThresholds, on: dt.date
) -> QuerySet[Any, Any]:
    """Each row with a 0/1 column per rule, their sum as its score and the most workers any
    signal concerns (the tie-break), keeping rows with at least one signal."""
    recent = Q(month__gte=months_before(on, thresholds.report_months))
    flags = {
        f"signal_{rule.key}": Choose(When(rule.test(thresholds, recent), then=Value(1)), default=0)
        for rule in RULES
    }
    # "At least one signal" as the rules themselves rather than as their sum: the planner
    # estimates it from the columns' statistics, and it stops at the first rule that holds.
    shows_any = reduce(or_, [rule.test(thresholds, recent) for rule in RULES])
    return (
        rows.filter(shows_any)
        .annotate(**flags)
        .annotate(
            score=reduce(add, [F(name) for name in flags]),
            workers=Greatest("wage_workers", "insurance_workers", "case_workers"),
        )
    )


@dataclass(frozen=True)
class HotspotFilter:
    query: str = ""
    min_score: int = 1


@dataclass
class HotspotLine:
    row: Hotspot
    rank: int
    reasons: list[str]
    parent: str = ""


@dataclass
class GroupLine:
    unit: OrgUnit
    name: str
    hotspots: int = 0
    high: int = 0
    open_cases: int = 0
    wage_workers: int = 0


@dataclass
class HotspotList:
    unit: OrgUnit
    thresholds: Thresholds
    rows: QuerySet[Any, Any]  # Hotspot rows scored and ordered, to paginate
    groups: list[GroupLine] = field(default_factory=list)
    on: dt.date = field(default_factory=today)


def hotspots_under(unit: OrgUnit, filters: HotspotFilter = HotspotFilter()) -> HotspotList:
    """The ranked hotspots under `unit` (the caller has checked the user may read it)."""
    on = today()
    thresholds = thresholds_for(unit, on)
    rows = Hotspot.objects.all()
    terms = search_terms(filters.query)
    if terms:
        named = UnitVersion.objects.filter(**valid_on(on))
        for term in terms:
            named = named.filter(search_key__contains=term)
        rows = rows.filter(unit_id__in=named.values("unit_id"))
    scored = _scored(rows, thresholds.values, on)
    if filters.min_score > 1:
        scored = scored.filter(score__gte=filters.min_score)
    # The name breaks ties only, read by a subquery: sorting on the joined unit table made
    # PostgreSQL join and sort every hotspot of the country by name before keeping those
    # under the unit (130 ms for a province at national scale; 20 ms this way).
    name = OrgUnit.objects.filter(pk=OuterRef("unit_id")).order_by().values("name")[:1]
    ordered = (
        _within(scored, unit, on)
        .select_related("unit")
        .order_by("-score", "-workers", Subquery(name).asc(), "pk")
    )
    groups = _groups(unit, scored, on)
    ranked = RankedRows(model=Hotspot, query=ordered.query.chain(), using=ordered.db)
    if groups:
        # Every union under the unit is under one of the units directly under it, or is it.
        itself = ordered.filter(pk=unit.pk).exists()
        ranked.known_count = sum(g.hotspots for g in groups) + int(itself)
    return HotspotList(unit, thresholds, ranked, groups, on)


class RankedRows(QuerySet[Any, Any]):
    """The ranked rows, with their number when the groups have counted them already: the
    paginator asks for it first, and counting again would test every hotspot against the
    units under the viewed one a second time. A queryset derived from it (filtered, sliced,
    reordered) does not carry the number and counts in the database."""

    known_count: int | None = None

    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return super().count()


def _within(rows: QuerySet[Any, Any], unit: OrgUnit, on: dt.date) -> QuerySet[Any, Any]:
    """The rows of the unions under `unit` on `on`, each hotspot looked up in the closure by
    its own unit: there are far fewer hotspots than units under a province or the country, and
    SQLite, asked for `unit_id IN (the units under it)`, fetched each of the 127,000 units
    under the national root from the closure table (0.5 s; 50 ms this way). PostgreSQL plans
    both forms alike."""
    under = UnitClosure.objects.filter(
        descendant_id=OuterRef("unit_id"), ancestor_id=unit.pk, **valid_on(on)
    )
    return rows.filter(Exists(under))


def _groups(unit: OrgUnit, scored: QuerySet[Any, Any], on: dt.date) -> list[GroupLine]:
    """The hotspots counted per unit directly under `unit` (one grouped query)."""
    children = list(
        hierarchy.children_versions(unit.pk, on).select_related("unit").order_by("name")
    )
    lines = {v.unit_id: GroupLine(v.unit, v.name) for v in children}
    if not lines:
        return []
    counted = (
        _under_children(scored, list(lines), on)
        .order_by()
        .values("child")
        .annotate(
            hotspots=Count("pk"),
            high=Count("pk", filter=Q(score__gte=HIGH_SCORE)),
            open_cases_sum=Sum("open_cases"),
            wage_workers_sum=Sum("wage_workers"),
        )
    )
    for entry in counted:
        line = lines.get(entry["child"])
        if line is None:  # under none of them (SQLite's rows outside the unit)
            continue
        line.hotspots, line.high = entry["hotspots"], entry["high"]
        line.open_cases = entry["open_cases_sum"] or 0
        line.wage_workers = entry["wage_workers_sum"] or 0
    return sorted(lines.values(), key=lambda g: (-g.high, -g.hotspots, g.name))


def _under_children(
    scored: QuerySet[Any, Any], children: list[int], on: dt.date
) -> QuerySet[Any, Any]:
    """Each row with the unit directly under the viewed one that it is under (`child`).

    PostgreSQL hashes the join of the rows with the closure rows under those units. SQLite,
    which keeps no statistics, would drive that join from the closure (every unit under the
    country, 0.5 s), so there each row looks its own few closure rows up instead (`child` is
    None when none is under one of them); `ancestor_id + 0` keeps SQLite from probing the
    index once per unit directly under the viewed one."""
    if connection.vendor == "sqlite":
        above = (
            UnitClosure.objects.filter(descendant_id=OuterRef("unit_id"), **valid_on(on))
            .alias(above=F("ancestor_id") + 0)
            .filter(above__in=children)
            .values("ancestor_id")[:1]
        )
        probed: QuerySet[Any, Any] = scored.annotate(child=Subquery(above))
        return probed
    link = "unit__closure_up__"
    joined: QuerySet[Any, Any] = scored.filter(
        **{f"{link}ancestor_id__in": children}, **valid_on(on, link)
    ).annotate(child=F(f"{link}ancestor_id"))
    return joined


def lines(rows: list[Any], start: int, on: dt.date) -> list[HotspotLine]:
    """The rows of one page with their rank, their reasons and the union above each."""
    parents = dict(
        UnitVersion.objects.filter(unit_id__in=[r.pk for r in rows], **valid_on(on))
        .select_related("parent")
        .values_list("unit_id", "parent__name")
    )
    return [
        HotspotLine(
            row=row,
            rank=start + index,
            reasons=[rule.says(row) for rule in RULES if getattr(row, f"signal_{rule.key}")],
            parent=parents.get(row.pk) or "",
        )
        for index, row in enumerate(rows)
    ]


def hotspot_counts(unit: OrgUnit) -> tuple[int, int]:
    """How many hotspots are under `unit`, and how many of them high-priority (the home page)."""
    rows = hotspots_under(unit).rows.order_by()
    return rows.count(), rows.filter(score__gte=HIGH_SCORE).count()
