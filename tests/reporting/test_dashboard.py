"""Dashboards: figures equal raw sums at every level, historical and current structures after a
merger, the child breakdown worst first, the drill-down adding up to the figure, scope, the
.xlsx exports, and a fixed number of queries whatever the size of the tree."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import _unit, client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.xlsx import safe_text
from tuyengiao.orgs.models import UnitKind
from tuyengiao.orgs.services import unit_merge
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting import dashboard
from tuyengiao.reporting.charts import trend_svg
from tuyengiao.reporting.models import DataElement, DataValue, Structure
from tuyengiao.reporting.services import elements_ensure, value_set, year_period

NOW = "2026-11-25 10:00"
HIST, CUR = Structure.HISTORICAL, Structure.CURRENT


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def seeded(tree):
    plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
    elements_ensure()
    return {e.code: e for e in DataElement.objects.all()}


def _enter(elements, unit, year, actor=None, **values):
    for code, value in values.items():
        value_set(actor, element=elements[code], unit=unit, period=year_period(year), value=value)


def _rows(board):
    return {row.figure.indicator.code: row for row in board.rows}


# --- figures ---------------------------------------------------------------------------------


def test_figures_equal_raw_sums_at_every_level(tree, seeded, admin_user):
    _enter(seeded, tree.school_a, 2024, members_briefed=9, members=10)
    _enter(seeded, tree.school_b, 2024, members_briefed=10, members=100)
    _enter(seeded, tree.garment, 2024, members_briefed=500, members=600)
    expected = {"GD-001": (9, 10), "GD": (19, 110), "YK": (500, 600), "NB": (519, 710)}
    for code, (num, den) in expected.items():
        figure = _rows(dashboard.dashboard_for_user(admin_user, code, 2024, HIST))["T2.1b"].figure
        raw = DataValue.objects.filter(
            unit__closure_up__ancestor__code=code,
            unit__closure_up__valid_to__gt=dt.date(2024, 12, 31),
            unit__closure_up__valid_from__lte=dt.date(2024, 12, 31),
            period__code="2024",
        )
        assert (figure.numerator, figure.denominator) == (num, den)
        assert num == sum(
            raw.filter(element__code="members_briefed").values_list("value", flat=True)
        )
        assert figure.value == (Decimal(100) * num / den).quantize(Decimal("0.1"))
    gd = _rows(dashboard.dashboard_for_user(admin_user, "GD", 2024, HIST))["T2.1b"].figure
    assert gd.value == Decimal("17.3") and gd.status == "not_met"


def test_trend_runs_over_the_plan_years_with_a_target_line(tree, seeded, upper_officer):
    for year, done in [(2023, 5), (2024, 8), (2026, 9)]:
        _enter(seeded, tree.school_a, year, members_briefed=done, members=10)
    row = _rows(dashboard.dashboard_for_user(upper_officer, "GD", 2026, HIST))["T2.1b"]
    assert [f.year for f in row.trend] == [2023, 2024, 2025, 2026, 2027, 2028]
    assert [f.value for f in row.trend] == [
        Decimal("50.0"),
        Decimal("80.0"),
        None,
        Decimal("90.0"),
        None,
        None,
    ]
    assert row.figure.status == "met"
    svg = str(row.chart)
    assert svg.startswith("<svg") and 'class="target"' in svg
    assert svg.count('class="value"') == 2  # 2025 has no figure: the line breaks
    assert "2024: 80,0" in svg or "2024: 80.0" in svg


def test_a_term_count_accumulates_over_the_years(tree, seeded, province_officer):
    for year in (2023, 2024, 2025):
        _enter(seeded, tree.province, year, propaganda_trainings_provincial=1)
    row = _rows(dashboard.dashboard_for_user(province_officer, "NB", 2026, HIST))["T2.2"]
    assert [f.value for f in row.trend[:4]] == [1, 2, 3, 3]
    assert row.figure.status == "at_risk"


def test_the_chart_escapes_and_says_what_it_shows(tree, seeded, province_officer):
    row = _rows(dashboard.dashboard_for_user(province_officer, "NB", 2026, HIST))["T2.1b"]
    assert "<circle" not in str(row.chart)  # no figure at all: no points
    assert 'role="img"' in str(row.chart) and "aria-label=" in str(row.chart)
    assert str(trend_svg([])) == ""


# --- structures ------------------------------------------------------------------------------


@pytest.fixture
def merged(tree, seeded):
    """GD-001 reports 10 members every year; on 01/07/2025 the education union GD is merged
    into the Yên Khánh district union YK, which takes GD-001 and GD-002."""
    for year in (2023, 2024, 2025, 2026):
        _enter(seeded, tree.school_a, year, members_briefed=9, members=10)
        _enter(seeded, tree.garment, year, members_briefed=1, members=10)
    unit_merge(
        None,
        sources=[tree.education],
        target=tree.district,
        effective_date=dt.date(2025, 7, 1),
        reason="Hợp nhất",
    )
    return tree


def _trend(user, code, structure, indicator="T2.1b"):
    row = _rows(dashboard.dashboard_for_user(user, code, 2026, structure))[indicator]
    return [(f.numerator, f.denominator) for f in row.trend[:4]], row


def test_current_structure_keeps_the_trend_of_a_merged_unit_continuous(merged, province_officer):
    historical, _ = _trend(province_officer, "YK", HIST)
    current, _ = _trend(province_officer, "YK", CUR)
    # Then: Yên Khánh had only its garment union until the merger.
    assert historical == [(1, 10), (1, 10), (10, 20), (10, 20)]
    # Today's tree: the schools are counted under Yên Khánh for every year.
    assert current == [(10, 20), (10, 20), (10, 20), (10, 20)]


def test_a_unit_that_did_not_exist_then_has_no_figure(merged, province_officer):
    historical, row = _trend(province_officer, "GD", HIST)
    assert historical == [(9, 10), (9, 10), (None, None), (None, None)]
    assert [f.absent for f in row.trend[:4]] == [False, False, True, True]
    current, row = _trend(province_officer, "GD", CUR)
    assert current == [(None, None)] * 4 and all(f.absent for f in row.trend)
    page = client_for(province_officer).get(
        reverse("dashboard:unit", args=["GD"]), {"year": 2026, "structure": "current"}
    )
    assert page.status_code == 200
    assert reverse("dashboard:unit", args=["YK"]) in page.content.decode()  # merged into


def test_children_follow_the_structure_of_the_date(merged, province_officer):
    then = dashboard.children_for_user(province_officer, "YK", 2024, HIST, indicator_code="T2.1b")
    today = dashboard.children_for_user(province_officer, "YK", 2024, CUR, indicator_code="T2.1b")
    assert [r.code for r in then.rows] == ["YK-001"]
    assert sorted(r.code for r in today.rows) == ["GD-001", "GD-002", "YK-001"]
    assert today.figure.numerator == sum(r.figure.numerator or 0 for r in today.rows) == 10


# --- the breakdown ---------------------------------------------------------------------------


@pytest.fixture
def schools(tree, seeded):
    """Five schools under GD with different results for 2025 (finished) and 2026 (running)."""
    more = [
        _unit(f"GD-00{n}", f"CĐCS Trường số {n}", UnitKind.GRASSROOTS, tree.education)
        for n in (3, 4, 5)
    ]
    values = {"GD-001": 95, "GD-002": 40, "GD-003": 70, "GD-004": None, "GD-005": 90}
    units = {u.code: u for u in [tree.school_a, tree.school_b, *more]}
    for code, done in values.items():
        if done is not None:
            for year in (2025, 2026):
                _enter(seeded, units[code], year, members_briefed=done, members=100)
    return units


def test_breakdown_sorts_worst_first(schools, upper_officer):
    finished = dashboard.children_for_user(upper_officer, "GD", 2025, HIST, indicator_code="T2.1b")
    assert [(r.code, r.figure.status) for r in finished.rows] == [
        ("GD-002", "not_met"),
        ("GD-003", "not_met"),
        ("GD-004", "no_data"),
        ("GD-005", "met"),
        ("GD-001", "met"),
    ]
    running = dashboard.children_for_user(upper_officer, "GD", 2026, HIST, indicator_code="T2.1b")
    assert [r.figure.status for r in running.rows] == [
        "at_risk",
        "at_risk",
        "no_data",
        "met",
        "met",
    ]
    by_value = dashboard.children_for_user(
        upper_officer, "GD", 2026, HIST, indicator_code="T2.1b", sort="-value"
    )
    assert [r.code for r in by_value.rows] == ["GD-001", "GD-005", "GD-003", "GD-002", "GD-004"]
    by_name = dashboard.children_for_user(
        upper_officer, "GD", 2026, HIST, indicator_code="T2.1b", sort="name", query="truong so"
    )
    assert [r.name for r in by_name.rows] == [
        "CĐCS Trường số 3",
        "CĐCS Trường số 4",
        "CĐCS Trường số 5",
    ]


def test_breakdown_page_pages_and_links_to_each_child(schools, upper_officer, settings):
    settings.PAGE_SIZE = 2
    client = client_for(upper_officer)
    url = reverse("dashboard:children", args=["GD"])
    first = client.get(url, {"year": 2025, "indicator": "T2.1b"})
    body = first.content.decode()
    assert first.status_code == 200
    assert "GD-002" in body and "GD-003" in body and "GD-005" not in body
    assert reverse("dashboard:unit", args=["GD-002"]) + "?year=2025" in body
    assert "40,0" in body  # Vietnamese decimal comma
    last = client.get(url, {"year": 2025, "indicator": "T2.1b", "page": 3}).content.decode()
    assert "GD-001" in last and "GD-002" not in last
    assert client.get(url, {"indicator": "NOPE"}).status_code == 404


# --- the drill-down --------------------------------------------------------------------------


@pytest.mark.parametrize("structure", [HIST, CUR])
@pytest.mark.parametrize("code", ["NB", "GD", "YK", "GD-001"])
def test_drill_down_adds_up_to_the_figure(merged, seeded, province_officer, structure, code):
    seeded["members"].by_sex = True
    seeded["members"].save()
    value_set(
        None,
        element=seeded["members"],
        unit=merged.school_a,
        period=year_period(2024),
        value=6,
        category="female",
    )
    for year in (2023, 2024):
        _enter(seeded, merged.province, year, propaganda_trainings_provincial=2)
    for indicator in ("T2.1b", "T2.2"):
        for year in (2024, 2025, 2026):
            drill = dashboard.values_for_user(
                province_officer, code, year, structure, indicator_code=indicator
            )
            figure = drill.figure
            assert (drill.sums.numerator, drill.sums.denominator) == (
                figure.numerator,
                figure.denominator,
            ), (indicator, year)
            # The listed rows themselves: their "total" rows add up to the figure too.
            by_element: dict[str, int] = {}
            for v in drill.values:
                if v.category == "":
                    by_element[v.element.code] = by_element.get(v.element.code, 0) + v.value
            assert by_element.get(figure.indicator.numerator) == figure.numerator
            assert by_element.get(figure.indicator.denominator) == figure.denominator
    drill = dashboard.values_for_user(
        province_officer, "NB", 2024, structure, indicator_code="T2.1b"
    )
    # 9 of 10 at the school, 1 of 10 at the garment maker; the 6 women are not added again.
    assert (drill.sums.numerator, drill.sums.denominator) == (10, 20)
    assert (
        dashboard.values_for_user(
            province_officer, "NB", 2024, structure, indicator_code="T2.2"
        ).sums.numerator
        == 4
    )  # 2 + 2 over the term


def test_drill_down_page_shows_who_entered_each_value(tree, seeded, grassroots_officer, leader):
    grassroots_officer.first_name, grassroots_officer.last_name = "Lan", "Nguyễn Thị"
    grassroots_officer.save()
    _enter(seeded, tree.school_a, 2024, grassroots_officer, members_briefed=9, members=10)
    _enter(seeded, tree.school_b, 2024, None, members_briefed=10, members=100)
    response = client_for(leader).get(
        reverse("dashboard:values", args=["GD"]), {"year": 2024, "indicator": "T2.1b"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-sum="numerator">19<' in body and 'data-sum="denominator">110<' in body
    assert "data-figure>17,3\u00a0%<" in body
    assert "cdcs" in body and "Nguyễn Thị" in body
    found = client_for(leader).get(
        reverse("dashboard:values", args=["GD"]),
        {"year": 2024, "indicator": "T2.1b", "q": "dinh tien hoang"},
    )
    assert "GD-002" in found.content.decode() and "GD-001</td>" not in found.content.decode()


# --- scope -----------------------------------------------------------------------------------

PAGES = ["dashboard:unit", "dashboard:children", "dashboard:values"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("fmt", ["", "xlsx"])
@pytest.mark.parametrize("code", ["GD", "GD-001"])
def test_outsider_is_refused_every_dashboard_and_export(tree, seeded, outsider, name, fmt, code):
    response = client_for(outsider).get(reverse(name, args=[code]), {"format": fmt})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="dashboard.export").exists()


@pytest.mark.parametrize("name", PAGES)
def test_leader_reads_every_dashboard(tree, seeded, leader, name):
    _enter(seeded, tree.school_a, 2026, members_briefed=9, members=10)
    client = client_for(leader)
    assert client.get(reverse(name, args=["NB"]), {"structure": "current"}).status_code == 200
    assert client.get(reverse(name, args=["GD-001"])).status_code == 200


def test_unknown_unit_is_404(tree, seeded, leader):
    assert client_for(leader).get(reverse("dashboard:unit", args=["NOPE"])).status_code == 404


def test_home_opens_the_scope_unit_or_the_top_of_the_tree(tree, upper_officer, admin_user):
    response = client_for(upper_officer).get(reverse("dashboard:home"))
    assert response.status_code == 302 and response.url == reverse("dashboard:unit", args=["GD"])
    response = client_for(admin_user).get(reverse("dashboard:home"))
    assert response.url == reverse("dashboard:unit", args=["VN"])
    asked = client_for(upper_officer).get(reverse("dashboard:home"), {"year": "2024"})
    assert asked.url == reverse("dashboard:unit", args=["GD"]) + "?year=2024"


# --- exports ---------------------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_exports_are_formula_safe_and_audited(tree, seeded, province_officer):
    trap = _unit("GD-009", '=HYPERLINK("http://x")', UnitKind.GRASSROOTS, tree.education)
    _enter(seeded, trap, 2024, province_officer, members_briefed=1, members=2)
    client = client_for(province_officer)
    params = {"year": 2024, "indicator": "T2.1b", "format": "xlsx"}
    board = _sheet(client.get(reverse("dashboard:unit", args=["GD"]), params))
    assert board[2][0] == "T2.1a" and board[3][2] == 50  # T2.1b: 1 of 2
    children = _sheet(client.get(reverse("dashboard:children", args=["GD"]), params))
    names = [row[1] for row in children[2:]]
    assert '\'=HYPERLINK("http://x")' in names
    values = _sheet(client.get(reverse("dashboard:values", args=["GD"]), params))
    assert [row[0] for row in values[2:]] == ["GD-009", "GD-009"]
    assert values[2][1].startswith("'=") and values[2][6] == "tinh"
    entries = AuditEntry.objects.filter(action="dashboard.export").order_by("id")
    assert [e.after["table"] for e in entries] == ["indicators", "children", "values"]
    assert entries[2].after["rows"] == 2 and entries[0].actor_id == province_officer.pk


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+84", "'+84"), ("-5", "'-5"), ("@x", "'@x"), ("Trường", "Trường")],
)
def test_safe_text(text, safe):
    assert safe_text(text) == safe


# --- speed -----------------------------------------------------------------------------------


def _grow(tree, seeded, schools: int, first: int = 0):
    """Add schools under GD with values for the years and elements of the first indicators."""
    elements = list(seeded.values())[:6]
    for n in range(first, first + schools):
        school = _unit(f"GD-1{n:02d}", f"CĐCS Trường {n}", UnitKind.GRASSROOTS, tree.education)
        for year in (2023, 2024, 2025, 2026):
            for element in elements:
                value_set(None, element=element, unit=school, period=year_period(year), value=n + 1)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


SELECTORS = {
    "unit": lambda user: dashboard.dashboard_for_user(user, "GD", 2026, HIST),
    "current": lambda user: dashboard.dashboard_for_user(user, "NB", 2025, CUR),
    "children": lambda user: dashboard.children_for_user(user, "GD", 2026, HIST),
    "values": lambda user: list(dashboard.values_for_user(user, "GD", 2026, CUR).values[:50]),
}


@pytest.mark.parametrize("which", list(SELECTORS))
def test_queries_do_not_grow_with_the_tree(
    tree, seeded, province_officer, which, django_assert_num_queries
):
    build = SELECTORS[which]
    _grow(tree, seeded, 2)
    small = _count(lambda: build(province_officer))
    assert small <= 20
    _grow(tree, seeded, 30, first=10)  # sixteen times the schools, more values, same plan
    with django_assert_num_queries(small):
        build(province_officer)


@pytest.mark.parametrize("name", PAGES)
def test_pages_take_the_same_queries_for_any_tree(
    tree, seeded, province_officer, name, django_assert_num_queries
):
    client = client_for(province_officer)
    url = reverse(name, args=["GD"])
    params = {"year": 2026, "indicator": "T2.1b"}
    _grow(tree, seeded, 2)
    client.get(url, params)  # the session is loaded once
    small = _count(lambda: client.get(url, params))
    _grow(tree, seeded, 30, first=10)
    with django_assert_num_queries(small):
        assert client.get(url, params).status_code == 200
