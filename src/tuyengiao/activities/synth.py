"""Synthetic activities for the synthetic national tree (`orgs.synth`), for benchmarks.

Activities are spread over every unit that exists on their date (grassroots unions nine times
out of ten, upper units otherwise), over the given years, with one to three topics each and
plausible participants. Rows go in with COPY on PostgreSQL and executemany on SQLite, with ids
given up front so the topic rows can follow; the figures they feed are then recounted in one
batch per element and year (T2.4a), as the services would have left them. Deterministic for a
seed."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tuyengiao.activities import figures, scope
from tuyengiao.activities.models import (
    EVENT_KINDS,
    Activity,
    ActivityFile,
    ActivityKind,
    ActivityLink,
    Attendance,
    EventKind,
    Topic,
)
from tuyengiao.activities.services import topics_ensure
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_key
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting.models import DataElement
from tuyengiao.reporting.services import period_get, values_write_many

_COLUMNS = [
    "id", "title", "kind", "organiser_id", "audience", "venue", "place", "start_date",
    "end_date", "participants", "participants_members", "participants_women", "document",
    "description", "training_kind", "event_kind", "event_level", "created_at", "updated_at",
    "search_key", "version",
]  # fmt: skip
_TITLES = {
    ActivityKind.PROPAGANDA: "Tuyên truyền nghị quyết cho đoàn viên (tổng hợp)",
    ActivityKind.LEGAL: "Phổ biến Bộ luật Lao động tại doanh nghiệp (tổng hợp)",
    ActivityKind.TRAINING: "Tập huấn nghiệp vụ công đoàn (tổng hợp)",
    ActivityKind.SEMINAR: "Đối thoại với người lao động (tổng hợp)",
    ActivityKind.CONTEST: "Hội thi tìm hiểu pháp luật (tổng hợp)",
    ActivityKind.ARTS: "Giao lưu văn nghệ công nhân (tổng hợp)",
    ActivityKind.SPORTS: "Giải cầu lông công nhân lao động (tổng hợp)",
    ActivityKind.HONOURING: "Tuyên dương công nhân lao động tiêu biểu (tổng hợp)",
    ActivityKind.VISIT: "Thăm hỏi, tặng quà công nhân khó khăn (tổng hợp)",
    ActivityKind.OTHER: "Hoạt động khác (tổng hợp)",
}
_KINDS = list(_TITLES)
_WEIGHTS = [30, 15, 5, 8, 6, 8, 8, 5, 10, 5]
_VENUES = ["enterprise", "boarding_house", "online", "union", "other"]
_BATCH = 20_000
ActivityTopic = Activity.topics.through
Span = tuple[int, dt.date, dt.date]  # unit id, valid from, valid to


@dataclass
class ActivitiesResult:
    activities: int = 0
    topic_rows: int = 0
    figures: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def wipe() -> None:
    """Delete every activity and what hangs on it (before the tree they point at goes)."""
    with connection.cursor() as cursor:
        for model in (ActivityTopic, ActivityLink, Attendance, ActivityFile, Activity):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _organisers() -> tuple[list[Span], list[Span]]:
    rows = OrgUnit.objects.exclude(kind=UnitKind.NATIONAL).values_list(
        "id", "kind", "valid_from", "valid_to"
    )
    grassroots: list[Span] = []
    upper: list[Span] = []
    for pk, kind, valid_from, valid_to in rows.order_by("id"):
        (grassroots if kind == UnitKind.GRASSROOTS else upper).append((pk, valid_from, valid_to))
    return grassroots, upper


def _rows(
    rng: random.Random, count: int, first_id: int, years: range, topic_ids: list[int]
) -> Iterator[tuple[tuple[Any, ...], list[int]]]:
    grassroots, upper = _organisers()
    start, end = dt.date(years.start, 1, 1), min(dt.date(years.stop - 1, 12, 31), today())
    span = (end - start).days
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    made = 0
    while made < count:
        day = start + dt.timedelta(days=rng.randrange(span + 1))
        pool = grassroots if rng.random() < 0.9 else upper
        pk, valid_from, valid_to = pool[rng.randrange(len(pool))]
        if not valid_from <= day < valid_to:
            continue
        kind = rng.choices(_KINDS, _WEIGHTS)[0]
        participants = rng.randint(10, 400)
        title = _TITLES[kind]
        event = kind in EVENT_KINDS
        row = (
            first_id + made, title, kind, pk, "Đoàn viên, người lao động", rng.choice(_VENUES), "",
            connection.ops.adapt_datefield_value(day),
            connection.ops.adapt_datefield_value(day + dt.timedelta(days=rng.choice([0, 0, 1]))),
            participants,
            int(participants * rng.uniform(0.5, 1)),
            int(participants * rng.uniform(0.3, 0.7)),
            "Kế hoạch số 01-KH/LĐLĐ (tổng hợp)", "",
            "propaganda_skills" if kind == ActivityKind.TRAINING else "",
            EventKind.BADMINTON.value if event else "", "local" if event else "",
            stamp, stamp, search_key(title), 1,
        )  # fmt: skip
        yield row, rng.sample(topic_ids, rng.randint(1, 3))
        made += 1


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def _reset_sequence() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('activities_activity', 'id'), "
            "(SELECT MAX(id) FROM activities_activity))"
        )
        cursor.execute("ANALYZE activities_activity")
        cursor.execute("ANALYZE activities_activity_topics")
        cursor.execute("ANALYZE activities_activityscope")


def _event_figures(years: range) -> int:
    """T2.4a for every organiser and year, as activity_create would have left it."""
    element = DataElement.objects.get(code=figures.EVENTS)
    changed = 0
    for year in years:
        counts: dict[int, int] = defaultdict(int)
        rows = Activity.objects.filter(
            kind__in=EVENT_KINDS,
            start_date__gte=dt.date(year, 1, 1),
            start_date__lte=dt.date(year, 12, 31),
        ).values_list("organiser_id", flat=True)
        for organiser_id in rows.iterator(chunk_size=10_000):
            counts[organiser_id] += 1
        units = OrgUnit.objects.in_bulk(list(counts))
        cells: dict[tuple[OrgUnit, DataElement, str], int | None] = {
            (units[pk], element, ""): n for pk, n in counts.items()
        }
        changed += values_write_many(
            None, period=period_get(str(year)), cells=cells, action="synth.activities"
        )
    return changed


def synth_activities(*, count: int, years: range, seed: int = 1) -> ActivitiesResult:
    """Write `count` activities over the synthetic tree, then their T2.4a figures."""
    result = ActivitiesResult()
    started = time.perf_counter()
    topics_ensure()
    topic_ids = list(Topic.objects.values_list("id", flat=True))
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    first_id = (Activity.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    with transaction.atomic():
        batch: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        for row, topics in _rows(rng, count, first_id, years, topic_ids):
            batch.append(row)
            links += [(row[0], topic) for topic in topics]
            if len(batch) >= _BATCH:
                _insert("activities_activity", _COLUMNS, batch)
                _insert("activities_activity_topics", ["activity_id", "topic_id"], links)
                result.activities += len(batch)
                result.topic_rows += len(links)
                batch, links = [], []
        _insert("activities_activity", _COLUMNS, batch)
        _insert("activities_activity_topics", ["activity_id", "topic_id"], links)
        result.activities += len(batch)
        result.topic_rows += len(links)
        scope.add_from(first_id)
        _reset_sequence()
    result.seconds["activities"] = time.perf_counter() - started
    mark = time.perf_counter()
    result.figures = _event_figures(years)
    result.seconds["figures"] = time.perf_counter() - mark
    return result
