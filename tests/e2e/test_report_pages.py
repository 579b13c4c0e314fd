"""A grassroots officer fills in a report in the browser; the upper level approves it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.reporting.models import DataValue, Report
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

URL = "/reports/BC-NAM-CS/2025/GD-001/"


def test_fill_in_autosave_error_submit_and_approve(
    page: Page, live_server, tree, grassroots_officer, upper_officer
):
    elements_ensure()
    datasets_ensure()
    login(page, live_server.url, "cdcs")
    page.goto(live_server.url + URL)
    expect(page.locator("h1")).to_contain_text("Báo cáo năm công tác tuyên giáo")
    total = page.locator("#f-members")
    total.fill("1.200")
    page.locator("#f-members-female").fill("700")
    page.locator("#f-members_briefed").fill("1300")
    # The draft is saved as typed and the rule is checked next to the field.
    expect(page.locator("#save-status")).to_contain_text(re.compile("lưu|saved"))
    expect(page.locator("#check-members_briefed")).not_to_be_empty()
    assert Report.objects.get().draft["members"] == "1.200"
    shot(page, "report-draft-error")
    page.locator("#f-members_briefed").fill("1100")
    expect(page.locator("#check-members_briefed")).to_be_empty()  # the autosave answered
    page.get_by_role("button", name=re.compile("Gửi|Submit")).click()
    expect(page.locator(".messages")).to_be_visible()
    assert DataValue.objects.get(element__code="members", category="").value == 1200
    shot(page, "report-submitted")

    page.context.clear_cookies()
    login(page, live_server.url, "nganhgd")
    page.goto(live_server.url + URL)
    page.get_by_role("button", name=re.compile("Duyệt|Approve")).click()
    expect(page.locator(".tag.status-approved")).to_be_visible()
    expect(page.locator("#f-members")).to_have_attribute("readonly", "")
    shot(page, "report-approved")


def test_phone_width_form_is_usable(page: Page, live_server, tree, grassroots_officer):
    elements_ensure()
    datasets_ensure()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "cdcs")
    page.goto(live_server.url + URL)
    box = page.locator("#f-members").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    shot(page, "report-phone")
