"""The seed plan in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan


def test_plan_page_shows_targets_by_year(page: Page, live_server, tree, grassroots_officer):
    plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
    login(page, live_server.url, "cdcs")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Kế hoạch nâng cao hiệu quả").click()
    row = page.locator("tr", has_text="T2.1b")
    expect(row).to_contain_text("90\u00a0%")
    expect(page.locator("dl.facts")).to_contain_text("2023–2028")
    expect(page.locator("tr", has_text="T2.2")).to_contain_text("5")
    expect(page.locator("ol.tasks")).to_contain_text("Tháng Công nhân")
    shot(page, "plan-detail")
