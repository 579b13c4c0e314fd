"""Reads of activities, scoped to the acting user: the gate to one activity, the filtered list
(pages, the calendar, exports and the API all use it), and the choices a form offers.

Scope follows orgs.access: a user reads the activities of every unit that was ever in their
subtree (history stays readable; after the 2025 merger a province sees what the units it took
over did before), and records or changes them for units in the subtree today."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity, Campaign, Topic
from tuyengiao.core.dates import today
from tuyengiao.core.lookups import among
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitClosure
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.plans.models import PlanTask


def activity_for_user(user: User, activity_id: int, *, write: bool = False) -> Activity:
    """The gate to one activity: 404 if there is no such id, 403 if its organiser is outside
    the user's scope (for `write`, outside it today or without an editing role)."""
    activity = (
        Activity.objects.select_related("organiser", "task", "campaign", "enterprise", "created_by")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404(str(activity_id))
    unit = activity.organiser
    access.require(access.can_write(user, unit) if write else access.can_read(user, unit))
    return activity


def campaign_for_user(user: User, code: str) -> Campaign:
    """The gate to one campaign: readable by those who read its unit, and by those whose
    scope it includes (a district takes part in its province's Workers' Month; what it sees
    of it is narrowed to its own scope by every list)."""
    return campaign_seen_by(user, code)[0]


def campaign_seen_by(user: User, code: str) -> tuple[Campaign, OrgUnit]:
    """The campaign through its gate, and the unit the user sees it from: its own unit for
    those who read that unit, else the user's scope unit (one access check either way)."""
    campaign = Campaign.objects.select_related("unit").filter(code=code.strip().upper()).first()
    if campaign is None:
        raise Http404(code)
    if access.can_read(user, campaign.unit):
        return campaign, campaign.unit
    scope = user.scope_unit
    if scope is None or not takes_part(user, campaign):
        raise PermissionDenied(_("This unit is outside your scope."))
    return campaign, scope


def takes_part(user: User, campaign: Campaign) -> bool:
    """Whether the user's scope unit is under the campaign's unit today."""
    root_id = access.scope_root_id(user)
    return root_id is not None and hierarchy.is_under(campaign.unit_id, root_id, today())


@dataclass(frozen=True)
class ActivityFilter:
    """What a list of activities is narrowed to; every field optional."""

    unit: OrgUnit | None = None  # the unit and every unit ever under it
    kind: str = ""
    topic: str = ""  # topic code
    task: str = ""  # task code (TASK-1 of any plan of the family)
    campaign: Campaign | None = None
    start: dt.date | None = None  # activities overlapping [start, end]
    end: dt.date | None = None
    query: str = ""


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# An activity lasts at most this long (services.MAX_DAYS_AHEAD): one that overlaps a period
# started at most this long before it, which bounds every date-range search.
MAX_SPAN = dt.timedelta(days=366)
# Pages up to this offset walk the newest-first index; deeper ones sort the subtree's rows.
WALK_LIMIT = 500


def _under(root_id: int, walk: bool) -> Q:
    """Organised by a unit ever under `root_id`. Forms of one condition for the ways of
    reading a subtree at national scale (a million activities, a province of ~9,000 units):
    `EXISTS` lets the database walk the newest-first index and stop after a page (`walk`);
    otherwise each unit's own index range is read — `IN (subquery)` on SQLite, and on
    PostgreSQL `= ANY(ids)`, whose size its planner sees (with the subquery it guessed a
    sequential scan: 4 to 6 times slower, measured)."""
    if walk:
        closure = UnitClosure.objects.filter(
            ancestor_id=root_id, descendant_id=OuterRef("organiser_id")
        )
        return Q(Exists(closure))
    below = hierarchy.ever_descendant_ids(root_id)
    if connection.vendor != "postgresql":
        return Q(organiser_id__in=below)
    return among("organiser_id", sorted(set(below.values_list("descendant_id", flat=True))))


def _narrowed(filters: ActivityFilter | None) -> bool:
    """Whether anything but the scope narrows the list (kind, dates, search…)."""
    if filters is None:
        return False
    return any(
        getattr(filters, name) for name in ("kind", "topic", "task", "query", "start", "end")
    ) or (filters.unit is not None or filters.campaign is not None)


def activities_for_user(
    user: User, filters: ActivityFilter | None = None, *, walk: bool = False
) -> QuerySet[Activity]:
    """The activities the user may read, narrowed by `filters`, newest first. The organiser's
    subtree is the one of any date (a unit that moved keeps its history where it was).
    `walk`: the form for reading the first pages (see `_under`)."""
    filters = filters or ActivityFilter()
    found = Activity.objects.all()
    root_id = access.scope_root_id(user)
    if root_id is not None:
        found = found.filter(_under(root_id, walk))
    if filters.unit is not None:
        access.require(access.can_read(user, filters.unit))
        found = found.filter(_under(filters.unit.pk, walk))
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.topic:
        found = found.filter(topics__code=filters.topic)
    if filters.task:
        found = found.filter(task__code=filters.task)
    if filters.campaign is not None:
        found = found.filter(campaign=filters.campaign)
    if filters.start is not None:
        found = found.filter(end_date__gte=filters.start, start_date__gte=filters.start - MAX_SPAN)
    if filters.end is not None:
        found = found.filter(start_date__lte=filters.end)
    for term in search_terms(filters.query):
        found = found.filter(search_key__contains=term)
    return found.select_related("organiser", "task", "campaign").order_by("-start_date", "-id")


def count_capped(found: QuerySet[Activity], cap: int) -> int:
    """How many activities `found` holds, counting no further than `cap` + 1: beyond that a
    list is for narrowing, not for paging through (a province has tens of thousands)."""
    return found.order_by().values("id")[: cap + 1].count()


def activities_page(
    user: User, filters: ActivityFilter | None, offset: int, limit: int
) -> list[Activity]:
    """One page of `activities_for_user`: its ids through the faster form for its depth, then
    its rows (with their organiser, task and campaign) by id."""
    # PostgreSQL walks well only when the page's rows are dense in the newest-first order.
    walk = offset < WALK_LIMIT and (connection.vendor != "postgresql" or not _narrowed(filters))
    ids = list(
        activities_for_user(user, filters, walk=walk).values_list("id", flat=True)[
            offset : offset + limit
        ]
    )
    rows = Activity.objects.filter(id__in=ids).select_related("organiser", "task", "campaign")
    return list(rows.order_by("-start_date", "-id"))


# Activities a calendar cell shows; the others of the day are counted.
PER_DAY = 4


@dataclass
class CalendarMonth:
    days: dict[dt.date, list[Activity]]  # the first PER_DAY of each day
    counts: dict[dt.date, int]  # every activity running that day
    total: int  # activities running in the month


def calendar_for_user(
    user: User, year: int, month: int, filters: ActivityFilter | None = None
) -> CalendarMonth:
    """The month's activities by day (each on every day of the month it runs), earliest
    first. A province's month holds thousands: their dates come from the subtree index alone,
    and only the rows a cell shows are read."""
    start, end = month_bounds(year, month)
    base = filters or ActivityFilter()
    narrowed = ActivityFilter(**{**base.__dict__, "start": start, "end": end})
    spans = activities_for_user(user, narrowed).values_list("id", "start_date", "end_date")
    ids_by_day: dict[dt.date, list[int]] = {}
    total = 0
    for pk, first, last in spans.order_by("start_date", "id"):
        total += 1
        day = max(first, start)
        while day <= min(last, end):
            ids_by_day.setdefault(day, []).append(pk)
            day += dt.timedelta(days=1)
    shown = {pk for ids in ids_by_day.values() for pk in ids[:PER_DAY]}
    rows = Activity.objects.filter(id__in=shown).select_related("organiser")
    by_id = {a.pk: a for a in rows.only("id", "title", "kind", "organiser__name")}
    return CalendarMonth(
        days={day: [by_id[pk] for pk in ids[:PER_DAY]] for day, ids in ids_by_day.items()},
        counts={day: len(ids) for day, ids in ids_by_day.items()},
        total=total,
    )


def topics() -> QuerySet[Topic]:
    return Topic.objects.all()


def tasks_for_choice(user: User) -> QuerySet[PlanTask]:
    """The tasks of the plans the user can see that cover this year, by code."""
    year = today().year
    root_id = access.scope_root_id(user)
    plans = Q(plan__start_year__lte=year, plan__end_year__gte=year)
    found = PlanTask.objects.filter(plans).select_related("plan")
    if root_id is not None:
        above = [v.unit_id for v in hierarchy.ancestors(root_id, today())]
        found = found.filter(
            Q(plan__unit_id__in=hierarchy.descendant_ids(root_id, today()))
            | Q(plan__unit_id__in=above)
        )
    return found.order_by("plan__unit__code", "position")


def campaigns_for_user(user: User, *, query: str = "") -> QuerySet[Campaign]:
    """Campaigns run by units the user reads, or by units above them (which include them)."""
    found = Campaign.objects.select_related("unit")
    root_id = access.scope_root_id(user)
    if root_id is not None:
        above = [v.unit_id for v in hierarchy.ancestors(root_id, today())]
        found = found.filter(
            Q(unit_id__in=hierarchy.ever_descendant_ids(root_id)) | Q(unit_id__in=[root_id, *above])
        )
    for term in search_terms(query):
        found = found.filter(search_key__contains=term)
    return found.order_by("-start_date", "code")


def filter_from(user: User, values: dict[str, str]) -> ActivityFilter:
    """The filter described by a list's query (unit, kind, topic, task, campaign, year, month,
    q): a unit outside the user's scope is refused (403), an unknown one is 404; an unknown
    campaign matches nothing."""
    unit = unit_for_user(user, values["unit"]) if values.get("unit") else None
    campaign = None
    if values.get("campaign"):
        campaign = campaign_for_user(user, values["campaign"])
    start = end = None
    year = int(values["year"]) if values.get("year", "").isdigit() else None
    month = int(values["month"]) if values.get("month", "").isdigit() else None
    if year and month and 1 <= month <= 12:
        start, end = month_bounds(year, month)
    elif year:
        start, end = year_bounds(year)
    return ActivityFilter(
        unit=unit,
        kind=values.get("kind", ""),
        topic=values.get("topic", ""),
        task=values.get("task", "").upper(),
        campaign=campaign,
        start=start,
        end=end,
        query=values.get("q", ""),
    )
