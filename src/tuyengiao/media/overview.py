"""The monitoring overview of a unit, read for a user who may read it: how much was found online
over time (by topic, by sentiment), from which sources, the cases open now, how quickly people
responded and resolved, and who carries the work.

Everything counts the items and cases of the units ever under the unit (history stays readable
by whoever was responsible for it, as everywhere). Volumes are counted in the database, a row
per (week or month, class); the medians are taken in Python over the period's cases, a few
thousand at most, so that SQLite and PostgreSQL give the same answer without a percentile
function."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.media.models_monitoring import (
    OPEN_ITEM_CASES,
    Item,
    ItemCase,
    ItemCaseState,
    Sentiment,
    Source,
    Topic,
)
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit

WEEKS_UP_TO_DAYS = 120
"""A period this long or shorter is counted by week; a longer one by month."""
DEFAULT_DAYS = 84  # twelve weeks
LONGEST_YEARS = 3  # a wider period is cut to its last three years


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included, in the site's time zone."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """The period asked for, made sensible: twelve weeks to today by default, the dates in
        order, at most three years."""
        end = end or today()
        start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            start, end = end, start
        try:
            earliest = end.replace(year=end.year - LONGEST_YEARS)
        except ValueError:  # 29 February
            earliest = end.replace(year=end.year - LONGEST_YEARS, day=28)
        return cls(max(start, earliest), end)

    @property
    def by_week(self) -> bool:
        return (self.end - self.start).days + 1 <= WEEKS_UP_TO_DAYS

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[first moment, moment after the last day) as aware datetimes."""
        zone = timezone.get_current_timezone()
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return first, after

    def within(self, name: str) -> Q:
        first, after = self.bounds()
        return Q(**{f"{name}__gte": first, f"{name}__lt": after})


@dataclass(frozen=True)
class Bucket:
    start: dt.date  # a Monday, or the first of a month
    label: str


def buckets(period: Period) -> list[Bucket]:
    """Every week (from its Monday) or month the period touches, empty ones included."""
    found = []
    if period.by_week:
        day = period.start - dt.timedelta(days=period.start.weekday())
        while day <= period.end:
            found.append(Bucket(day, date_format(day, "d/m/Y")))
            day += dt.timedelta(days=7)
    else:
        day = period.start.replace(day=1)
        while day <= period.end:
            found.append(Bucket(day, date_format(day, "m/Y")))
            day = (day + dt.timedelta(days=32)).replace(day=1)
    return found


@dataclass
class VolumeRow:
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Volume:
    """Items found per week or month: per topic (an item may match several), and split into
    sentiments — of the items not judged irrelevant — so that the rows add up to all items."""

    weekly: bool
    buckets: list[Bucket]
    by_topic: list[VolumeRow]
    by_sentiment: list[VolumeRow]

    @property
    def bucket_label(self) -> str:
        return _("Week from") if self.weekly else _("Month")


def _bucketed(
    rows: QuerySet[Item], period: Period, key: str | None = None
) -> dict[str, dict[dt.date, int]]:
    """{value of `key` (or ""): {week or month: items}} in one grouped query."""
    kind = "week" if period.by_week else "month"
    grouped = ("bucket", key) if key else ("bucket",)
    counted = (
        rows.annotate(bucket=Trunc("found_at", kind, output_field=DateField()))
        .order_by()
        .values(*grouped)
        .annotate(n=Count("pk", distinct=True))
    )
    found: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for entry in counted:
        found[str(entry[key]) if key else ""][entry["bucket"]] = entry["n"]
    return found


def _row(label: str, counts: dict[dt.date, int], spans: list[Bucket]) -> VolumeRow:
    return VolumeRow(label, [counts.get(b.start, 0) for b in spans])


def volume(items: QuerySet[Item], period: Period) -> Volume:
    """The period's items per topic and per sentiment, week by week or month by month."""
    spans = buckets(period)
    rows = items.filter(period.within("found_at"))
    per_topic = _bucketed(rows.filter(topics__isnull=False), period, "topics")
    names = dict(Topic.objects.filter(pk__in=[int(k) for k in per_topic]).values_list("pk", "name"))
    by_topic = sorted(
        (_row(names[int(pk)], counts, spans) for pk, counts in per_topic.items()),
        key=lambda r: (-r.total, r.label),
    )
    per_sentiment = _bucketed(rows.exclude(relevant=False), period, "sentiment")
    by_sentiment = [_row(_("All items found"), _bucketed(rows, period).get("", {}), spans)]
    by_sentiment += [
        _row(str(label), per_sentiment.get(value, {}), spans) for value, label in Sentiment.choices
    ]
    by_sentiment.append(_row(_("Sentiment not known"), per_sentiment.get("", {}), spans))
    irrelevant = _bucketed(rows.filter(relevant=False), period).get("", {})
    by_sentiment.append(_row(_("Judged irrelevant"), irrelevant, spans))
    return Volume(period.by_week, spans, by_topic, by_sentiment)


@dataclass
class SourceLine:
    source: Source
    found: int  # in the period
    stored: int  # kept now, whatever their date


def sources(unit_ids: QuerySet[Any, Any], period: Period) -> list[SourceLine]:
    """The sources watched for the units, with their items and their last success and error."""
    rows = (
        Source.objects.filter(unit_id__in=unit_ids)
        .annotate(
            found=Count("items", filter=period.within("items__found_at")),
            stored=Count("items"),
        )
        .order_by("-active", "name", "pk")
    )
    return [SourceLine(row, row.found, row.stored) for row in rows]


