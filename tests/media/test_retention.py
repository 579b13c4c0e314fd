"""Retention: the items found before the period that no case keeps are deleted with their bands,
topic links, labels and screenshot files (a repost of a kept original too); those kept for a
case stay, and once the case is closed they no longer show their author; the dry run lists and
changes nothing; each unit's deletions are audited; the nightly task does the same."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tuyengiao.core.models import AuditEntry
from tuyengiao.media import retention
from tuyengiao.media.models_monitoring import Item, ItemBand, ItemCase, Label, Source, Topic
from tuyengiao.media.pipeline import Found, ingest

ZONE = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 20, 2, 40, tzinfo=ZONE)
OLD = NOW - dt.timedelta(days=31)  # past a 30-day period
RECENT = NOW - dt.timedelta(days=29)

TEXTS = {
    "expired": "Công ty A nợ lương công nhân hai tháng, người lao động bức xúc kéo ra cổng",
    "open_case": "Xưởng B bắt công nhân tăng ca đến nửa đêm mà không trả thêm đồng nào cả",
    "closed_case": "Bếp ăn công ty C bị phản ánh thức ăn ôi thiu, nhiều công nhân đau bụng",
    "recent": "Khu công nghiệp D tuyển gấp hai trăm lao động phổ thông, lương khá",
    "recent_closed": "Nhà máy E cắt giảm ba trăm lao động từ tháng sau, chưa báo công đoàn",
}
REPOST_OF_OPEN = "CHIA SẺ: " + TEXTS["open_case"]
REPOST_OF_EXPIRED = "Mọi người ơi: " + TEXTS["expired"]


@pytest.fixture(autouse=True)
def _period(settings):
    settings.MONITOR_RETENTION_DAYS = 30
    with time_machine.travel(NOW, tick=False):
        yield


def _found(key: str, text: str) -> Found:
    return Found(text, address=f"https://facebook.com/nhom/posts/{key}", author=f"Tác giả {key}")


def _case(item: Item, state: str) -> ItemCase:
    closed = NOW - dt.timedelta(days=1) if state in ("resolved", "dismissed") else None
    return ItemCase.objects.create(item=item, unit=item.unit, state=state, closed_at=closed)


@pytest.fixture
def stored(tree, media):
    source = Source.objects.create(unit=tree.garment, name="Nhóm công nhân", kind="manual")
    created = ingest(source, [_found(k, t) for k, t in TEXTS.items()]).created
    items = dict(zip(TEXTS, created, strict=True))
    items["repost_of_open"] = ingest(source, [_found("r1", REPOST_OF_OPEN)]).created[0]
    items["repost_of_expired"] = ingest(source, [_found("r2", REPOST_OF_EXPIRED)]).created[0]
    assert items["repost_of_open"].duplicate_of == items["open_case"]
    assert items["repost_of_expired"].duplicate_of == items["expired"]
    items["expired"].screenshot.save("chup.png", ContentFile(b"\x89PNG..."), save=True)
    for key, item in items.items():  # the dates last: a save would write the item's own
        when = RECENT if key in ("recent", "recent_closed", "repost_of_expired") else OLD
        Item.objects.filter(pk=item.pk).update(found_at=when)
    _case(items["open_case"], "responding")
    _case(items["closed_case"], "resolved")
    _case(items["recent_closed"], "dismissed")
    topic = Topic.objects.create(unit=tree.garment, name="Lương", query="lương")
    items["expired"].topics.add(topic)
    Label.objects.create(item=items["expired"], field="sentiment", value="negative")
    Label.objects.create(item=items["open_case"], field="sentiment", value="negative")
    return items


def _left() -> set[str]:
    return set(Item.objects.values_list("address", flat=True))


def _address(key: str) -> str:
    return f"https://facebook.com/nhom/posts/{key}"


def test_expired_items_without_a_case_go_with_everything_of_theirs(
    stored, django_capture_on_commit_callbacks
):
    screenshot = stored["expired"].screenshot.name
    assert default_storage.exists(screenshot)
    expired_ids = [stored["expired"].pk, stored["repost_of_open"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        done = retention.purge()
    assert (done.items, done.labels, done.files) == (2, 1, 1)
    assert _left() == {
        _address(key) for key in ("open_case", "closed_case", "recent", "recent_closed", "r2")
    }
    assert not ItemBand.objects.filter(item_id__in=expired_ids).exists()
    assert not Item.topics.through.objects.filter(item_id__in=expired_ids).exists()
    assert list(Label.objects.values_list("item_id", flat=True)) == [stored["open_case"].pk]
    assert not default_storage.exists(screenshot)
    # The repost found later is kept; the original it repeated is gone, and so is the link.
    assert Item.objects.get(pk=stored["repost_of_expired"].pk).duplicate_of is None


def test_authors_are_blanked_once_the_case_is_closed_and_the_period_passed(stored):
    done = retention.purge()
    authors = dict(Item.objects.values_list("address", "author"))
    assert authors[_address("closed_case")] == ""  # closed, found 31 days ago
    assert authors[_address("open_case")] == "Tác giả open_case"  # the case is still open
    assert authors[_address("recent_closed")] == "Tác giả recent_closed"  # within the period
    assert authors[_address("recent")] == "Tác giả recent"
    assert done.authors == 1


def test_a_second_run_finds_nothing_and_small_batches_give_the_same_result(stored):
    retention.purge(batch=1)
    assert len(_left()) == 5
    again = retention.purge()
    assert (again.items, again.authors) == (0, 0)


def test_each_unit_is_audited_once_per_run(tree, stored):
    retention.purge()
    entry = AuditEntry.objects.get(action="media.retention")
    assert entry.actor is None and entry.unit == tree.garment
    assert entry.after["items_deleted"] == 2 and entry.after["authors_cleared"] == 1
    assert entry.after["retention_days"] == 30


def test_the_dry_run_lists_what_would_go_and_changes_nothing(tree, stored, capsys):
    before = _left()
    survey = retention.survey()
    assert (survey.items, survey.labels, survey.files, survey.authors) == (2, 1, 1, 1)
    assert survey.by_unit == {tree.garment.pk: 2}
    call_command("monitor_retention", "--dry-run", verbosity=2)
    out = capsys.readouterr().out
    assert "Would delete 2 items (1 labels, 1 screenshot files)" in out
    assert "Would clear the author of 1 items kept for closed cases" in out
    assert "YK-001: 2 items, 1 authors" in out
    assert f"#{stored['expired'].pk} 20/10/2026 YK-001 [Nhóm công nhân]" in out
    assert _left() == before and not AuditEntry.objects.filter(action="media.retention").exists()


def test_the_command_deletes(stored, capsys):
    call_command("monitor_retention")
    assert "Deleted 2 items" in capsys.readouterr().out
    assert len(_left()) == 5


def test_the_nightly_task_runs_the_same_purge(stored):
    retention.retention_daily.call_local()
    assert len(_left()) == 5


def test_a_case_opened_on_an_expired_item_keeps_it(stored):
    _case(stored["expired"], "new")
    retention.purge()
    assert _address("expired") in _left()
