"""The monitoring overview: items counted per week (or month) by sentiment and by topic, the
sources with their last success and error, the open cases, the medians of the time to first
response and to resolution (exact on the fixtures), the workload per assignee; scoped to the
units ever under the unit read, refused outside the scope; the .xlsx export, one sheet a table,
audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.media.models_monitoring import Item, ItemCase, Source, Topic
from tuyengiao.media.overview import Period, buckets, format_duration, median_time, overview
from tuyengiao.media.pipeline import Found, ingest

ZONE = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)  # a Friday
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 20))  # weeks from 26/10 to 16/11


def at(day: int, hour: int = 9, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def _frozen():
    """A fixed today; English, so that the assertions do not follow the catalogue."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def _item(source: Source, n: int, found: dt.datetime, **fields: object) -> Item:
    """An item through the pipeline, then given the date and classes the test needs."""
    text = f"Bài đăng số {n} về công nhân và tiền lương tháng này ở khu công nghiệp"
    item = ingest(source, [Found(text, address=f"https://example.org/bai/{n}")]).created[0]
    defaults = {"relevant": True, "sentiment": "neutral"}
    Item.objects.filter(pk=item.pk).update(found_at=found, **(defaults | fields))
    item.refresh_from_db()
    return item


def _case(item: Item, opened: dt.datetime, **fields: object) -> ItemCase:
    case = ItemCase.objects.create(item=item, unit=item.unit)
    ItemCase.objects.filter(pk=case.pk).update(opened_at=opened, **fields)
    case.refresh_from_db()
    return case


@pytest.fixture
def monitored(tree, province_officer, grassroots_officer):
    feed = Source.objects.create(
        unit=tree.province, name="Báo Ninh Bình", kind="feed", succeeded_at=at(19)
    )
    school = Source.objects.create(
        unit=tree.school_a,
        name="Nhóm phụ huynh Trường THPT Hoa Lư A",
        kind="manual",
        error="Máy chủ trả lời 503",
        error_at=at(18),
        failures=2,
    )
    items = [
        _item(feed, 1, at(3), sentiment="negative"),  # week of 02/11
        _item(feed, 2, at(4), sentiment="negative"),
        _item(feed, 3, at(5), sentiment="positive"),
        _item(feed, 4, at(11), relevant=False, sentiment="negative"),  # week of 09/11
        _item(feed, 5, at(17), sentiment=""),  # week of 16/11
        _item(school, 6, at(18), sentiment="negative"),
        _item(feed, 7, at(20, 9, 10)),  # before the period
    ]
    # Made after the items, so that the links are the test's rather than the matcher's.
    wages = Topic.objects.create(unit=tree.province, name="Nợ lương", query="lương")
    food = Topic.objects.create(unit=tree.province, name="Bữa ăn ca", query="bữa ăn")
    for item in items[:3]:
        item.topics.set([wages])
    items[1].topics.add(food)
    items[5].topics.set([food])
    cases = [
        # first response 2 h, resolved after 24 h
        _case(
            items[0],
            at(3, 10),
            first_action_at=at(3, 12),
            closed_at=at(4, 10),
            state="resolved",
            assigned_to=grassroots_officer,
        ),  # fmt: skip
        # first response 4 h, resolved after 48 h
        _case(
            items[1],
            at(4, 10),
            first_action_at=at(4, 14),
            closed_at=at(6, 10),
            state="resolved",
            assigned_to=grassroots_officer,
        ),  # fmt: skip
        # first response 10 h, dismissed: not a resolution
        _case(
            items[2],
            at(5, 10),
            first_action_at=at(5, 20),
            closed_at=at(6, 10),
            state="dismissed",
            assigned_to=province_officer,
        ),  # fmt: skip
        # open, overdue, no response yet
        _case(
            items[4], at(17, 10), state="verifying", due_at=at(19), assigned_to=province_officer
        ),  # fmt: skip
        # open, not assigned, due later
        _case(items[5], at(18, 10), state="new", due_at=at(25)),
        # responded before the period: left out of the medians
        _case(
            items[6],
            at(20, 9, 10),
            first_action_at=at(20, 10, 10),
            state="responding",
            assigned_to=province_officer,
        ),  # fmt: skip
    ]
    return {"items": items, "cases": cases, "topics": (wages, food), "sources": (feed, school)}


def test_a_period_up_to_120_days_counts_weeks_and_longer_counts_months():
    assert [b.label for b in buckets(PERIOD)] == [
        "26/10/2026",
        "02/11/2026",
        "09/11/2026",
        "16/11/2026",
    ]
    year = Period(dt.date(2026, 1, 15), dt.date(2026, 6, 2))
    assert not year.by_week
    assert [b.label for b in buckets(year)] == ["01/2026", "02/2026", "03/2026", "04/2026",
                                                "05/2026", "06/2026"]  # fmt: skip
    assert Period.of(None, None) == Period(dt.date(2026, 8, 29), dt.date(2026, 11, 20))
    assert Period.of(dt.date(2026, 11, 20), dt.date(2026, 11, 1)) == PERIOD  # put in order
    assert Period.of(dt.date(2010, 1, 1), dt.date(2026, 1, 1)).start == dt.date(2023, 1, 1)


