"""Reads of activities, scoped to the acting user: the gate to one activity, the filtered list
(pages, the calendar, exports and the API all use it), and the choices a form offers.

Scope follows orgs.access: a user reads the activities of every unit that was ever in their
subtree (history stays readable; after the 2025 merger a province sees what the units it took
over did before), and records or changes them for units in the subtree today."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity, ActivityScope, Campaign, Topic
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit
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


def _subtree(user: User, filters: ActivityFilter) -> QuerySet[ActivityScope] | None:
    """The scope rows of the top unit the list is read under (the filter's unit, else the
    user's scope unit); None for a user of the whole tree with no unit chosen. Each unit sees
    the activities of every unit that was ever under it (see activities.scope)."""
    root_id = access.scope_root_id(user)
    unit_id = None
    if filters.unit is not None:
        access.require(access.can_read(user, filters.unit))
        unit_id = filters.unit.pk
    top = unit_id if unit_id is not None else root_id
    if top is None:
        return None
    rows = ActivityScope.objects.filter(unit_id=top)
    if root_id is not None and unit_id not in (None, root_id):
        # A unit that joined the user's subtree late: only what the scope itself sees of it.
        seen = ActivityScope.objects.filter(unit_id=root_id, activity_id=OuterRef("activity_id"))
        rows = rows.filter(Exists(seen))
    return rows


def _by_columns(found: QuerySet[Any], filters: ActivityFilter) -> QuerySet[Any]:
    """Narrowed by kind and dates: columns of the activities and of their scope rows alike."""
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.start is not None:
        found = found.filter(end_date__gte=filters.start, start_date__gte=filters.start - MAX_SPAN)
    if filters.end is not None:
        found = found.filter(start_date__lte=filters.end)
    return found


def _by_activity(found: QuerySet[Any], filters: ActivityFilter, path: str) -> QuerySet[Any]:
    """Narrowed by what only the activity holds (topic, task, campaign, search), reached from
    `found`'s rows through `path` ("" for activities, "activity__" for scope rows)."""
    if filters.topic:
        found = found.filter(**{f"{path}topics__code": filters.topic})
    if filters.task:
        found = found.filter(**{f"{path}task__code": filters.task})
    if filters.campaign is not None:
        found = found.filter(**{f"{path}campaign": filters.campaign})
    for term in search_terms(filters.query):
        found = found.filter(**{f"{path}search_key__contains": term})
    return found


def activities_for_user(user: User, filters: ActivityFilter | None = None) -> QuerySet[Activity]:
    """The activities the user may read, narrowed by `filters`, newest first. The organiser's
    subtree is the one of any date (a unit that moved keeps its history where it was)."""
    filters = filters or ActivityFilter()
    found = _by_activity(_by_columns(Activity.objects.all(), filters), filters, "")
    subtree = _subtree(user, filters)
    if subtree is not None:
        found = found.filter(id__in=_by_columns(subtree, filters).values("activity_id"))
    return found.select_related("organiser", "task", "campaign").order_by("-start_date", "-id")


@dataclass(frozen=True)
class Listing:
    """The rows a page, a count or a calendar of activities reads, newest first: the scope
    rows of the subtree's top unit (one index range, whatever the subtree's size), or the
    activities themselves for a user of the whole tree. `key` names the activity's id."""

    rows: QuerySet[Any]
    key: str

    def newest(self) -> QuerySet[Any]:
        return self.rows.order_by("-start_date", f"-{self.key}")

    def ids(self, offset: int, limit: int) -> list[int]:
        return list(self.newest().values_list(self.key, flat=True)[offset : offset + limit])

    def count(self, cap: int) -> int:
        """How many, counting no further than `cap` + 1: beyond that a list is for narrowing,
        not for paging through (a province has tens of thousands)."""
        return self.rows.order_by().values(self.key)[: cap + 1].count()

    def spans(self) -> QuerySet[Any]:
        """(id, start date, end date), earliest first."""
        earliest = self.rows.order_by("start_date", self.key)
        return earliest.values_list(self.key, "start_date", "end_date")


def listing_for_user(user: User, filters: ActivityFilter | None = None) -> Listing:
    """What `activities_for_user` selects, as the rows a list pages through."""
    filters = filters or ActivityFilter()
    subtree = _subtree(user, filters)
    if subtree is None:
        activities = _by_activity(_by_columns(Activity.objects.all(), filters), filters, "")
        return Listing(activities, "id")
    return Listing(
        _by_activity(_by_columns(subtree, filters), filters, "activity__"), "activity_id"
    )


def activities_page(
    user: User, filters: ActivityFilter | None, offset: int, limit: int
) -> list[Activity]:
    """One page of `activities_for_user`."""
    return activities_by_ids(listing_for_user(user, filters).ids(offset, limit))


def activities_by_ids(ids: list[int]) -> list[Activity]:
    """The rows of a page (with their organiser, task and campaign), newest first."""
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
    ids_by_day: dict[dt.date, list[int]] = {}
    total = 0
    for pk, first, last in listing_for_user(user, narrowed).spans():
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
