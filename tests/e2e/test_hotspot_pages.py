"""Early warning in a real browser: the provincial officer reads the hotspot list (the garment
company first, its reasons spelled out, the province's units side by side), sets stricter
thresholds (a bad number is refused next to its field, nothing saved) and sees the list follow."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import client_for
from tests.e2e.conftest import login, shot
from tests.voice.conftest import open_case, submit_situation
from tuyengiao.reporting.services import datasets_ensure, elements_ensure
from tuyengiao.voice.models import WarningThresholds


@pytest.fixture
def signals(tree, admin_user):
    elements_ensure()
    datasets_ensure()
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=True):
        client = client_for(admin_user)
        submit_situation(client, "YK-001", "2026-09", "concerned", wage_arrears_workers=40)
        submit_situation(client, "YK-001", "2026-10", "tense", wage_arrears_workers=300)
        submit_situation(client, "GD-001", "2026-10", insurance_arrears_workers=12)
        open_case(tree.garment)
        yield


def test_hotspots_and_their_thresholds(page: Page, live_server, signals, province_officer):
    base = live_server.url
    login(page, base, province_officer.username)
    page.goto(f"{base}/voice/")
    page.locator(".subnav").get_by_text("Cảnh báo sớm").click()
    rows = page.locator("table.hotspots tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("CĐCS Công ty May Yên Khánh")
    expect(rows.first).to_contain_text("Nợ lương: từ 40 lên 300 người lao động")
    expect(rows.first.locator(".score")).to_have_text("5")
    expect(page.locator("table.hotspot-groups tbody tr")).to_have_count(2)
    expect(page.locator("details.explain")).to_contain_text("Ít nhất 10 người lao động bị nợ lương")
    shot(page, "hotspots")

    page.get_by_role("link", name="Đặt ngưỡng cảnh báo").click()
    page.fill("#id_arrears_workers", "0")
    page.get_by_role("button", name="Lưu").click()
    field = page.locator(".field.has-error")
    expect(field).to_contain_text("Giá trị phải từ 1 trở lên.")
    expect(page.locator("#id_arrears_workers")).to_have_value("0")
    assert not WarningThresholds.objects.exists()
    shot(page, "hotspot-thresholds")
    page.fill("#id_arrears_workers", "20")
    page.fill("#id_arrears_rise", "20")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu ngưỡng cảnh báo")
    expect(rows).to_have_count(1)
    expect(page.locator(".lead")).to_contain_text("Ngưỡng do Liên đoàn Lao động tỉnh Ninh Bình đặt")
