"""Dashboards in a real browser: a province's indicators, the switch between the tree of then
and today's after a merger, the breakdown by units under it, the raw values behind a figure."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import _unit
from tests.e2e.conftest import login, shot
from tuyengiao.orgs.models import UnitKind
from tuyengiao.orgs.services import unit_merge
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.models import DataElement
from tuyengiao.reporting.services import elements_ensure, value_set, year_period

# (members briefed, members, key officials briefed, key officials) per school and year
FIGURES = {
    "GD-001": [(80, 100, 9, 10), (88, 100, 10, 10), (91, 100, 10, 10), (93, 100, 10, 10)],
    "GD-002": [(30, 60, 4, 6), (42, 60, 5, 6), (50, 60, 6, 6), (52, 60, 6, 6)],
    "YK-001": [(600, 1200, 8, 12), (700, 1200, 9, 12), (900, 1250, 11, 12), (1000, 1250, 12, 12)],
    "YK-002": [(50, 90, 2, 3), (60, 90, 3, 3), (70, 95, 3, 3), (75, 95, 3, 3)],
}


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0), tick=True):
        yield


@pytest.fixture
def data(clock, tree, province_officer, grassroots_officer):
    plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
    elements_ensure()
    e = {x.code: x for x in DataElement.objects.all()}
    units = {u.code: u for u in [tree.school_a, tree.school_b, tree.garment]}
    units["YK-002"] = _unit(
        "YK-002", "CĐCS Công ty Giày Yên Khánh", UnitKind.GRASSROOTS, tree.district
    )
    for code, years in FIGURES.items():
        actor = grassroots_officer if code == "GD-001" else province_officer
        for year, (briefed, members, kb, k) in zip(range(2023, 2027), years, strict=True):
            for element, value in [
                ("members_briefed", briefed),
                ("members", members),
                ("key_officials_briefed", kb),
                ("key_officials", k),
            ]:
                value_set(
                    actor,
                    element=e[element],
                    unit=units[code],
                    period=year_period(year),
                    value=value,
                )
    for year in (2023, 2024, 2025):
        value_set(
            province_officer,
            element=e["propaganda_trainings_provincial"],
            unit=tree.province,
            period=year_period(year),
            value=1,
        )
    # The education union is merged into the Yên Khánh district union on 01/07/2025.
    unit_merge(
        None,
        sources=[tree.education],
        target=tree.district,
        effective_date=dt.date(2025, 7, 1),
        reason="Sắp xếp tổ chức",
    )
    return tree


def test_dashboard_switch_children_and_drill_down(page: Page, live_server, data):
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("h1")).to_contain_text("Liên đoàn Lao động tỉnh Ninh Bình")
    row = page.locator("tr", has_text="T2.1b")
    expect(row).to_contain_text("Có nguy cơ không đạt")  # the status in words, not a colour
    expect(row.locator("svg.trend")).to_have_count(1)
    shot(page, "dashboard-province")

    page.get_by_role("link", name="Đơn vị trực thuộc", exact=True).click()
    expect(page.locator("table.dash tbody tr")).to_have_count(1)  # only YK is left today
    expect(page.locator("table.dash")).to_contain_text("Liên đoàn Lao động huyện Yên Khánh")
    shot(page, "dashboard-children-province")

    page.get_by_role("link", name="Liên đoàn Lao động huyện Yên Khánh").click()
    page.locator("select[name=year]").select_option("2024")
    page.get_by_role("button", name="Xem").click()
    then = page.locator("tr", has_text="T2.1b")
    # 2024 as it was then: only the two enterprises of Yên Khánh (760 of 1,290).
    expect(then).to_contain_text("58,9\u00a0%")
    shot(page, "dashboard-district-historical")

    page.get_by_role("link", name="Theo tổ chức hiện nay").click()
    today = page.locator("tr", has_text="T2.1b")
    # Today's tree: the schools merged in 2025 count for 2024 too (890 of 1,450).
    expect(today).to_contain_text("61,4\u00a0%")
    expect(page.locator(".dash-explain")).to_contain_text("tổ chức công đoàn hiện nay")
    shot(page, "dashboard-district-current")

    page.locator("tr", has_text="T2.1b").get_by_role("link", name="theo đơn vị trực thuộc").click()
    rows = page.locator("table.dash tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("YK-001")  # worst first: 58,3 % (700 of 1,200)
    shot(page, "dashboard-children-district-current")

    page.locator("tr", has_text="YK-001").get_by_role("link", name="58,3\u00a0%").click()
    expect(page.locator("[data-sum=numerator]")).to_have_text("700")
    expect(page.locator("[data-sum=denominator]")).to_have_text("1.200")
    expect(page.locator("table.dash")).to_contain_text("tinh")
    shot(page, "dashboard-values")
