"""Indicator figures: Σ numerator / Σ denominator at every level, against the plan's targets."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.tokens import api_client
from tuyengiao.plans.models import Direction
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.indicators import (
    figures,
    figures_for_user,
    plan_for_unit,
    plan_indicators,
)
from tuyengiao.reporting.models import DataElement, Structure
from tuyengiao.reporting.services import elements_ensure, value_set, year_period


@pytest.fixture
def seeded(tree):
    plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
    elements_ensure()
    return {e.code: e for e in DataElement.objects.all()}


def _enter(element, unit, year, value):
    value_set(None, element=element, unit=unit, period=year_period(year), value=value)


def _by_code(figures):
    return {f.indicator.code: f for f in figures}


def test_percentages_come_from_summed_parts_not_averages(tree, seeded, province_officer):
    # School A: 9 of 10 members briefed (90 %); school B: 10 of 100 (10 %).
    _enter(seeded["members_briefed"], tree.school_a, 2024, 9)
    _enter(seeded["members"], tree.school_a, 2024, 10)
    _enter(seeded["members_briefed"], tree.school_b, 2024, 10)
    _enter(seeded["members"], tree.school_b, 2024, 100)
    figure = _by_code(figures_for_user(province_officer, tree.education, 2024))["T2.1b"]
    assert (figure.numerator, figure.denominator) == (19, 110)
    assert figure.value == Decimal("17.3")  # not (90 + 10) / 2 = 50
    assert figure.target == 90
    assert figure.status == "not_met"
    school = _by_code(figures_for_user(province_officer, tree.school_a, 2024))["T2.1b"]
    assert school.value == Decimal("90.0") and school.status == "met"


@time_machine.travel("2026-11-25")
def test_term_count_is_cumulative_and_judged_against_elapsed_time(tree, seeded, province_officer):
    for year in (2023, 2024, 2025):
        _enter(seeded["propaganda_trainings_provincial"], tree.province, year, 1)
    figure = _by_code(figures_for_user(province_officer, tree.province, 2026))["T2.2"]
    assert figure.value == 3 and figure.target == 5
    # 4 of the term's 6 years have begun: on track needs 5 × 4/6 ≈ 3.3 courses; 3 is at risk.
    assert figure.status == "at_risk"
    _enter(seeded["propaganda_trainings_provincial"], tree.province, 2026, 1)
    figure = _by_code(figures_for_user(province_officer, tree.province, 2026))["T2.2"]
    assert figure.value == 4 and figure.status == "on_track"


def test_no_data_is_not_zero(tree, seeded, province_officer):
    figure = _by_code(figures_for_user(province_officer, tree.district, 2024))["T2.1a"]
    assert figure.value is None and figure.status == "no_data"


def test_api_returns_the_indicators_of_the_units_plan(tree, seeded, upper_officer):
    _enter(seeded["key_officials_briefed"], tree.school_a, 2024, 3)
    _enter(seeded["key_officials"], tree.school_a, 2024, 4)
    response = api_client(upper_officer).get("/api/v1/indicators", {"unit": "GD", "period": 2024})
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["items"]}
    assert list(items)[:3] == ["T2.1a", "T2.1b", "T2.1c"]
    assert items["T2.1a"] == {
        "id": "T2.1a",
        "name": items["T2.1a"]["name"],
        "kind": "percentage",
        "numerator": 3,
        "denominator": 4,
        "value": 75.0,
        "target": 100.0,
        "status": "not_met",
    }


def test_api_refuses_a_unit_outside_scope(tree, seeded, outsider):
    response = api_client(outsider).get("/api/v1/indicators", {"unit": "GD", "period": 2024})
    assert response.status_code == 403


def test_loading_the_elements_twice_changes_nothing(db):
    from tuyengiao.core.models import AuditEntry

    first = elements_ensure()
    assert first == DataElement.objects.count() >= 16
    assert elements_ensure() == 0
    assert AuditEntry.objects.filter(action="element.save").count() == first


def test_women_rows_are_part_of_the_total_not_added_to_it(tree, seeded, province_officer):
    seeded["members"].by_sex = True
    seeded["members"].save()
    _enter(seeded["members_briefed"], tree.school_a, 2024, 5)
    _enter(seeded["members"], tree.school_a, 2024, 10)
    value_set(
        None,
        element=seeded["members"],
        unit=tree.school_a,
        period=year_period(2024),
        value=7,
        category="female",
    )
    figure = _by_code(figures_for_user(province_officer, tree.education, 2024))["T2.1b"]
    assert (figure.numerator, figure.denominator, figure.value) == (5, 10, Decimal("50.0"))


def test_the_nearest_plan_wins(tree, seeded, province_officer):
    spec = parse_plan(SEED_PLAN.read_text(encoding="utf-8"))
    own, _ = plan_load(None, spec=spec.model_copy(update={"code": "KH-GD"}), unit=tree.education)
    assert plan_for_unit(tree.school_a, 2024) == own
    assert plan_for_unit(tree.education, 2024) == own
    assert plan_for_unit(tree.garment, 2024).unit == tree.province
    assert plan_for_unit(tree.garment, 2030) is None


@time_machine.travel("2026-11-25")
def test_a_ceiling_is_met_while_it_is_not_exceeded(tree, seeded):
    plan = plan_for_unit(tree.province, 2024)
    indicator = plan.indicators.get(code="T2.4a")
    indicator.direction = Direction.AT_MOST
    indicator.save()
    _enter(seeded["arts_sports_events"], tree.school_a, 2025, 1)
    _enter(seeded["arts_sports_events"], tree.school_a, 2026, 1)
    _enter(seeded["arts_sports_events"], tree.school_b, 2026, 3)
    grid = figures(
        plan,
        [indicator],
        [tree.school_a.pk, tree.school_b.pk],
        [2025, 2026],
        Structure.HISTORICAL,
    )
    assert grid[(tree.school_a.pk, "T2.4a", 2025)].status == "met"  # the year is over
    assert grid[(tree.school_a.pk, "T2.4a", 2026)].status == "on_track"
    assert grid[(tree.school_b.pk, "T2.4a", 2026)].status == "not_met"
    assert grid[(tree.school_b.pk, "T2.4a", 2025)].status == "no_data"


def test_a_grid_of_any_size_takes_the_same_queries(tree, seeded, django_assert_num_queries):
    plan = plan_for_unit(tree.province, 2024)
    indicators = plan_indicators(plan)
    for year in (2023, 2024, 2025):
        for unit in (tree.school_a, tree.school_b, tree.garment):
            _enter(seeded["members"], unit, year, 10)
            _enter(seeded["members_briefed"], unit, year, 4)
    with CaptureQueriesContext(connection) as one:
        small = figures(plan, indicators[:1], [tree.school_a.pk], [2024], Structure.HISTORICAL)
    units = [tree.province.pk, tree.education.pk, tree.district.pk, tree.school_a.pk]
    with django_assert_num_queries(len(one.captured_queries)):
        grid = figures(plan, indicators, units, range(2023, 2029), Structure.CURRENT)
    assert len(small) == 1 and len(grid) == len(indicators) * len(units) * 6
    assert grid[(tree.province.pk, "T2.1b", 2024)].numerator == 12


def test_an_adopted_plan_is_judged_against_its_own_raised_targets(
    tree, seeded, upper_officer, province_officer
):
    from tuyengiao.plans.models import Plan
    from tuyengiao.plans.services import plan_adopt, target_set

    province_plan = Plan.objects.get(unit=tree.province)
    adopted = plan_adopt(upper_officer, parent=province_plan, unit=tree.education)
    indicator = adopted.indicators.get(code="T2.1b")
    target_set(
        upper_officer, indicator=indicator, year=2024, value=Decimal(95), version=adopted.version
    )
    _enter(seeded["members_briefed"], tree.school_a, 2024, 92)
    _enter(seeded["members"], tree.school_a, 2024, 100)
    education = _by_code(figures_for_user(upper_officer, tree.education, 2024))["T2.1b"]
    assert (education.target, education.status) == (95, "not_met")  # its own, raised target
    province = _by_code(figures_for_user(province_officer, tree.province, 2024))
    assert province["T2.1b"].target == 90
    inherited = _by_code(figures_for_user(upper_officer, tree.education, 2024))["T2.1a"]
    assert inherited.target == 100  # not raised: the province's
