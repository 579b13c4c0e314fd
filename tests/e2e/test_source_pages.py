"""Sources in a real browser: the provincial officer adds a feed pointing at the local fixture
server (a missing address refused next to the field first), the worker's task checks it, and
the source shows its items and last success; a page served where a feed should be shows its
error on the list; an export is uploaded, previewed and imported; a collaborator submits a
post from a phone, then the same link again and is pointed at the stored item."""

from __future__ import annotations

import io

import pytest
import time_machine
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import _user
from tests.e2e.conftest import login, shot
from tests.media import sources_server
from tests.media.sources_server import WAGES
from tuyengiao.accounts.models import Role
from tuyengiao.media import tasks
from tuyengiao.media.models import Item, Source

LINK = "https://www.facebook.com/groups/congnhanninhbinh/posts/778899"
CSV = (
    "Page Name,Post Created,Message,URL\n"
    f'Nhóm Công nhân Ninh Bình,30/10/2026 08:15,"{WAGES}",https://facebook.com/groups/cn/posts/1\n'
    'Hội Công nhân KCN,30/10/2026 09:00,"Chậm đóng bảo hiểm xã hội sáu tháng.",'
    "https://facebook.com/groups/kcn/posts/2\n"
    "Nhóm trống,30/10/2026,,https://facebook.com/groups/x/posts/3\n"
)


@pytest.fixture
def clock():
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=True):
        yield


@pytest.fixture
def server(settings):
    yield from sources_server.running(settings)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (390, 700), (235, 240, 250)).save(out, "PNG")
    return out.getvalue()


def test_a_feed_is_added_checked_and_shows_its_items(
    page: Page, live_server, clock, server, tree, province_officer
):
    base = live_server.url
    login(page, base, "tinh")
    page.goto(f"{base}/media/sources/")
    page.locator("#add-source").click()
    expect(page.locator("#id_unit")).to_have_value("NB")
    page.fill("#id_name", "Báo Lao Động Ninh Bình")
    page.locator("form.source-form button[type=submit]").click()
    expect(page.locator(".field.has-error #id_address")).to_be_visible()  # a feed needs one
    assert not Source.objects.exists()
    shot(page, "source-form-error")
    page.fill("#id_address", server.at("/rss.xml"))
    page.fill("#id_poll_minutes", "30")
    page.locator("form.source-form button[type=submit]").click()
    expect(page.locator("#source-facts")).to_be_visible()
    source = Source.objects.get()
    expect(page.locator("#item-count")).to_have_text("0")

    tasks.poll_sources.call_local()  # the worker's minute
    page.reload()
    expect(page.locator("#item-count")).to_have_text("3")
    expect(page.locator("#last-success")).to_contain_text("03/11/2026")
    expect(page.locator("h1 .tag")).to_have_attribute("data-state", "ok")
    expect(page.locator(".recent-items li")).to_have_count(3)
    shot(page, "source-detail")

    Source.objects.create(
        unit=tree.province,
        name="Trang chủ (không phải RSS)",
        kind="feed",
        address=server.at("/html"),
    )
    tasks.poll_sources.call_local()
    page.goto(f"{base}/media/sources/")
    expect(page.locator(f"#source-{source.pk} .item-count")).to_have_text("3")
    failing = page.locator("tr", has=page.locator("[data-state=failing]"))
    expect(failing.locator(".source-error")).to_contain_text("HTML")
    shot(page, "sources-list")


def test_an_export_is_previewed_then_imported(
    page: Page, live_server, clock, tree, province_officer, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    export = Source.objects.create(unit=tree.province, name="Xuất từ Facebook", kind="export")
    base = live_server.url
    login(page, base, "tinh")
    page.goto(f"{base}/media/sources/{export.pk}/")
    page.locator("#import-file").click()
    page.set_input_files(
        "#id_file", {"name": "facebook.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    shot(page, "source-import")
    page.locator("form.import-form button[type=submit]").click()
    expect(page.locator("[data-count=new]")).to_have_text("2")
    expect(page.locator("[data-count=empty]")).to_have_text("1")
    expect(page.locator("#id_text")).to_have_value("Message")
    shot(page, "source-import-preview")
    page.locator("#commit-import").click()
    expect(page.locator("#item-count")).to_have_text("2")
    assert Item.objects.filter(source=export).count() == 2


def test_a_collaborator_submits_from_a_phone(page: Page, live_server, clock, tree, media):
    _user("ctv", Role.COLLABORATOR, tree.district)
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    login(page, base, "ctv")
    page.goto(f"{base}/media/submit/")
    page.fill("#id_link", LINK)
    page.locator("#send-post").click()
    expect(page.locator(".field.has-error #id_text")).to_be_visible()  # the text is required
    page.fill("#id_text", WAGES)
    page.set_input_files(
        "#id_screenshot", {"name": "chup.png", "mimeType": "image/png", "buffer": _png()}
    )
    shot(page, "submit-phone")
    box = page.locator("#send-post").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.locator("#send-post").click()
    expect(page.locator(".messages .msg-success")).to_be_visible()
    item = Item.objects.get()
    assert item.unit == tree.district and item.screenshot and item.address == LINK
    shot(page, "submit-done-phone")

    page.fill("#id_link", LINK + "?fbclid=IwAR0x")
    page.fill("#id_text", "Chia sẻ lại bài này")
    page.locator("#send-post").click()
    expect(page.locator("#existing-item")).to_be_visible()
    expect(page.locator(".field.has-error #id_link")).to_be_visible()
    assert Item.objects.count() == 1
    shot(page, "submit-duplicate-phone")
