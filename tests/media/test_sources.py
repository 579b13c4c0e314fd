"""Configuring sources: created, changed, paused and resumed by those who may write the unit's
records, each mistake refused next to its field and nothing stored; the list and a source read
within the scope; outsiders refused (403) on every page and service."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import source_selectors as selectors
from tuyengiao.media import source_services as services
from tuyengiao.media.models import Item, Source

NOW = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
FEED = "https://laodong.vn/rss/cong-doan.rss"


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


def _data(**changes) -> services.SourceInput:
    values = {"name": "Báo Lao Động – Công đoàn", "kind": "feed", "address": FEED}
    return services.SourceInput(**(values | changes))


@pytest.fixture
def feed(tree, province_officer) -> Source:
    return services.source_create(province_officer, unit=tree.province, data=_data())


@pytest.fixture
def district_feed(tree, outsider) -> Source:
    return services.source_create(
        outsider,
        unit=tree.district,
        data=_data(name="Trang Yên Khánh", address="https://yenkhanh.example.vn/feed"),
    )


# --- services -----------------------------------------------------------------------------


def test_a_source_is_created_clean_and_audited(tree, province_officer):
    source = services.source_create(
        province_officer,
        unit=tree.province,
        data=_data(name="  Báo   Lao Động ", address=f"  {FEED} ", poll_minutes=30),
    )
    assert (source.name, source.address, source.poll_minutes) == ("Báo Lao Động", FEED, 30)
    assert source.active and source.next_check_at is None  # checked within a minute
    assert source.created_by == province_officer
    assert AuditEntry.objects.filter(action="source.create", object_id=str(source.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": " ", "address": ""}, {"name", "address"}),
        ({"kind": "page", "address": ""}, {"address"}),
        ({"address": "ftp://laodong.vn/rss"}, {"address"}),
        ({"address": "javascript:alert(1)"}, {"address"}),
        ({"address": "laodong.vn/rss"}, {"address"}),
        ({"poll_minutes": 4}, {"poll_minutes"}),
        ({"poll_minutes": 1441}, {"poll_minutes"}),
        ({"name": "x" * 201}, {"name"}),
        ({"kind": "mail"}, {"kind"}),
    ],
)
def test_mistakes_are_refused_field_by_field_and_nothing_is_stored(
    tree, province_officer, changes, fields
):
    with pytest.raises(ValidationError) as refused:
        services.source_create(province_officer, unit=tree.province, data=_data(**changes))
    assert set(refused.value.message_dict) == fields
    assert not Source.objects.exists()


def test_an_export_needs_no_address_and_one_address_is_watched_once_per_unit(
    tree, province_officer, feed
):
    export = services.source_create(
        province_officer,
        unit=tree.province,
        data=_data(name="Xuất Facebook", kind="export", address=""),
    )
    assert export.address == ""
    with pytest.raises(ValidationError) as refused:
        services.source_create(province_officer, unit=tree.province, data=_data(name="Lần hai"))
    assert "Báo Lao Động – Công đoàn" in refused.value.message_dict["address"][0]
    # Another unit may watch it too.
    services.source_create(province_officer, unit=tree.district, data=_data())


def test_who_may_configure_a_source(tree, province_officer, outsider, leader, grassroots_officer):
    for user in (outsider, leader, grassroots_officer):
        with pytest.raises(PermissionDenied):
            services.source_create(user, unit=tree.province, data=_data())
    assert not Source.objects.exists()
    # The district's officer, for the district: yes.
    services.source_create(outsider, unit=tree.district, data=_data())


def test_changing_the_address_forgets_what_the_worker_knew(tree, province_officer, feed):
    Source.objects.filter(pk=feed.pk).update(
        etag='"abc"', last_modified="x", failures=3, error="Hỏng", next_check_at=NOW
    )
    stored = services.source_update(
        province_officer,
        source=feed,
        data=_data(address="https://laodong.vn/rss/viec-lam.rss", poll_minutes=15),
        version=1,
    )
    assert stored.version == 2 and stored.poll_minutes == 15
    assert (stored.etag, stored.failures, stored.error, stored.next_check_at) == ("", 0, "", None)
    entry = AuditEntry.objects.get(action="source.update")
    assert entry.before["address"] == FEED and entry.after["address"].endswith("viec-lam.rss")


def test_the_kind_stays_and_a_stale_version_is_refused(tree, province_officer, feed):
    stored = services.source_update(
        province_officer, source=feed, data=_data(kind="export", name="Tên mới"), version=1
    )
    assert stored.kind == "feed" and stored.name == "Tên mới"
    with pytest.raises(ValidationError, match="Someone else changed"), translation.override("en"):
        services.source_update(province_officer, source=feed, data=_data(), version=1)


def test_paused_then_resumed(tree, province_officer, feed):
    Source.objects.filter(pk=feed.pk).update(failures=5, next_check_at=NOW + dt.timedelta(hours=9))
    paused = services.source_set_active(province_officer, source=feed, active=False, version=1)
    assert not paused.active
    resumed = services.source_set_active(province_officer, source=feed, active=True, version=2)
    assert resumed.active and resumed.failures == 0 and resumed.next_check_at is None
    assert AuditEntry.objects.filter(action__in=["source.pause", "source.resume"]).count() == 2


def test_checked_soon_whatever_the_backoff(tree, province_officer, outsider, feed):
    Source.objects.filter(pk=feed.pk).update(next_check_at=NOW + dt.timedelta(hours=9))
    assert services.source_check_soon(province_officer, source=feed).next_check_at == NOW
    with pytest.raises(PermissionDenied):
        services.source_check_soon(outsider, source=feed)


def test_the_list_is_scoped_searched_and_filtered(
    tree, province_officer, outsider, feed, district_feed
):
    def names(user, **filters):
        found = selectors.sources_for_user(user, selectors.SourceFilter(**filters))
        return [source.name for source in found]

    assert names(province_officer) == ["Báo Lao Động – Công đoàn", "Trang Yên Khánh"]
    assert names(outsider) == ["Trang Yên Khánh"]
    assert names(province_officer, query="yenkhanh") == ["Trang Yên Khánh"]
    assert names(province_officer, query="lao dong cong") == ["Báo Lao Động – Công đoàn"]
    Source.objects.filter(pk=feed.pk).update(failures=2)
    assert names(province_officer, state="failing") == ["Báo Lao Động – Công đoàn"]
    assert names(province_officer, state="ok") == ["Trang Yên Khánh"]
    assert names(province_officer, kind="export") == []


# --- pages --------------------------------------------------------------------------------


def test_the_list_shows_each_source_state(tree, province_officer, feed):
    Source.objects.filter(pk=feed.pk).update(
        succeeded_at=NOW - dt.timedelta(hours=2),
        error="Máy chủ không trả lời trong 15 giây.",
        error_at=NOW,
        failures=1,
        item_count=1234,
        next_check_at=NOW + dt.timedelta(hours=2),
    )
    page = client_for(province_officer).get(reverse("media:sources"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Báo Lao Động – Công đoàn" in html and "Máy chủ không trả lời trong 15 giây." in html
    assert "1.234" in html and 'data-state="failing"' in html
    assert "03/11/2026 07:00" in html and "03/11/2026 11:00" in html  # local time, +07:00


def test_a_source_is_added_through_its_form(tree, province_officer):
    client = client_for(province_officer)
    assert client.get(reverse("media:source_new")).status_code == 200
    refused = client.post(
        reverse("media:source_new"),
        {"unit": "NB", "name": "Trang tin", "kind": "page", "address": "", "poll_minutes": 60},
    )
    assert refused.status_code == 400 and not Source.objects.exists()
    assert refused.context["form"].errors["address"]
    done = client.post(
        reverse("media:source_new"),
        {
            "unit": "NB",
            "name": "Trang tin",
            "kind": "page",
            "address": "https://ninhbinh.example.vn/tin/1.html",
            "poll_minutes": 60,
            "active": "on",
        },
    )
    source = Source.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("media:source", args=[source.pk])
    detail = client.get(done["Location"])
    assert detail.status_code == 200 and "ninhbinh.example.vn" in detail.content.decode()


def test_editing_pausing_and_checking_through_the_pages(tree, province_officer, feed):
    client = client_for(province_officer)
    response = client.post(
        reverse("media:source_edit", args=[feed.pk]),
        {"name": "Đổi tên", "address": FEED, "poll_minutes": 120, "active": "on", "version": 1},
    )
    assert response.status_code == 302
    assert Source.objects.get(pk=feed.pk).name == "Đổi tên"
    client.post(reverse("media:source_active", args=[feed.pk]), {"active": "0", "version": 2})
    assert not Source.objects.get(pk=feed.pk).active
    client.post(reverse("media:source_active", args=[feed.pk]), {"active": "1", "version": 3})
    Source.objects.filter(pk=feed.pk).update(next_check_at=NOW + dt.timedelta(hours=3))
    client.post(reverse("media:source_check", args=[feed.pk]))
    assert Source.objects.get(pk=feed.pk).next_check_at == NOW


def test_outsiders_are_refused_on_every_page(tree, outsider, leader, feed, district_feed):
    client = client_for(outsider)
    assert client.get(reverse("media:source", args=[feed.pk])).status_code == 403
    assert client.get(reverse("media:source_edit", args=[feed.pk])).status_code == 403
    for name in ("media:source_active", "media:source_check", "media:source_edit"):
        assert client.post(reverse(name, args=[feed.pk]), {"version": 1}).status_code == 403
    assert client.get(reverse("media:source_import", args=[feed.pk])).status_code == 403
    assert client.get(reverse("media:source", args=[999_999])).status_code == 404
    assert "Báo Lao Động" not in client.get(reverse("media:sources")).content.decode()
    refused = client.post(
        reverse("media:source_new"),
        {"unit": "NB", "name": "X", "kind": "feed", "address": FEED, "poll_minutes": 60},
    )
    assert refused.status_code == 403
    # A leader reads, but changes nothing.
    reader = client_for(leader)
    assert reader.get(reverse("media:source", args=[feed.pk])).status_code == 200
    assert reader.get(reverse("media:source_new")).status_code == 403
    assert reader.get(reverse("media:source_edit", args=[feed.pk])).status_code == 403
    assert Source.objects.get(pk=feed.pk).version == 1


def test_the_source_page_lists_its_latest_items(tree, province_officer, feed):
    from tuyengiao.media.pipeline import Found, ingest

    ingest(feed, [Found("Công nhân phản ánh bị nợ lương ba tháng.", address="https://a.vn/1")])
    html = client_for(province_officer).get(reverse("media:source", args=[feed.pk])).content
    item = Item.objects.get()
    assert f'id="item-{item.pk}"' in html.decode() and "https://a.vn/1" in html.decode()
