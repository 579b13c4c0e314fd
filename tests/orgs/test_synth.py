"""The synthetic national tree: its shape, its history, and the closure table derived from it
agreeing with a plain recursive walk of the unit versions on every date."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import Tree
from tuyengiao.accounts.models import User
from tuyengiao.core.dates import OPEN_END
from tuyengiao.orgs import hierarchy, synth
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitKind, UnitVersion
from tuyengiao.orgs.recursive import count_descendants_recursive, descendants_recursive

SMALL = {"grassroots": 600, "provinces": 4, "uppers": 20}
DATES = [
    synth.TREE_START,
    dt.date(2018, 6, 15),
    dt.date(2024, 12, 31),
    synth.MERGE_DATE - dt.timedelta(days=1),
    synth.MERGE_DATE,
    dt.date(2026, 3, 1),
]


@pytest.fixture
def small(db: None) -> synth.SynthResult:
    return synth.synth(**SMALL)


def _closure_ids(root_id: int, date: dt.date) -> set[int]:
    return set(hierarchy.descendant_ids(root_id, date).values_list("descendant_id", flat=True))


def _closure_rows() -> list[tuple[int, int, int, dt.date, dt.date]]:
    return sorted(
        UnitClosure.objects.values_list(
            "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
        )
    )


def _tree_shape() -> set[tuple[str, str | None, dt.date, dt.date]]:
    return set(
        UnitVersion.objects.values_list("unit__code", "parent__code", "valid_from", "valid_to")
    )


def test_synth_builds_the_requested_national_tree(small: synth.SynthResult) -> None:
    assert OrgUnit.objects.filter(kind=UnitKind.NATIONAL).count() == 1
    assert OrgUnit.objects.filter(kind=UnitKind.PROVINCE).count() == 4
    assert OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).count() == 600
    assert small.units == 1 + 4 + 20 + 600 == OrgUnit.objects.count()
    assert OrgUnit.objects.exclude(kind__in=[UnitKind.GRASSROOTS, UnitKind.PROVINCE]).count() == 21
    assert not OrgUnit.objects.filter(is_demo=True).exists()
    assert OrgUnit.objects.filter(enterprise__isnull=False).count() == small.enterprises > 0
    grassroots = OrgUnit.objects.get(code=synth.grassroots_code(123))
    assert grassroots.name == "CĐCS tổng hợp 000123"
    version = grassroots.versions.get()
    assert version.search_key == "cs000123 cdcs tong hop 000123"
    assert version.parent is not None and version.parent.kind != UnitKind.GRASSROOTS


def test_synth_gives_every_province_an_upper_and_every_upper_a_grassroots_unit(
    small: synth.SynthResult,
) -> None:
    date = synth.MERGE_DATE - dt.timedelta(days=1)
    for province in OrgUnit.objects.filter(kind=UnitKind.PROVINCE):
        assert hierarchy.children_versions(province.pk, date).exists(), province.code
    uppers = OrgUnit.objects.exclude(
        kind__in=[UnitKind.NATIONAL, UnitKind.PROVINCE, UnitKind.GRASSROOTS]
    )
    for upper in uppers:
        assert UnitVersion.objects.filter(parent=upper).exists(), upper.code


def test_synth_merges_two_provinces_through_the_services_on_the_merge_date(
    small: synth.SynthResult,
) -> None:
    source = OrgUnit.objects.get(code=small.merged[0])
    target = OrgUnit.objects.get(code=small.merged[1])
    assert source.valid_to == synth.MERGE_DATE
    assert source.successor == target
    assert small.moved_by_merge > 0
    before = synth.MERGE_DATE - dt.timedelta(days=1)
    moved = set(hierarchy.children_versions(source.pk, before).values_list("unit_id", flat=True))
    assert len(moved) == small.moved_by_merge
    after_children = hierarchy.children_versions(target.pk, synth.MERGE_DATE)
    assert moved <= set(after_children.values_list("unit_id", flat=True))
    assert not hierarchy.children_versions(source.pk, synth.MERGE_DATE).exists()
    assert source.restructurings.filter(kind="merge").count() == 1


@pytest.mark.parametrize("date", DATES, ids=str)
def test_closure_descendants_equal_the_recursive_query(
    small: synth.SynthResult, date: dt.date
) -> None:
    roots = [synth.ROOT_CODE, *(synth.province_code(i) for i in range(1, 5))]
    roots += list(OrgUnit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", flat=True)[:3])
    for code in roots:
        unit = OrgUnit.objects.get(code=code)
        expected = descendants_recursive(unit.pk, date)
        assert _closure_ids(unit.pk, date) == expected, (code, date)
        assert count_descendants_recursive(unit.pk, date) == len(expected)


def test_the_whole_tree_is_under_the_root_on_each_date(small: synth.SynthResult) -> None:
    root = OrgUnit.objects.get(code=synth.ROOT_CODE)
    for date in DATES:
        alive = set(
            OrgUnit.objects.filter(valid_from__lte=date, valid_to__gt=date).values_list(
                "id", flat=True
            )
        )
        assert descendants_recursive(root.pk, date) == alive
        assert _closure_ids(root.pk, date) == alive


def test_merged_province_has_no_descendants_after_the_merge(small: synth.SynthResult) -> None:
    source = OrgUnit.objects.get(code=small.merged[0])
    assert _closure_ids(source.pk, synth.MERGE_DATE) == set()
    assert descendants_recursive(source.pk, synth.MERGE_DATE) == set()
    assert len(_closure_ids(source.pk, synth.MERGE_DATE - dt.timedelta(days=1))) > 1


def test_rebuilding_the_closure_from_scratch_gives_identical_rows(
    small: synth.SynthResult,
) -> None:
    rows = _closure_rows()
    assert len(rows) == UnitClosure.objects.count() > small.units
    UnitClosure.objects.all().delete()
    hierarchy.rebuild_closure()
    assert _closure_rows() == rows


def test_synth_is_deterministic_given_the_seed(db: None) -> None:
    synth.synth(**SMALL, seed=7)
    first = _tree_shape()
    synth.synth(**SMALL, seed=7, force=True)
    assert _tree_shape() == first
    synth.synth(**SMALL, seed=8, force=True)
    assert _tree_shape() != first


def test_synth_refuses_a_database_that_has_units(tree: Tree) -> None:
    with pytest.raises(CommandError, match="--force"):
        call_command("synth", grassroots=10, provinces=2, uppers=2)
    assert OrgUnit.objects.count() == 7
    assert OrgUnit.objects.filter(code="GD-001").exists()


def test_synth_force_replaces_the_existing_tree(tree: Tree) -> None:
    out = StringIO()
    call_command("synth", grassroots=10, provinces=2, uppers=2, force=True, stdout=out)
    assert not OrgUnit.objects.filter(code="GD-001").exists()
    assert OrgUnit.objects.count() == 1 + 2 + 2 + 10
    assert "Created 15 units" in out.getvalue()
    assert "Merged P02 into P01" in out.getvalue()
    root = OrgUnit.objects.get(code=synth.ROOT_CODE)
    assert _closure_ids(root.pk, dt.date(2026, 1, 1)) == descendants_recursive(
        root.pk, dt.date(2026, 1, 1)
    )


def test_synth_force_refuses_while_a_real_account_is_scoped_to_a_unit(
    province_officer: User,
) -> None:
    with pytest.raises(CommandError, match="tinh"):
        call_command("synth", grassroots=10, provinces=2, uppers=2, force=True)
    assert OrgUnit.objects.count() == 7
    province_officer.refresh_from_db()
    assert province_officer.scope_unit is not None


def test_synth_grassroots_lifetimes_match_their_versions(small: synth.SynthResult) -> None:
    dissolved = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).exclude(valid_to=OPEN_END)
    assert dissolved.count() == small.dissolved > 0
    for unit in dissolved[:20]:
        version = unit.versions.get()
        assert (version.valid_from, version.valid_to) == (unit.valid_from, unit.valid_to)
