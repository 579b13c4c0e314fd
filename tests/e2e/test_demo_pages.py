"""The demo as a visitor sees it after `make run`: screenshots used by the README."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.web.demo import DEMO_PASSWORD


def test_demo_province_officer_sees_the_merged_province(page: Page, live_server, transactional_db):
    call_command("load_demo", verbosity=0)
    login(page, live_server.url, "demo-province", DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Công đoàn xã Vụ Bản")).to_be_visible()
    expect(page.locator(".demo-banner")).to_contain_text("Dữ liệu mẫu")
    path = shot(page, "demo-tree")
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):  # `make screenshots` refreshes the README's
        Path("docs/screenshots/tree.png").write_bytes(path.read_bytes())
    page.goto(f"{live_server.url}/orgs/?date=01/01/2024")
    expect(page.get_by_role("link", name="Liên đoàn Lao động huyện Yên Khánh")).to_be_visible()
    shot(page, "demo-tree-2024")
    page.goto(f"{live_server.url}/orgs/u/HNA/")
    expect(page.locator("body")).to_contain_text("Liên đoàn Lao động tỉnh Ninh Bình")
    shot(page, "demo-merged-province")
    page.goto(f"{live_server.url}/dashboard/?year=2025")
    expect(page.locator("table").first).to_contain_text("T2.1b")
    path = shot(page, "demo-dashboard")
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        Path("docs/screenshots/dashboard.png").write_bytes(path.read_bytes())
