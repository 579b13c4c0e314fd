"""Checking feeds and pages, against the fixture server: the items stored through the
pipeline, the source's state (last success, last error, item count, tags of the conditional
request) and the backoff after failures; every bad answer a clear message on its source alone,
the other sources checked all the same, nothing stored lost."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from tests.media import sources_server
from tests.media.sources_server import FEED_ITEMS, WAGES, Reply, rss
from tuyengiao.media import source_parse, source_poll, tasks
from tuyengiao.media.models import Item, Source
from tuyengiao.media.text import MAX_CHARS

NOW = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def server(settings):
    yield from sources_server.running(settings)


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def _source(tree, server, path: str, kind: str = "feed", **extra) -> Source:
    return Source.objects.create(
        unit=tree.province,
        name=f"Nguồn {path}",
        kind=kind,
        address=server.at(path),
        **extra,
    )


def _stored(source: Source) -> Source:
    return Source.objects.get(pk=source.pk)


def test_an_rss_feed_gives_its_items_and_the_source_its_state(tree, server):
    source = _source(tree, server, "/rss.xml")
    result = source_poll.poll(source)
    assert result.ok and result.created == 3
    items = list(Item.objects.filter(source=source).order_by("id"))
    assert [i.title for i in items] == [title for title, _link, _text in FEED_ITEMS]
    wages = items[0]
    assert wages.address == "http://bao.example.vn/no-luong-1.html"
    assert wages.text.startswith("Hơn 300 công nhân") and "<p>" not in wages.text
    assert "Ninh Bình & công đoàn" in wages.text  # the HTML made text, entities decoded
    assert wages.author == "bandoc@example.vn (Bạn đọc)"
    assert wages.published_at == dt.datetime(2026, 10, 30, 1, 0, tzinfo=dt.UTC)
    assert wages.grievance == "unpaid_wages" and wages.submitted_by is None
    stored = _stored(source)
    assert stored.item_count == 3 and stored.failures == 0 and stored.error == ""
    assert stored.checked_at == stored.succeeded_at == NOW
    assert stored.next_check_at == NOW + dt.timedelta(minutes=60)
    assert stored.etag == '"v1"'


def test_the_next_check_is_conditional_and_only_new_entries_are_stored(tree, server):
    source = _source(tree, server, "/rss.xml")
    source_poll.poll(source)
    again = source_poll.poll(_stored(source))
    assert again.not_modified and again.created == 0
    assert server.requests[-1]["if-none-match"] == '"v1"'
    assert _stored(source).succeeded_at == NOW and _stored(source).item_count == 3
    # The feed gains an entry (and a new ETag): one new item, three seen.
    extra = ("Tai nạn lao động ở Yên Mô", "http://bao.example.vn/tai-nan-4.html", WAGES[::-1])
    server.routes["/rss.xml"] = Reply(
        200, rss([extra, *FEED_ITEMS]).encode(), {"Content-Type": "application/rss+xml"}, '"v2"'
    )
    later = source_poll.poll(_stored(source))
    assert (later.created, later.seen) == (1, 3)
    assert _stored(source).item_count == 4 and _stored(source).etag == '"v2"'


def test_an_atom_feed(tree, server):
    source = _source(tree, server, "/atom.xml")
    assert source_poll.poll(source).created == 2
    item = Item.objects.filter(source=source).order_by("id").first()
    assert item is not None and item.author == "Phóng viên" and item.text.startswith("Hơn 300")
    assert item.published_at == dt.datetime(2026, 10, 31, 7, 30, tzinfo=dt.UTC)


def test_a_feed_without_entries_is_a_success_with_nothing_new(tree, server):
    source = _source(tree, server, "/empty.xml")
    assert source_poll.poll(source).ok
    assert _stored(source).succeeded_at == NOW and not Item.objects.exists()


def test_html_instead_of_a_feed_is_an_error_on_that_source_only(tree, server):
    html = _source(tree, server, "/html")
    feed = _source(tree, server, "/atom.xml")
    results = source_poll.poll_due()
    assert {r.source_id: r.ok for r in results} == {html.pk: False, feed.pk: True}
    failed = _stored(html)
    assert "web page (HTML), not an RSS or Atom feed" in failed.error
    assert failed.error_at == failed.checked_at == NOW and failed.succeeded_at is None
    assert failed.failures == 1 and failed.item_count == 0
    assert failed.next_check_at == NOW + dt.timedelta(minutes=120)  # 60 × 2¹
    assert _stored(feed).item_count == 2 and _stored(feed).failures == 0


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/html-as-xml", "web page (HTML)"),
        ("/json", "did not answer with an RSS or Atom feed"),
        ("/nothing", "answered with nothing"),
        ("/gigabyte.xml", "larger than 2 MB: it was cut off and not read"),
        ("/chunked-gigabyte.xml", "larger than 2 MB"),
        ("/gzip-bomb.xml", "larger than 2 MB"),
        ("/loop", "More than 3 redirects"),
        ("/never", "did not answer within 0.5 seconds"),
        ("/missing", "error 404"),
        ("/to-file", "Only http and https"),
    ],
)
def test_every_bad_answer_is_a_clear_error_and_nothing_is_stored(tree, server, path, says):
    source = _source(tree, server, path)
    result = source_poll.poll(source)
    assert not result.ok and says in result.error
    stored = _stored(source)
    assert says in stored.error and stored.failures == 1 and stored.succeeded_at is None
    assert not Item.objects.exists()


def test_broken_xml_keeps_the_items_before_the_break_with_a_warning(tree, server):
    source = _source(tree, server, "/broken.xml")
    result = source_poll.poll(source)
    assert result.ok and result.created == 3  # the third one cut where the XML breaks
    stored = _stored(source)
    assert "XML is broken (line 1: not well-formed" in stored.error
    assert "3 item(s)" in stored.error
    assert stored.failures == 0 and stored.succeeded_at == NOW
    assert stored.next_check_at == NOW + dt.timedelta(minutes=60)  # no backoff


def test_windows_1258_declared_or_mislabelled_is_read_as_vietnamese(tree, server):
    declared = _source(tree, server, "/cp1258.xml")
    assert source_poll.poll(declared).created == 1
    assert Item.objects.get(source=declared).title == "Công nhân May Yên Khánh bị nợ lương"
    assert _stored(declared).error == ""
    mislabelled = Source.objects.create(
        unit=tree.district, name="Sai mã", kind="feed", address=server.at("/cp1258-as-utf8.xml")
    )
    assert source_poll.poll(mislabelled).created == 1
    item = Item.objects.get(source=mislabelled)
    assert item.title == "Công nhân May Yên Khánh bị nợ lương" and item.text.startswith("Hơn 300")
    assert "read as Windows-1258" in _stored(mislabelled).error


def test_utf8_served_as_latin1_is_still_read_right(tree, server):
    source = _source(tree, server, "/utf8-as-latin1.xml")
    source_poll.poll(source)
    assert Item.objects.get(source=source).title == "Công nhân May Yên Khánh bị nợ lương"


def test_an_item_of_megabytes_is_stored_cut(tree, server):
    source = _source(tree, server, "/huge-item.xml")
    assert source_poll.poll(source).created == 1
    item = Item.objects.get(source=source)
    assert item.truncated and len(item.text) <= MAX_CHARS


def test_a_web_page_gives_its_article(tree, server):
    source = _source(tree, server, "/article.html", kind="page")
    assert source_poll.poll(source).created == 1
    item = Item.objects.get(source=source)
    assert item.title == "Công nhân May Yên Khánh bị nợ lương ba tháng"
    assert item.author == "Trần Thị Bình" and item.address == source.address
    assert "nợ lương ba tháng" in item.text and "Trang chủ" not in item.text
    assert item.published_at is not None
    assert timezone.localdate(item.published_at) == dt.date(2026, 10, 30)
    # Checked again: the page's address is stored already, nothing new.
    assert source_poll.poll(_stored(source)).seen == 1


def test_a_page_without_an_article_is_an_error(tree, server):
    source = _source(tree, server, "/nav-only.html", kind="page")
    assert "No article text" in source_poll.poll(source).error


def test_the_backoff_doubles_up_to_a_day_and_a_success_clears_it(tree, server):
    source = _source(tree, server, "/missing", poll_minutes=30)
    waits = []
    for _ in range(4):
        source_poll.poll(_stored(source))
        waits.append(_stored(source).next_check_at - NOW)
    assert waits == [dt.timedelta(minutes=m) for m in (60, 120, 240, 480)]
    assert _stored(source).failures == 4
    assert source_poll.backoff(30, 12) == dt.timedelta(hours=24)
    assert source_poll.backoff(1440, 1) == dt.timedelta(hours=24)
    Source.objects.filter(pk=source.pk).update(address=server.at("/rss.xml"))
    source_poll.poll(_stored(source))
    stored = _stored(source)
    assert stored.failures == 0 and stored.error == "" and stored.succeeded_at == NOW
    assert stored.next_check_at == NOW + dt.timedelta(minutes=30)


def test_an_unexpected_failure_loses_nothing_and_stops_nothing(tree, server, monkeypatch):
    broken = _source(tree, server, "/rss.xml")
    fine = _source(tree, server, "/atom.xml")
    real_feed = source_parse.feed

    def feed(body: bytes, content_type: str = "") -> source_parse.Parsed:
        parsed = real_feed(body, content_type)
        if len(parsed.found) == 3:  # the RSS feed: its batch fails half-way
            raise RuntimeError("disk full")
        return parsed

    monkeypatch.setattr(source_parse, "feed", feed)
    source_poll.poll_due()
    failed = _stored(broken)
    assert "Unexpected error" in failed.error and failed.failures == 1
    assert failed.etag == ""  # the batch will be fetched again in full
    assert _stored(fine).item_count == 2 and not Item.objects.filter(source=broken).exists()


def test_only_due_active_fetched_sources_are_claimed_and_leased(tree, server):
    due = _source(tree, server, "/rss.xml")
    later = _source(tree, server, "/atom.xml", next_check_at=NOW + dt.timedelta(minutes=5))
    paused = _source(tree, server, "/empty.xml", active=False)
    Source.objects.create(unit=tree.province, name="Xuất", kind="export")
    Source.objects.create(unit=tree.province, name="Gửi tay", kind="manual")
    past = _source(tree, server, "/html", next_check_at=NOW - dt.timedelta(minutes=1))
    assert source_poll.claim_due() == [due.pk, past.pk]
    assert _stored(due).next_check_at == NOW + source_poll.LEASE
    assert source_poll.claim_due() == []  # leased: another worker does not take them
    assert _stored(later).checked_at is None and _stored(paused).checked_at is None


def test_the_worker_task_and_the_command(tree, server):
    feed = _source(tree, server, "/rss.xml")
    html = _source(tree, server, "/html")
    tasks.poll_sources.call_local()
    assert _stored(feed).item_count == 3 and _stored(html).failures == 1
    with pytest.raises(CommandError, match="web page"):
        call_command("monitor", "poll", "--source", str(html.pk))
    Source.objects.filter(pk=feed.pk).update(next_check_at=None)
    from io import StringIO

    out = StringIO()
    call_command("monitor", "poll", stdout=out)
    assert f"source {feed.pk}: not modified" in out.getvalue()
    assert "1 source(s) checked, 0 with an error" in out.getvalue()
