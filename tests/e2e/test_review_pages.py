"""Reviews in a real browser: the sector union writes its 2026 review with a date mistake shown
next to the field, saves it, drafts the documents (progress, then the downloads), submits it;
the province sees it in the overview of the units under it, and its leader approves it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import _user
from tests.e2e.conftest import login, shot
from tuyengiao.accounts.models import Role
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reviews.models import Review, ReviewStatus
from tuyengiao.web.reference import load_reference


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=True):
        yield


@pytest.fixture
def plan(clock, tree, upper_officer, province_officer, media):
    load_reference()
    _user("chutich", Role.LEADER, tree.province)
    spec = parse_plan(SEED_PLAN.read_text(encoding="utf-8"))
    return plan_load(None, spec=spec, unit=tree.province)[0]


def test_write_draft_submit_and_approve_a_review(page: Page, live_server, plan, tree):
    base = live_server.url
    login(page, base, "nganhgd")
    page.goto(f"{base}/reviews/")
    expect(page.locator("h1")).to_contain_text("Công đoàn ngành Giáo dục")
    page.get_by_role("link", name="Mở báo cáo").click()
    expect(page.locator("h1")).to_contain_text("Sơ kết năm 2026")
    page.fill("#id_number", "12/BC-CĐN")
    page.fill("#id_place", "Ninh Bình")
    page.fill("#id_issued_on", "31/02/2026")
    page.fill("#id_achievements", "Bám sát kế hoạch của Liên đoàn Lao động tỉnh.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    wrong = page.locator(".field.has-error")
    expect(wrong).to_have_count(1)
    expect(wrong.locator("input")).to_have_attribute("name", "issued_on")
    expect(page.locator("#id_achievements")).to_have_value(
        "Bám sát kế hoạch của Liên đoàn Lao động tỉnh."
    )
    shot(page, "review-error")
    page.fill("#id_issued_on", "05/12/2026")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo")

    page.get_by_role("button", name="Tạo văn bản báo cáo và phụ lục").click()
    expect(page.locator("ul.documents li").first).to_contain_text("Báo cáo (.docx)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (.docx)").first.click()
    assert download.value.suggested_filename == "yearly-2026-GD.docx"
    shot(page, "review")
    page.get_by_role("button", name="Trình duyệt").click()
    expect(page.locator(".messages")).to_contain_text("Đã trình duyệt")
    expect(page.locator("#id_achievements")).to_have_count(0)

    page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, "tinh")
    page.goto(f"{base}/reviews/?unit=NB&kind=yearly&year=2026")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Đã trình duyệt")
    expect(rows.nth(1)).to_contain_text("Chưa bắt đầu")
    shot(page, "review-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "review-overview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The commendation proposal: weights that add up to nothing are refused, then a ranking.
    page.get_by_role("link", name="Đề nghị khen thưởng").click()
    for name in ("targets", "reporting", "activities"):
        page.fill(f"#id_{name}", "0")
    page.get_by_role("button", name="Xếp hạng").click()
    expect(page.locator(".form-error")).to_have_text("Hãy cho ít nhất một tiêu chí một trọng số.")
    page.fill("#id_targets", "50")
    page.get_by_role("button", name="Xếp hạng").click()
    expect(page.locator("table.ranking tbody tr")).to_have_count(2)
    shot(page, "commendations")

    page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, "chutich")
    page.goto(f"{base}/reviews/GD/yearly/2026/")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt báo cáo")
    expect(page.locator("ul.documents li").first).to_contain_text("bản đã duyệt")
    shot(page, "review-approved")
    assert Review.objects.get().status == ReviewStatus.APPROVED