@dataclass
class StateLine:
    state: str
    label: str
    cases: int


@dataclass
class Cases:
    """The cases open now by state, how many are overdue; those opened and closed in the
    period."""

    open: list[StateLine]
    overdue: int
    opened: int
    closed: int

    @property
    def open_total(self) -> int:
        return sum(line.cases for line in self.open)


def cases(rows: QuerySet[ItemCase], period: Period, now: dt.datetime) -> Cases:
    counted = dict(
        rows.filter(state__in=OPEN_ITEM_CASES)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    labels = dict(ItemCaseState.choices)
    return Cases(
        open=[StateLine(s, str(labels[s]), counted.get(s, 0)) for s in OPEN_ITEM_CASES],
        overdue=rows.filter(state__in=OPEN_ITEM_CASES, due_at__lt=now).count(),
        opened=rows.filter(period.within("opened_at")).count(),
        closed=rows.filter(period.within("closed_at")).count(),
    )


@dataclass(frozen=True)
class Timing:
    """The median time from a case's opening to an event, over the cases that reached the
    event in the period (`cases`: how many)."""

    cases: int
    median: dt.timedelta | None

    @property
    def hours(self) -> float | None:
        return None if self.median is None else round(self.median.total_seconds() / 3600, 1)

    @property
    def display(self) -> str:
        return format_duration(self.median)


def format_duration(span: dt.timedelta | None) -> str:
    """A duration as staff say it: minutes under an hour, hours under two days, else days."""
    if span is None:
        return "—"
    minutes = span.total_seconds() / 60
    if minutes < 60:
        return _("%(n)s min") % {"n": number_format(round(minutes), use_l10n=True)}
    if minutes < 48 * 60:
        hours = number_format(round(minutes / 60, 1), decimal_pos=1, use_l10n=True)
        return _("%(n)s h") % {"n": hours}
    days = number_format(round(minutes / 1440, 1), decimal_pos=1, use_l10n=True)
    return _("%(n)s days") % {"n": days}


def median_time(pairs: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> Timing:
    """The median of end − start (of an even count, the mean of the middle two)."""
    seconds = [(end - start).total_seconds() for start, end in pairs if end is not None]
    if not seconds:
        return Timing(0, None)
    return Timing(len(seconds), dt.timedelta(seconds=statistics.median(seconds)))


def first_response(rows: QuerySet[ItemCase], period: Period) -> Timing:
    """Over the cases first acted on in the period."""
    picked = rows.filter(period.within("first_action_at"))
    return median_time(picked.values_list("opened_at", "first_action_at"))


def resolution(rows: QuerySet[ItemCase], period: Period) -> Timing:
    """Over the cases resolved in the period; a dismissed case was not resolved, and is left
    out."""
    picked = rows.filter(period.within("closed_at"), state=ItemCaseState.RESOLVED)
    return median_time(picked.values_list("opened_at", "closed_at"))


@dataclass
class WorkLine:
    name: str
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    user_id: int | None = None


def workload(rows: QuerySet[ItemCase], period: Period, now: dt.datetime) -> list[WorkLine]:
    """Per assignee: the open cases given to them, of which overdue, and the cases they
    resolved in the period; the open cases given to nobody last."""
    is_open = Q(state__in=OPEN_ITEM_CASES)
    counted = (
        rows.order_by()
        .values("assigned_to")
        .annotate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
            resolved=Count(
                "pk", filter=Q(state=ItemCaseState.RESOLVED) & period.within("closed_at")
            ),
        )
    )
    users = User.objects.in_bulk([e["assigned_to"] for e in counted if e["assigned_to"]])
    lines, nobody = [], None
    for entry in counted:
        if not (entry["open"] or entry["resolved"]):
            continue
        who = users.get(entry["assigned_to"])
        name = (who.get_full_name() or who.username) if who else _("Not assigned")
        line = WorkLine(
            name, entry["open"], entry["overdue"], entry["resolved"], entry["assigned_to"]
        )
        if who is None:
            nobody = line
        else:
            lines.append(line)
    lines.sort(key=lambda w: (-w.open, -w.overdue, w.name))
    return lines + ([nobody] if nobody else [])


@dataclass
class Overview:
    unit: OrgUnit
    period: Period
    volume: Volume
    sources: list[SourceLine]
    cases: Cases
    first_response: Timing
    resolution: Timing
    workload: list[WorkLine]
    now: dt.datetime = field(default_factory=timezone.now)


def overview(unit: OrgUnit, period: Period) -> Overview:
    """The overview of `unit` (the caller has checked the user may read it)."""
    now = timezone.now()
    unit_ids = hierarchy.ever_descendant_ids(unit.pk)
    items = Item.objects.filter(unit_id__in=unit_ids)
    case_rows = ItemCase.objects.filter(unit_id__in=unit_ids)
    return Overview(
        unit=unit,
        period=period,
        volume=volume(items, period),
        sources=sources(unit_ids, period),
        cases=cases(case_rows, period, now),
        first_response=first_response(case_rows, period),
        resolution=resolution(case_rows, period),
        workload=workload(case_rows, period, now),
        now=now,
    )
