"""Who has reported, in a real browser: the province's counts and the units under it worst
first, opening a sector, ticking a unit that has not reported, reminding it, and reading the
reminder in the outbox (the embedded mode keeps messages instead of sending them)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.core.models import OutboxMessage
from tuyengiao.orgs.people_services import person_create
from tuyengiao.reporting.models import DataSet
from tuyengiao.reporting.report_services import report_values_submit
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

FIGURES = {"members": "120", "members:female": "70", "members_briefed": "100"}


def test_completeness_remind_and_outbox(page: Page, live_server, tree, province_officer, settings):
    settings.EMAIL_BACKEND = "tuyengiao.core.mail.OutboxBackend"
    settings.SITE_URL = live_server.url
    elements_ensure()
    datasets_ensure()
    dataset = DataSet.objects.get(code="BC-NAM-CS")
    on_time = dt.datetime(2026, 1, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(on_time, tick=False):
        report_values_submit(
            province_officer,
            dataset=dataset,
            unit=tree.school_a,
            period_code="2025",
            values=FIGURES,
        )
    person_create(
        None, full_name="Trần Văn Bình", sex="male", unit=tree.school_b, email="binh@truong.vn"
    )

    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/reports/status/?form=BC-NAM-CS&period=2025")
    expect(page.locator("h1")).to_contain_text("Liên đoàn Lao động tỉnh Ninh Bình")
    expect(page.locator("dl.facts")).to_contain_text("15/01/2026")
    breakdown = page.locator("section.card table tbody tr")
    expect(breakdown.first).to_contain_text("Liên đoàn Lao động huyện Yên Khánh")
    expect(breakdown.nth(1)).to_contain_text("Công đoàn ngành Giáo dục")
    shot(page, "status-province")

    breakdown.nth(1).get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Công đoàn ngành Giáo dục")
    units = page.locator("form[method=post] table tbody tr")
    expect(units).to_have_count(2)
    # The unit that has reported has no box to tick; the other one has.
    expect(units.nth(0).locator("input[type=checkbox]")).to_have_count(0)
    page.locator("#remind-GD-002").check()
    shot(page, "status-sector")

    page.locator("form[method=post] .actions button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    expect(page.locator("h1")).to_contain_text("Công đoàn ngành Giáo dục")
    shot(page, "status-reminded")
    assert OutboxMessage.objects.get().to == "binh@truong.vn"

    page.goto(f"{live_server.url}/outbox/")
    row = page.locator("tbody tr", has_text="binh@truong.vn")
    expect(row).to_have_count(1)
    row.locator("summary").click()
    expect(row.locator("details p")).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    expect(row.locator("details p a")).to_have_attribute(
        "href", f"{live_server.url}/reports/BC-NAM-CS/2025/GD-002/"
    )
    shot(page, "outbox")
