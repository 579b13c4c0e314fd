"""Activities in a real browser: record one with a mistake, see the error next to the field, fix
it, attach a photo and see its thumbnail, find it in the list and on the calendar, and on a
phone."""

from __future__ import annotations

import datetime as dt

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.activities.conftest import describe
from tests.e2e.conftest import login, shot
from tuyengiao.activities.models import Activity
from tuyengiao.activities.services import activity_create
from tuyengiao.web.reference import load_reference


def _photo(path):
    image = Image.new("RGB", (1200, 800), (240, 240, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 150, 1100, 650), fill=(179, 38, 30))
    draw.ellipse((450, 250, 750, 550), fill=(255, 214, 0))
    image.save(path, format="JPEG")
    return path


def test_record_fix_attach_and_find_an_activity(
    page: Page, live_server, tree, upper_officer, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    load_reference()
    for day, title in (
        (3, "Hội thi tìm hiểu Luật Công đoàn"),
        (3, "Tập huấn kỹ năng tuyên truyền"),
        (18, "Giao lưu văn nghệ chào mừng 20/11"),
    ):
        activity_create(
            None,
            data=describe(
                tree.school_b,
                title=title,
                start_date=dt.date(2026, 11, day),
                end_date=dt.date(2026, 11, day),
            ),
        )
    login(page, live_server.url, "nganhgd")
    expect(page.locator(".usermenu")).to_contain_text("nganhgd")
    page.goto(f"{live_server.url}/activities/new/")
    page.fill("#id_title", "Tuyên truyền Bộ luật Lao động tại khu nhà trọ Khánh Phú")
    page.select_option("#id_kind", "legal")
    page.fill("#id_organiser", "GD-001")
    page.fill("#id_start_date", "12/11/2026")
    page.check("input[name=topics][value=labour_code]")
    page.check("input[name=topics][value=insurance]")
    page.select_option("#id_venue", "boarding_house")
    page.fill("#id_place", "Khu nhà trọ công nhân xã Khánh Phú")
    page.fill("#id_participants", "80")
    page.fill("#id_participants_members", "95")
    page.fill("#id_participants_women", "45")
    page.click("form.activity-form button[type=submit]")
    error = page.locator(".field.has-error", has=page.locator("#id_participants_members"))
    expect(error).to_contain_text("không được lớn hơn số người tham gia (80)")
    shot(page, "activity-form-error")
    page.fill("#id_participants_members", "62")
    page.click("form.activity-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận hoạt động")
    expect(page.locator("h1")).to_contain_text("Khánh Phú")

    page.set_input_files("#id_upload", _photo(tmp_path / "buoi-tuyen-truyen.jpg"))
    page.get_by_role("button", name="Thêm").click()
    expect(page.locator("ul.files img")).to_have_count(1)
    assert page.locator("ul.files img").evaluate("img => img.naturalWidth") == 320
    shot(page, "activity-detail")

    page.goto(f"{live_server.url}/activities/?q=nha tro")
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "activity-list")
    page.goto(f"{live_server.url}/activities/calendar/?year=2026&month=11")
    expect(page.locator("td:has(.daynum:text-is('3')) .cal-item")).to_have_count(2)
    expect(page.locator("td:has(.daynum:text-is('12')) .cal-item")).to_contain_text(
        "Tuyên truyền Bộ luật"
    )
    shot(page, "activity-calendar")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/activities/")
    expect(page.locator("tbody tr")).to_have_count(4)
    shot(page, "activity-list-phone")
    assert Activity.objects.count() == 4
