"""Plan progress by task: for a unit the user reads and the plan it works to, the activities
recorded under each task of the plan, year by year over the plan's term (how many, how many
took part), and for one year and task, the units directly under it with theirs — those with
nothing stand out. Its .xlsx export.

Activities are matched to a task by the task's code: an adopted plan's TASK-1 is a copy of
the province's TASK-1, and an activity may be recorded under either. A year's figure counts
the activities running during that year, as the activity list filtered by that year shows them.
A fixed number of queries whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors
from tuyengiao.activities.models import Activity
from tuyengiao.activities.summary import Figures, figures_by_child
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import Export, Sheet, filename, workbook
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.models import OrgUnit, UnitVersion
from tuyengiao.plans.models import Plan, PlanTask
from tuyengiao.reporting.indicators import plan_for_unit

# The rows that are not a task of the plan.
NO_TASK = ""
OTHER_TASKS = "*"


@dataclass(frozen=True)
class Cell:
    activities: int = 0
    participants: int = 0
    year: int | None = None  # in a task's row: the year it counts

    @property
    def is_empty(self) -> bool:
        return self.activities == 0


@dataclass
class TaskRow:
    code: str  # a task code, NO_TASK or OTHER_TASKS
    title: str
    own: bool  # a task the unit's plan added, not one it inherited
    years: list[Cell]
    term: Cell

    @property
    def is_task(self) -> bool:
        return self.code not in (NO_TASK, OTHER_TASKS)


@dataclass(frozen=True)
class ChildRow:
    unit: OrgUnit
    name: str
    cell: Cell


@dataclass
class Progress:
    unit: OrgUnit
    name: str
    plan: Plan | None
    years: list[int]
    year: int  # the year of the breakdown
    tasks: list[TaskRow]  # the plan's tasks, in its order
    extra: list[TaskRow]  # activities under other plans' tasks, or under none
    task: TaskRow | None  # the task of the breakdown
    reference_date: dt.date  # the tree the breakdown is grouped by
    breadcrumbs: list[UnitVersion] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    others: Cell = Cell()  # by the unit itself, or by units no longer under it

    @property
    def nothing_count(self) -> int:
        return sum(1 for c in self.children if c.cell.is_empty)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _during(year: int) -> Q:
    """Activities running at some time during `year` (the activity list's year filter)."""
    start, end = _year_bounds(year)
    return Q(end_date__gte=start, start_date__lte=end)


def reference_date(year: int) -> dt.date:
    """The tree a year is grouped by: the year's last day, or today for the current year."""
    return min(dt.date(year, 12, 31), today())


def _by_task(activities: QuerySet[Activity], years: list[int]) -> dict[str | None, dict[str, int]]:
    """Per task code (None: no task), the count and participants per year and over the term:
    one query."""
    sums: dict[str, Any] = {"n": Count("id"), "p": Coalesce(Sum("participants"), 0)}
    for year in years:
        sums[f"n{year}"] = Count("id", filter=_during(year))
        sums[f"p{year}"] = Coalesce(Sum("participants", filter=_during(year)), 0)
    grouped: dict[str | None, dict[str, int]] = {}
    for row in activities.values("task__code").annotate(**sums):
        counts: dict[str, Any] = dict(row)
        grouped[counts.pop("task__code")] = counts
    return grouped


def _row(
    code: str, title: str, own: bool, counts: dict[str, int] | None, years: list[int]
) -> TaskRow:
    counts = counts or {}
    cells = [Cell(counts.get(f"n{y}", 0), counts.get(f"p{y}", 0), y) for y in years]
    return TaskRow(code, title, own, cells, Cell(counts.get("n", 0), counts.get("p", 0)))


def _extra_rows(
    grouped: dict[str | None, dict[str, int]], codes: set[str], years: list[int]
) -> list[TaskRow]:
    others: dict[str, int] = {}
    for code, counts in grouped.items():
        if code is not None and code not in codes:
            for key, value in counts.items():
                others[key] = others.get(key, 0) + value
    rows = []
    if others:
        rows.append(_row(OTHER_TASKS, _("Tasks of other plans"), False, others, years))
    if None in grouped:
        rows.append(_row(NO_TASK, _("Not linked to a task"), False, grouped[None], years))
    return rows


def parse_year(value: str | None, years: list[int]) -> int:
    """The year asked for if it is one of the plan's, else this year (or the nearest of the
    plan's years)."""
    try:
        year = int(value or "")
    except ValueError:
        year = today().year
    if years and year not in years:
        year = min(years, key=lambda y: abs(y - year))
    return year


def progress_for_user(user: User, code: str, *, year: str = "", task: str = "") -> Progress:
    """The progress page of the unit `code` (the unit gate: 404, 403) and its plan for the
    year: the plan of this year, or of the year asked for."""
    unit = org_selectors.unit_for_user(user, code.strip().upper())
    asked = parse_year(year, [])
    plan = plan_for_unit(unit, asked)
    if plan is None and asked != today().year:
        # A year outside every plan: this year's plan, at its nearest year.
        plan = plan_for_unit(unit, today().year)
    tasks: list[PlanTask] = list(plan.tasks.all()) if plan else []
    years = list(plan.years) if plan else [asked]
    chosen_year = parse_year(year, years)
    activities = _activities(user, unit, years)
    grouped = _by_task(activities, years)
    adopted = plan is not None and plan.parent_id is not None
    rows = [
        _row(t.code, t.title, adopted and not t.inherited, grouped.get(t.code), years)
        for t in tasks
    ]
    chosen = next((r for r in rows if r.code == task.strip().upper()), rows[0] if rows else None)
    day = reference_date(chosen_year)
    version = hierarchy.version_on(unit.pk, day)
    progress = Progress(
        unit=unit,
        name=version.name if version else unit.name,
        plan=plan,
        years=years,
        year=chosen_year,
        tasks=rows,
        extra=_extra_rows(grouped, {t.code for t in tasks}, years),
        task=chosen,
        reference_date=day,
        breadcrumbs=org_selectors.breadcrumbs(user, unit, day),
    )
    if chosen is not None:
        _breakdown(progress, activities, chosen)
    return progress


def _activities(user: User, unit: OrgUnit, years: list[int]) -> QuerySet[Activity]:
    """The unit's activities over the plan's years, as the user reads them."""
    start, end = _year_bounds(years[0])[0], _year_bounds(years[-1])[1]
    found = selectors.activities_for_user(
        user, selectors.ActivityFilter(unit=unit, start=start, end=end)
    )
    return found.order_by()


def breakdown_for(user: User, progress: Progress, code: str) -> Progress:
    """The same page with the units under it for another task: its breakdown alone is read
    again (the review reads every task's in turn)."""
    chosen = next(row for row in progress.tasks if row.code == code)
    other = replace(progress, task=chosen, children=[], others=Cell())
    _breakdown(other, _activities(user, progress.unit, progress.years), chosen)
    return other


def _breakdown(progress: Progress, activities: QuerySet[Activity], task: TaskRow) -> None:
    """The units directly under the unit on the reference date with their activities under
    `task` in the chosen year, those with nothing first."""
    day = progress.reference_date
    children = {
        v.unit_id: v
        for v in hierarchy.children_versions(progress.unit.pk, day)
        .select_related("unit")
        .order_by()
    }
    chosen = activities.filter(_during(progress.year), task__code=task.code)
    if not children:
        counts = chosen.aggregate(n=Count("id"), p=Coalesce(Sum("participants"), 0))
        progress.others = Cell(counts["n"], counts["p"])
        return
    by_child = figures_by_child(chosen, list(children), day)
    progress.children = sorted(
        (ChildRow(v.unit, v.name, _cell(by_child.get(unit_id))) for unit_id, v in children.items()),
        key=lambda c: (c.cell.activities, c.cell.participants, c.name, c.unit.code),
    )
    progress.others = _cell(by_child.get(None))


def _cell(figures: Figures | None) -> Cell:
    return Cell(figures.activities, figures.participants) if figures is not None else Cell()


# --- .xlsx ----------------------------------------------------------------------------------


@transaction.atomic
def progress_export(user: User, progress: Progress) -> Export:
    """The task table and the breakdown as .xlsx, audited."""
    plan = progress.plan
    plan_text = f"{plan.title} ({plan.code})" if plan else _("No plan")
    heading = f"{progress.name} ({progress.unit.code}) · {plan_text}"
    year_columns: list[tuple[str, int]] = []
    for year in progress.years:
        year_columns += [
            (_("Activities %(year)s") % {"year": year}, 12),
            (_("Participants %(year)s") % {"year": year}, 14),
        ]
    columns = [
        (_("Code"), 10),
        (_("Task"), 60),
        *year_columns,
        (_("Activities over the term"), 14),
        (_("Participants over the term"), 16),
    ]
    lines = []
    for row in [*progress.tasks, *progress.extra]:
        cells: list[Any] = []
        for cell in row.years:
            cells += [cell.activities, cell.participants]
        code = row.code if row.is_task else ""
        lines.append([code, row.title, *cells, row.term.activities, row.term.participants])
    sheets = [Sheet(_("By task and year"), heading, columns, lines)]
    if progress.task is not None:
        task = progress.task
        breakdown = [
            [c.unit.code, c.name, c.cell.activities, c.cell.participants] for c in progress.children
        ]
        if progress.others.activities or not progress.children:
            others = _("By the unit itself or by units no longer under it")
            breakdown.append(["", others, progress.others.activities, progress.others.participants])
        sheets.append(
            Sheet(
                _("Units under it"),
                f"{heading} · {task.code} {task.title} · {progress.year}",
                [(_("Code"), 14), (_("Unit"), 50), (_("Activities"), 12), (_("Participants"), 14)],
                breakdown,
            )
        )
    content = workbook(sheets)
    audit_record(
        user,
        action="progress.export",
        obj=plan if plan is not None else progress.unit,
        unit=progress.unit,
        after={
            "unit": progress.unit.code,
            "plan": plan.code if plan else "",
            "year": progress.year,
            "task": progress.task.code if progress.task else "",
            "format": "xlsx",
            "rows": {s.title: s.rows for s in sheets},
        },
    )
    task_code = progress.task.code if progress.task else ""
    name = filename("tien-do-nhiem-vu", progress.unit.code, task_code, progress.year)
    return Export(name, content, sum(s.rows for s in sheets))
