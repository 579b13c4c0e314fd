"""A commendation proposal: the units directly under a unit ranked for a year by the criteria
staff weigh — targets of the plan met, reports sent on time, activities per grassroots union —
each criterion's score shown beside the total, so the ranking is explained, never a black box;
and the people of its subtree ranked by the training courses they attended that year
(reviews.commendation_selectors).

Every part is read through the selector of its page (the dashboard's child breakdown, the
completeness counts, the activity summaries), as the user reads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors as activity_selectors
from tuyengiao.activities.summary import figures_by_child, grassroots_counts
from tuyengiao.core.dates import today
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting import completeness
from tuyengiao.reporting.dashboard import children_for_user, dashboard_for_user
from tuyengiao.reporting.models import DataSet, Period, PeriodType, Structure
from tuyengiao.reviews.commendation_selectors import PersonStanding, people_for_proposal

CRITERIA = ("targets", "reporting", "activities")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Weights:
    targets: int = 40
    reporting: int = 30
    activities: int = 30

    @property
    def total(self) -> int:
        return self.targets + self.reporting + self.activities


@dataclass
class Standing:
    """One unit's place: what it did and each criterion's score out of 100."""

    unit: OrgUnit
    name: str
    targets_met: int = 0
    targets_read: int = 0  # targets with a figure for the unit
    on_time: int = 0
    expected: int = 0
    activities: int = 0
    participants: int = 0
    grassroots: int = 0
    parts: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def per_union(self) -> Decimal:
        if not self.grassroots:
            return Decimal(self.activities)
        return Decimal(self.activities) / self.grassroots


@dataclass
class Proposal:
    unit: OrgUnit
    name: str
    year: int
    weights: Weights
    standings: list[Standing]
    people: list[PersonStanding] = field(default_factory=list)


def _share(part: int, whole: int) -> Decimal:
    return HUNDRED * part / whole if whole else Decimal(0)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def proposal_for_user(user: User, code: str, year: int, weights: Weights) -> Proposal:
    """The units directly under `code` on the year's last day (or today), best first, and the
    people of its subtree who attended most training courses that year."""
    unit = unit_for_user(user, code.strip().upper())
    day = min(dt.date(year, 12, 31), today())
    versions = hierarchy.children_versions(unit.pk, day).select_related("unit").order_by()
    standings = {v.unit_id: Standing(v.unit, v.name) for v in versions}
    if standings:
        _targets(user, unit, year, standings)
        _reporting(user, unit, year, standings)
        _activities(user, unit, year, day, standings)
        _score(list(standings.values()), weights)
    ranked = sorted(standings.values(), key=lambda s: (-s.score, s.unit.code))
    for rank, standing in enumerate(ranked, start=1):
        standing.rank = rank
    version = hierarchy.version_on(unit.pk, day)
    name = version.name if version else unit.name
    return Proposal(unit, name, year, weights, ranked, people_for_proposal(user, unit, year))


def _targets(user: User, unit: OrgUnit, year: int, standings: dict[int, Standing]) -> None:
    """How many of the plan's targets each unit met that year (the children page's figures)."""
    board = dashboard_for_user(user, unit.code, year, Structure.HISTORICAL)
    by_code = {s.unit.code: s for s in standings.values()}
    for row in board.rows:
        breakdown = children_for_user(
            user, unit.code, year, Structure.HISTORICAL, indicator_code=row.figure.indicator.code
        )
        for child in breakdown.rows:
            standing = by_code.get(child.code)
            if standing is None or child.figure.status == "no_data":
                continue
            standing.targets_read += 1
            standing.targets_met += int(child.figure.status == "met")


def _reporting(user: User, unit: OrgUnit, year: int, standings: dict[int, Standing]) -> None:
    """Reports expected from the units under each child in the year's ended periods, and how
    many came on time (the completeness page's counts)."""
    until = min(dt.date(year + 1, 1, 1), today())
    for dataset in DataSet.objects.exclude(period_kind=PeriodType.TERM):
        periods = Period.objects.filter(
            kind=dataset.period_kind, start__gte=dt.date(year, 1, 1), end__lte=until
        )
        for period in periods:
            report = completeness.completeness_for_user(
                user, dataset=dataset, period=period, unit=unit
            )
            for child in report.children:
                standing = standings.get(child.unit.pk)
                if standing is not None:
                    standing.expected += child.counts.expected
                    standing.on_time += child.counts.on_time


def _activities(
    user: User, unit: OrgUnit, year: int, day: dt.date, standings: dict[int, Standing]
) -> None:
    filters = activity_selectors.ActivityFilter(
        unit=unit, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    activities = activity_selectors.activities_for_user(user, filters).order_by()
    ids = list(standings)
    by_child = figures_by_child(activities, ids, day)
    unions = grassroots_counts(ids, activities, day)
    for unit_id, standing in standings.items():
        figures = by_child.get(unit_id)
        if figures is not None:
            standing.activities, standing.participants = figures.activities, figures.participants
        standing.grassroots = unions.get(unit_id, (0, 0))[0]


def _score(standings: list[Standing], weights: Weights) -> None:
    best = max((s.per_union for s in standings), default=Decimal(0))
    for s in standings:
        s.parts = {
            "targets": _round(_share(s.targets_met, s.targets_read)),
            "reporting": _round(_share(s.on_time, s.expected)),
            "activities": _round(HUNDRED * s.per_union / best if best else Decimal(0)),
        }
        if weights.total:
            weighted = sum(
                (s.parts[name] * getattr(weights, name) for name in CRITERIA), Decimal(0)
            )
            s.score = _round(weighted / weights.total)
