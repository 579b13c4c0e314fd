"""Workers' voice in a real browser: the garment union's officer fills in October's situation
report (the mood missing first: the error is next to it, nothing typed is lost), the provincial
officer reads the summary and the texts side by side, opens a case from the report, records a
step and finds it on the case's timeline."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.accounts.models import Role, User
from tuyengiao.reporting.services import datasets_ensure, elements_ensure
from tuyengiao.voice.models import Case, SituationNote

THOUGHTS = "Công nhân lo lắng vì lương tháng 9 chưa được trả đủ."


@pytest.fixture
def clock(tree):
    elements_ensure()
    datasets_ensure()
    User.objects.create_user(
        username="may",
        password="mat-khau-thu-nghiem-2026",
        role=Role.GRASSROOTS_OFFICER,
        scope_unit=tree.garment,
    )
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=True):
        yield


def test_situation_report_summary_and_a_case(page: Page, live_server, clock, province_officer):
    base = live_server.url
    login(page, base, "may")
    page.goto(f"{base}/reports/BC-THANG-TT/2026-10/YK-001/")
    for name, value in {
        "situation_workforce": "1200",
        "situation_members": "1100",
        "wage_arrears_workers": "350",
        "wage_arrears_amount": "2450",
    }.items():
        page.fill(f"input[name={name}]", value)
    page.fill("#id_thoughts", THOUGHTS)
    page.locator("form.report-form button[type=submit]").click()
    expect(page.locator(".situation-note .field.has-error")).to_be_visible()
    expect(page.locator("#id_thoughts")).to_have_value(THOUGHTS)
    assert SituationNote.objects.get().thoughts == THOUGHTS  # kept with the draft
    page.locator("input[name=mood][value=tense]").check()
    page.locator("form.report-form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    shot(page, "situation-report")

    page.context.clear_cookies()
    login(page, base, province_officer.username)
    page.goto(f"{base}/voice/situation/?unit=NB&period=2026-10")
    expect(page.locator(".note.mood-tense")).to_contain_text(THOUGHTS)
    expect(page.locator(".moods .mood-tense strong")).to_have_text("1")
    shot(page, "situation-summary")
    page.locator(".note.mood-tense").get_by_role("link", name="Mở vụ việc").click()
    page.wait_for_url("**/voice/cases/new/?report=*")
    expect(page.locator("#id_unit")).to_have_value("YK-001", timeout=15_000)
    page.select_option("#id_kind", "wages")
    page.fill("#id_title", "Công ty nợ lương tháng 9")
    page.fill("#id_workers_affected", "350")
    page.locator("form.case-form button[type=submit]").click()
    expect(page.locator(".timeline li")).to_have_count(1)
    case = Case.objects.get()
    assert case.source == "report" and case.report is not None
    page.select_option("#step select[name=kind]", "meeting")
    page.fill("#step textarea[name=text]", "Làm việc với giám đốc công ty về lộ trình trả lương.")
    page.locator("#step button[type=submit]").click()
    expect(page.locator(".timeline li")).to_have_count(2)
    expect(page.locator(".timeline")).to_contain_text("lộ trình trả lương")
    shot(page, "case-detail")
    page.goto(f"{base}/voice/cases/")
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "case-list")
