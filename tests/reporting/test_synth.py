"""Synthetic figures for the synthetic tree: they land for every grassroots unit and period it
exists in, parts never exceed their wholes, and the rollup cache built from them is right."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tests.reporting.test_rollup import assert_cache_is_right
from tuyengiao.orgs import synth as tree_synth
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting import synth
from tuyengiao.reporting.models import Aggregate, Category, DataValue, Structure

TINY = {"grassroots": 40, "provinces": 2, "uppers": 4}
PARTS = {
    "key_officials_briefed": "key_officials",
    "members_briefed": "members",
    "workers_learning": "workers_in_union_enterprises",
    "units_cultural_standard": "units_with_union",
    "enterprises_cultural_standard": "enterprises_with_union",
    "families_cultural": "member_families",
}


@pytest.fixture
def figures(db: None) -> synth.ValuesResult:
    tree_synth.synth(**TINY)
    return synth.synth_values(years=range(2024, 2026))


def _cells() -> dict[tuple[int, str, str, str], int]:
    return {
        (unit, element, period, category): value
        for unit, element, period, category, value in DataValue.objects.values_list(
            "unit_id", "element__code", "period__code", "category", "value"
        )
    }


def test_every_grassroots_unit_reports_each_period_it_exists_in(
    figures: synth.ValuesResult,
) -> None:
    assert figures.periods == ["2024", "2024-H1", "2024-H2", "2025", "2025-H1", "2025-H2"]
    assert figures.values == DataValue.objects.count() > 0
    assert not DataValue.objects.exclude(unit__kind=UnitKind.GRASSROOTS).exists()
    cells = _cells()
    for unit in OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS):
        for code, last_day in (("2024", dt.date(2024, 12, 31)), ("2025-H1", dt.date(2025, 6, 30))):
            reported = (unit.pk, "key_officials", code, "") in cells
            assert reported == (unit.valid_from <= last_day < unit.valid_to), (unit.code, code)
        has_enterprise = unit.enterprise_id is not None
        enterprise_figures = any(
            (unit.pk, "enterprises_with_union", y, "") in cells for y in ("2024", "2025")
        )
        assert not enterprise_figures or has_enterprise
    half = DataValue.objects.filter(period__kind="half")
    assert set(half.values_list("element__code", flat=True)) == set(synth.HALF_YEARLY)
    yearly = DataValue.objects.filter(period__kind="year", category="")
    per_unit = yearly.values("unit_id", "period_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_unit} <= {9, 13}


def test_parts_never_exceed_their_wholes(figures: synth.ValuesResult) -> None:
    cells = _cells()
    for (unit, code, period, category), value in cells.items():
        if category == Category.FEMALE:
            assert value <= cells[(unit, code, period, "")]
        if code in PARTS:
            assert value <= cells[(unit, PARTS[code], period, category)], (code, period)


def test_the_cache_built_after_the_load_is_right(figures: synth.ValuesResult) -> None:
    assert figures.aggregates == Aggregate.objects.count() > 0
    assert not Aggregate.objects.filter(ancestor__kind=UnitKind.GRASSROOTS).exists()
    root = OrgUnit.objects.get(code=tree_synth.ROOT_CODE)
    members = DataValue.objects.filter(element__code="members", period__code="2025", category="")
    alive = members.filter(unit__valid_to__gt=dt.date(2025, 12, 31))
    root_total = Aggregate.objects.get(
        ancestor=root,
        element__code="members",
        period__code="2025",
        category="",
        structure=Structure.HISTORICAL,
    ).total
    assert root_total == sum(alive.values_list("value", flat=True))
    assert_cache_is_right()


def test_the_same_seed_gives_the_same_figures(db: None) -> None:
    tree_synth.synth(**TINY)
    synth.synth_values(years=range(2025, 2026), seed=3)
    first = _cells()
    with pytest.raises(synth.ValuesRefused):
        synth.synth_values(years=range(2025, 2026), seed=3)
    synth.wipe()
    synth.synth_values(years=range(2025, 2026), seed=3)
    assert _cells() == first


def test_the_command_makes_the_tree_and_the_figures_and_force_replaces_them(db: None) -> None:
    out = StringIO()
    call_command("synth", **TINY, years="2025", stdout=out)
    assert "Created 47 units" in out.getvalue()
    assert "figures for 3 periods (2025 … 2025-H2)" in out.getvalue()
    with pytest.raises(CommandError, match="--force"):
        call_command("synth", **TINY, years="2025")
    out = StringIO()
    call_command("synth", **TINY, years="2024-2025", seed=2, force=True, stdout=out)
    assert "figures for 6 periods" in out.getvalue()
    assert OrgUnit.objects.count() == 47
    assert_cache_is_right()


@pytest.mark.parametrize("text", ["20x5", "2028-2023", "1999"])
def test_the_command_refuses_years_that_are_not_years(db: None, text: str) -> None:
    with pytest.raises(CommandError, match="year"):
        call_command("synth", **TINY, years=text)
    assert not OrgUnit.objects.exists()
