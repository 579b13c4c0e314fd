"""The figures of a review, drafted from the data each time: the unit's targets as its dashboard
shows them, what was done under each plan task (activities by kind and topic, participants, the
units that did most and those that did nothing), and how the units reported.

Every figure comes from the selector its page uses — `reporting.dashboard.dashboard_for_user`,
`activities.progress.progress_for_user`, `reporting.completeness.completeness_for_user` — read
as the user reads them, so a review and the pages always agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import progress as activity_progress
from tuyengiao.activities import selectors as activity_selectors
from tuyengiao.activities.models import Activity
from tuyengiao.activities.summary import Figures, KindRow, TopicRow, by_kind, by_topic
from tuyengiao.core.dates import today
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Plan
from tuyengiao.reporting import completeness
from tuyengiao.reporting.dashboard import Row, dashboard_for_user
from tuyengiao.reporting.models import DataSet, Period, PeriodType, Structure
from tuyengiao.reviews.draft_voice import Hearing, hearing_for
from tuyengiao.reviews.models import ReviewKind

# Units named as having done most under a task.
MOST = 3
# Units named as having done nothing under a task (the others are counted).
IDLE_NAMED = 10

Progress = Callable[[int, str], None]


def silent(percent: int, step: str) -> None:
    return None


def covered_years(kind: str, year: int, plan: Plan) -> list[int]:
    """The years a review speaks of: its year; for the mid-term and final reviews, every year of
    the plan up to it."""
    if kind == ReviewKind.YEARLY:
        return [year]
    return [y for y in plan.years if y <= year]


@dataclass(frozen=True)
class UnitFigures:
    code: str
    name: str
    figures: Figures


@dataclass
class TaskLine:
    """What was done under one plan task over the years covered."""

    code: str
    title: str
    own: bool  # a task the unit's plan added
    totals: Figures
    kinds: list[KindRow]
    topics: list[TopicRow]
    most: list[UnitFigures]  # the units directly under the unit that did most
    idle: list[UnitFigures]  # those that did nothing (the first IDLE_NAMED)
    idle_count: int
    children: int


@dataclass(frozen=True)
class ReportingLine:
    """How the units expected to send one form did, over its periods ended in the years
    covered (a unit expected in two periods counts twice)."""

    form: str
    periods: list[str]
    counts: completeness.Counts


@dataclass
class Draft:
    unit: OrgUnit
    name: str
    kind: str
    year: int
    years: list[int]
    plan: Plan
    targets: list[Row]  # the dashboard's rows: each indicator's figure, target, status, trend
    plan_years: list[int]
    tasks: list[TaskLine] = field(default_factory=list)
    outside_tasks: Figures = Figures()  # activities under no task of the plan
    reporting: list[ReportingLine] = field(default_factory=list)
    hearing: Hearing = field(default_factory=Hearing)  # workers' voice and media work
    made_on: dt.date = field(default_factory=today)

    @property
    def start(self) -> dt.date:
        return dt.date(self.years[0], 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.years[-1], 12, 31)

    @property
    def met(self) -> int:
        return sum(1 for row in self.targets if row.figure.status == "met")

    @property
    def totals(self) -> Figures:
        return sum((t.totals for t in self.tasks), self.outside_tasks)


def draft_for(
    user: User, unit: OrgUnit, kind: str, year: int, plan: Plan, progress: Progress = silent
) -> Draft:
    """The review's figures for `unit` as `user` reads them (the callers hold the gate)."""
    progress(5, _("Targets"))
    dashboard = dashboard_for_user(user, unit.code, year, Structure.HISTORICAL)
    years = covered_years(kind, year, plan)
    draft = Draft(
        unit=unit,
        name=dashboard.header.name,
        kind=kind,
        year=year,
        years=years,
        plan=plan,
        targets=dashboard.rows,
        plan_years=dashboard.header.years,
    )
    _tasks(user, draft, progress)
    progress(85, _("Reporting"))
    draft.reporting = _reporting(user, draft)
    progress(90, _("Workers' voice and media"))
    draft.hearing = hearing_for(unit, draft.start, min(draft.end, today()))
    progress(95, _("Writing"))
    return draft


def _activities(user: User, draft: Draft) -> QuerySet[Activity]:
    filters = activity_selectors.ActivityFilter(unit=draft.unit, start=draft.start, end=draft.end)
    return activity_selectors.activities_for_user(user, filters).order_by()


def _tasks(user: User, draft: Draft, progress: Progress) -> None:
    activities = _activities(user, draft)
    # The tasks of the plan the progress page reads for the unit and year (the review's).
    page = activity_progress.progress_for_user(user, draft.unit.code, year=str(draft.year))
    codes = [row.code for row in page.tasks]
    for index, code in enumerate(codes):
        progress(10 + 70 * index // max(len(codes), 1), _("Task %(code)s") % {"code": code})
        breakdown = activity_progress.breakdown_for(user, page, code)
        draft.tasks.append(_task(breakdown, activities.filter(task__code=code)))
    untasked = activities.exclude(task__code__in=codes)
    draft.outside_tasks = sum((k.figures for k in by_kind(untasked)), Figures())


def _task(page: activity_progress.Progress, under: QuerySet[Activity]) -> TaskLine:
    """One task: its activities' figures, and the units under the unit by what they did in the
    review's year (the progress page's breakdown for the task)."""
    kinds = by_kind(under)
    task = page.task
    assert task is not None  # noqa: S101 - breakdown_for always chooses one
    children = [
        UnitFigures(c.unit.code, c.name, Figures(c.cell.activities, c.cell.participants))
        for c in page.children
    ]
    busiest = sorted(
        (c for c in children if c.figures.activities),
        key=lambda c: (-c.figures.activities, -c.figures.participants, c.code),
    )
    idle = [c for c in children if not c.figures.activities]
    return TaskLine(
        code=task.code,
        title=task.title,
        own=task.own,
        totals=sum((k.figures for k in kinds), Figures()),
        kinds=kinds,
        topics=by_topic(under),
        most=busiest[:MOST],
        idle=idle[:IDLE_NAMED],
        idle_count=len(idle),
        children=len(children),
    )


def _reporting(user: User, draft: Draft) -> list[ReportingLine]:
    """Every form's periods that have ended within the years covered."""
    lines = []
    until = min(draft.end + dt.timedelta(days=1), today())
    for dataset in DataSet.objects.exclude(period_kind=PeriodType.TERM).order_by("code"):
        periods = Period.objects.filter(
            kind=dataset.period_kind, start__gte=draft.start, end__lte=until
        ).order_by("start")
        counts = completeness.Counts()
        codes = []
        for period in periods:
            report = completeness.completeness_for_user(
                user, dataset=dataset, period=period, unit=draft.unit
            )
            counts = counts + report.counts
            codes.append(period.code)
        if codes:
            lines.append(ReportingLine(dataset.name, codes, counts))
    return lines