def test_volume_by_sentiment_and_topic_per_week(tree, monitored):
    found = overview(tree.province, PERIOD)
    rows = {row.label: row.counts for row in found.volume.by_sentiment}
    assert rows == {
        "All items found": [0, 3, 1, 2],
        "Negative": [0, 2, 0, 1],
        "Neutral": [0, 0, 0, 0],
        "Positive": [0, 1, 0, 0],
        "Sentiment not known": [0, 0, 0, 1],
        "Judged irrelevant": [0, 0, 1, 0],
    }
    topics = [(row.label, row.counts, row.total) for row in found.volume.by_topic]
    assert topics == [("Nợ lương", [0, 3, 0, 0], 3), ("Bữa ăn ca", [0, 1, 0, 1], 2)]


def test_sources_with_their_items_last_success_and_error(tree, monitored):
    lines = {line.source.name: line for line in overview(tree.province, PERIOD).sources}
    feed, school = lines["Báo Ninh Bình"], lines["Nhóm phụ huynh Trường THPT Hoa Lư A"]
    assert (feed.found, feed.stored, feed.source.succeeded_at) == (5, 6, at(19))
    assert (school.found, school.source.error, school.source.failures) == (
        1,
        "Máy chủ trả lời 503",
        2,
    )


def test_open_cases_and_the_medians_are_exact(tree, monitored):
    found = overview(tree.province, PERIOD)
    assert [(s.state, s.cases) for s in found.cases.open] == [
        ("new", 1),
        ("verifying", 1),
        ("responding", 1),
    ]
    assert (found.cases.open_total, found.cases.overdue) == (3, 1)
    assert (found.cases.opened, found.cases.closed) == (5, 3)
    # First responses in the period: 2 h, 4 h, 10 h → 4 h (the October one is left out).
    assert found.first_response.cases == 3
    assert found.first_response.median == dt.timedelta(hours=4)
    # Resolved in the period: 24 h and 48 h → 36 h; the dismissed case is left out.
    assert found.resolution.cases == 2
    assert found.resolution.median == dt.timedelta(hours=36)
    assert found.resolution.hours == 36.0


def test_median_of_nothing_and_the_durations_as_people_read_them():
    assert median_time([]).median is None and median_time([]).cases == 0
    assert format_duration(None) == "—"
    assert format_duration(dt.timedelta(minutes=42)) == "42 min"
    assert format_duration(dt.timedelta(hours=36)) == "36.0 h"
    assert format_duration(dt.timedelta(days=3, hours=12)) == "3.5 days"
    with translation.override("vi"):  # Vietnamese numbers: a decimal comma
        assert format_duration(dt.timedelta(hours=36)).startswith("36,0")


def test_workload_per_assignee_with_the_unassigned_last(
    tree, monitored, province_officer, grassroots_officer
):
    lines = [
        (w.user_id, w.open, w.overdue, w.resolved) for w in overview(tree.province, PERIOD).workload
    ]
    assert lines == [
        (province_officer.pk, 2, 1, 0),  # verifying (overdue) and the October one
        (grassroots_officer.pk, 0, 0, 2),
        (None, 1, 0, 0),
    ]


def test_a_unit_below_counts_only_its_own_subtree(tree, monitored):
    found = overview(tree.education, PERIOD)
    assert found.volume.by_sentiment[0].counts == [0, 0, 0, 1]
    assert [line.source.name for line in found.sources] == ["Nhóm phụ huynh Trường THPT Hoa Lư A"]
    assert found.cases.open_total == 1 and found.first_response.cases == 0
    assert [(w.user_id, w.open) for w in found.workload] == [(None, 1)]


def test_the_page_shows_the_tables_for_the_unit_read(monitored, province_officer):
    client = client_for(province_officer)
    response = client.get(reverse("media:overview"), {"start": "01/11/2026", "end": "20/11/2026"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Liên đoàn Lao động tỉnh Ninh Bình" in body
    assert "Nhóm phụ huynh Trường THPT Hoa Lư A" in body and "Máy chủ trả lời 503" in body
    assert "Nợ lương" in body and "16/11/2026" in body
    assert "<svg" in body  # the chart


def test_outsiders_are_refused_and_their_page_shows_nothing_of_the_others(
    monitored, outsider, leader
):
    client = client_for(outsider)
    assert client.get(reverse("media:overview"), {"unit": "GD"}).status_code == 403
    assert (
        client.get(reverse("media:overview"), {"unit": "NB", "format": "xlsx"}).status_code == 403
    )
    own = client.get(reverse("media:overview")).content.decode()
    assert "Hoa Lư A" not in own and "Báo Ninh Bình" not in own
    assert client_for(leader).get(reverse("media:overview")).status_code == 200


def test_the_export_has_a_sheet_per_table_and_is_audited(monitored, province_officer):
    client = client_for(province_officer)
    response = client.get(
        reverse("media:overview"),
        {"unit": "NB", "start": "2026-11-01", "end": "2026-11-20", "format": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "theo-doi-truc-tuyen-NB-2026-11-01-2026-11-20.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    by_topic = list(book.worksheets[0].iter_rows(values_only=True))
    assert by_topic[1] == ("Topic", "26/10/2026", "02/11/2026", "09/11/2026", "16/11/2026", "Total")
    assert by_topic[2] == ("Nợ lương", 0, 3, 0, 0, 3)
    timings = list(book.worksheets[4].iter_rows(values_only=True))
    assert timings[2][1:] == (3, 4.0) and timings[3][1:] == (2, 36.0)
    workload = list(book.worksheets[5].iter_rows(values_only=True))
    assert workload[-1] == ("Not assigned", 1, 0, 0)
    entry = AuditEntry.objects.get(action="media.overview.export")
    assert entry.actor == province_officer and entry.after["rows"]["Workload"] == 3
    assert entry.after["start"] == "2026-11-01"
