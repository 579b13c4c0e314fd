"""Campaigns and plan progress in a real browser: the province starts its Workers' Month, makes
a mistake in a new campaign and sees the error next to the field, fixes it; opens the Workers'
Month's dashboard (worst units first, the unions with nothing yet), a sector's part of it; and
the progress of the plan by task, with the units under it for one task and year."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.activities.conftest import describe
from tests.e2e.conftest import login, shot
from tuyengiao.activities.models import ActivityKind, Campaign, EventKind, EventLevel, Topic
from tuyengiao.activities.services import activity_create
from tuyengiao.plans.models import PlanTask
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.web.reference import load_reference


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=True):
        yield


@pytest.fixture
def plan(clock, tree, province_officer):
    load_reference()
    return plan_load(
        None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province
    )[0]


def _record(unit, day, **changes):
    changes.setdefault("end_date", day)
    return activity_create(None, data=describe(unit, start_date=day, **changes))


def _fill_month(campaign, tree, plan):
    """Four activities in the Workers' Month, under the plan's tasks; school B does nothing."""
    task = {t.code: t for t in PlanTask.objects.filter(plan=plan)}
    osh = Topic.objects.get(code="osh")
    may = dt.date(2026, 5, 10)
    _record(tree.school_a, may, campaign=campaign, task=task["TASK-5"], topics=[osh])
    _record(
        tree.school_a,
        may + dt.timedelta(days=5),
        campaign=campaign,
        task=task["TASK-6"],
        title="Giải cầu lông công nhân lao động",
        kind=ActivityKind.SPORTS,
        event_kind=EventKind.BADMINTON,
        event_level=EventLevel.LOCAL,
        participants=64,
        participants_members=60,
        participants_women=30,
    )
    _record(
        tree.garment,
        may + dt.timedelta(days=2),
        campaign=campaign,
        task=task["TASK-3"],
        kind=ActivityKind.LEGAL,
        title="Tư vấn pháp luật cho công nhân may",
        participants=1250,
        participants_members=1100,
        participants_women=980,
    )
    _record(tree.education, may + dt.timedelta(days=8), campaign=campaign, task=task["TASK-1"])
    _record(tree.school_b, dt.date(2025, 9, 5), task=task["TASK-1"], participants_members=90)


def test_campaigns_and_progress(page: Page, live_server, plan, tree):
    base = live_server.url
    login(page, base, "tinh")

    # This year's Workers' Month, from the button.
    page.goto(f"{base}/activities/campaigns/")
    expect(page.locator("h1")).to_have_text("Đợt cao điểm")
    page.get_by_role("button", name="Tạo Tháng Công nhân 2026").click()
    expect(page.locator(".messages")).to_contain_text("Tháng Công nhân")
    month = Campaign.objects.get(code="TCN-NB-2026")
    _fill_month(month, tree, plan)

    # A new campaign with a mistake: it ends before it starts.
    page.goto(f"{base}/activities/campaigns/")
    form = page.locator("form.campaign-form")
    form.locator("#id_code").fill("ATVSLD-NB-2026")
    form.locator("#id_name").fill("Tuyên truyền an toàn, vệ sinh lao động tại doanh nghiệp")
    form.locator("#id_kind").select_option("other")
    expect(form.locator("#id_unit")).to_have_value("NB")
    form.locator("#id_start_date").fill("01/06/2026")
    form.locator("#id_end_date").fill("31/05/2026")
    form.locator("#id_description").fill("Hưởng ứng Tháng hành động về an toàn, vệ sinh lao động")
    form.locator("button[type=submit]").click()
    wrong = page.locator("form.campaign-form .field.has-error")
    expect(wrong).to_have_count(1)
    expect(wrong.locator("input")).to_have_attribute("name", "end_date")
    expect(wrong.locator(".error")).to_have_text("Ngày kết thúc không được trước ngày bắt đầu.")
    # What was typed is kept.
    expect(page.locator("#id_code")).to_have_value("ATVSLD-NB-2026")
    shot(page, "campaign-create-error")

    page.locator("#id_end_date").fill("30/06/2026")
    page.locator("form.campaign-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Tuyên truyền an toàn, vệ sinh lao động")
    expect(page.locator(".messages")).to_contain_text("đã được tạo")
    expect(page.locator("#idle tbody tr")).to_have_count(3)
    shot(page, "campaign-created")

    # Changed: a date mistake shown next to its field, then saved; then deleted (no activity).
    page.get_by_role("link", name="Sửa đợt cao điểm").click()
    expect(page.locator("h1")).to_contain_text("Sửa đợt cao điểm")
    expect(page.locator("#id_start_date")).to_have_value("01/06/2026")
    page.locator("#id_end_date").fill("15/05/2026")
    page.locator("form.campaign-form button[type=submit]").click()
    wrong = page.locator("form.campaign-form .field.has-error")
    expect(wrong.locator(".error")).to_have_text("Ngày kết thúc không được trước ngày bắt đầu.")
    shot(page, "campaign-edit-error")
    page.locator("#id_end_date").fill("15/07/2026")
    page.locator("form.campaign-form button[type=submit]").click()
    expect(page.locator("dl.facts")).to_contain_text("01/06/2026 – 15/07/2026")
    page.get_by_role("link", name="Sửa đợt cao điểm").click()
    page.get_by_role("button", name="Xóa đợt cao điểm").click()
    expect(page.locator(".messages")).to_contain_text("Đã xóa đợt cao điểm")
    expect(page.locator("table")).not_to_contain_text("ATVSLD-NB-2026")

    # The Workers' Month's dashboard: the district first (fewer activities).
    page.goto(f"{base}/activities/campaigns/")
    page.get_by_role("link", name="TCN-NB-2026").click()
    expect(page.locator("h1")).to_contain_text("Tháng Công nhân")
    expect(page.locator("ul.totals")).to_contain_text("1.554")
    units = page.locator("table.campaign-units tbody tr")
    expect(units.first).to_contain_text("Liên đoàn Lao động huyện Yên Khánh")
    expect(units.nth(1)).to_contain_text("Công đoàn ngành Giáo dục")
    idle = page.locator("#idle tbody tr")
    expect(idle).to_have_count(1)
    expect(idle.first).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    shot(page, "campaign-dashboard")

    # The education union's part: school B has nothing and stands out.
    units.nth(1).get_by_role("link").first.click()
    expect(page.locator("dl.facts")).to_contain_text("Công đoàn ngành Giáo dục")
    first = page.locator("table.campaign-units tbody tr").first
    expect(first).to_have_class("nothing")
    expect(first).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    shot(page, "campaign-dashboard-sector")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "campaign-dashboard-sector-phone")
    page.goto(f"{base}/activities/campaigns/")
    shot(page, "campaign-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Plan progress by task, then the units under the province for TASK-1 in 2025.
    page.goto(f"{base}/activities/progress/")
    expect(page.locator("h1")).to_contain_text("Liên đoàn Lao động tỉnh Ninh Bình")
    rows = page.locator("table.progress tbody tr")
    expect(rows.first).to_contain_text("TASK-1")
    expect(rows.nth(4)).to_contain_text("TASK-5")
    shot(page, "progress")
    page.get_by_role("link", name="2025").click()
    units = page.locator("#units table tbody tr")
    expect(units).to_have_count(2)
    expect(units.first).to_have_class("nothing")
    expect(units.nth(1)).to_contain_text("Công đoàn ngành Giáo dục")
    link = units.nth(1).locator("td.num a")
    expect(link).to_have_attribute("href", "/activities/?unit=GD&task=TASK-1&year=2025")
    shot(page, "progress-units")
    page.get_by_role("link", name="TASK-3", exact=True).click()
    expect(page.locator("#units h2")).to_contain_text("TASK-3 năm 2025")
    # Nobody worked on TASK-3 in 2025: every unit stands out.
    expect(page.locator("#units tbody tr.nothing")).to_have_count(2)
