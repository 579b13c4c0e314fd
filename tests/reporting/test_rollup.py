"""The rollup engine: cached sums equal sums of raw values, under both structures, through
writes, corrections and restructurings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.conftest import START
from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.models import UnitKind
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Aggregate, DataElement, Period, Structure
from tuyengiao.reporting.services import value_clear, value_set

D = dt.date


def _period(year):
    return Period.objects.get_or_create(
        code=str(year), kind="year", start=D(year, 1, 1), end=D(year + 1, 1, 1)
    )[0]


@pytest.fixture
def members(db):
    return DataElement.objects.create(code="members", name="Đoàn viên")


def total(unit, element, period, structure=Structure.HISTORICAL):
    rollup.catch_up()
    rows = Aggregate.objects.filter(
        ancestor=unit, element=element, period=period, structure=structure
    )
    return sum(a.total for a in rows) if rows else None


def test_a_value_adds_up_the_tree(tree, members):
    y2024 = _period(2024)
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=40)
    value_set(None, element=members, unit=tree.school_b, period=y2024, value=25)
    assert total(tree.education, members, y2024) == 65
    assert total(tree.province, members, y2024) == 65
    assert total(tree.district, members, y2024) is None
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=50)
    assert total(tree.national, members, y2024) == 75
    value_clear(None, element=members, unit=tree.school_b, period=y2024)
    assert total(tree.province, members, y2024) == 50
    assert rollup.differences() == []


def test_structures_differ_after_a_move(tree, members, admin_user):
    y2024, y2025 = _period(2024), _period(2025)
    value_set(None, element=members, unit=tree.garment, period=y2024, value=900)
    orgs.unit_move(
        admin_user,
        units=[tree.garment],
        parent=tree.education,
        effective_date=D(2025, 7, 1),
        reason="Chuyển",
    )
    value_set(None, element=members, unit=tree.garment, period=y2025, value=950)
    assert total(tree.district, members, y2024, Structure.HISTORICAL) == 900
    assert total(tree.education, members, y2024, Structure.CURRENT) == 900
    assert total(tree.district, members, y2024, Structure.CURRENT) is None
    assert total(tree.education, members, y2025, Structure.HISTORICAL) == 950
    assert rollup.differences() == []


def test_a_back_dated_restructuring_reaches_history(tree, members, admin_user):
    y2025 = _period(2025)
    value_set(None, element=members, unit=tree.garment, period=y2025, value=950)
    assert total(tree.district, members, y2025) == 950
    orgs.unit_move(
        admin_user,
        units=[tree.garment],
        parent=tree.education,
        effective_date=D(2025, 7, 1),
        reason="Ghi nhận muộn",
    )
    assert total(tree.education, members, y2025) == 950
    assert total(tree.district, members, y2025) is None
    assert rollup.differences() == []


def test_values_are_checked_and_scoped(tree, members, outsider):
    y2024 = _period(2024)
    with pytest.raises(ValidationError):
        value_set(None, element=members, unit=tree.school_a, period=y2024, value=-1)
    with pytest.raises(ValidationError):
        value_set(
            None, element=members, unit=tree.school_a, period=y2024, value=3, category="female"
        )
    with pytest.raises(PermissionDenied):
        value_set(outsider, element=members, unit=tree.school_a, period=y2024, value=3)
    assert not Aggregate.objects.exists()


def test_check_command_finds_a_tampered_cache_and_rebuild_repairs_it(tree, members):
    y2024 = _period(2024)
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=40)
    Aggregate.objects.filter(ancestor=tree.province).update(total=41)
    with pytest.raises(CommandError):
        call_command("rollup", "check")
    call_command("rollup", "rebuild")
    call_command("rollup", "check")
    assert total(tree.province, members, y2024) == 40


class RandomHistoryTest(TestCase):
    """Random writes, corrections and moves: the cache always equals the raw values."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["set", "clear", "move"]),
                st.integers(0, 3),
                st.integers(0, 2),
                st.integers(0, 500),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_cache_equals_raw_values(self, steps):
        root = orgs.unit_create(
            None,
            code="R",
            name="Gốc",
            kind=UnitKind.PROVINCE,
            parent=None,
            valid_from=START,
            reason="r",
        )
        uppers = [
            orgs.unit_create(
                None,
                code=f"U{n}",
                name=f"Trên {n}",
                kind=UnitKind.SECTOR,
                parent=root,
                valid_from=START,
                reason="r",
            )
            for n in range(2)
        ]
        units = [
            orgs.unit_create(
                None,
                code=f"G{n}",
                name=f"Cơ sở {n}",
                kind=UnitKind.GRASSROOTS,
                parent=uppers[n % 2],
                valid_from=START,
                reason="r",
            )
            for n in range(4)
        ]
        element = DataElement.objects.create(code="e", name="e")
        periods = [_period(year) for year in (2023, 2024, 2025)]
        move_date = D(2023, 3, 1)
        for action, unit_index, period_index, value in steps:
            unit, period = units[unit_index], periods[period_index]
            if action == "set":
                value_set(None, element=element, unit=unit, period=period, value=value)
            elif action == "clear":
                value_clear(None, element=element, unit=unit, period=period)
            else:
                move_date += dt.timedelta(days=40 + value)
                current = unit.versions.order_by("-valid_from").first().parent
                target = uppers[0] if current == uppers[1] else uppers[1]
                orgs.unit_move(
                    None, units=[unit], parent=target, effective_date=move_date, reason="r"
                )
            assert rollup.differences() == []


def test_total_selector_reads_the_cache_within_scope(tree, members, upper_officer, outsider):
    from tuyengiao.reporting.selectors import total_for_user

    y2024 = _period(2024)
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=40)
    assert total_for_user(upper_officer, tree.education, members, y2024) == 40
    assert total_for_user(upper_officer, tree.school_b, members, y2024) is None
    with pytest.raises(PermissionDenied):
        total_for_user(outsider, tree.education, members, y2024)


def test_clearing_a_value_is_audited_with_what_was_removed(tree, members):
    from tuyengiao.core.models import AuditEntry

    y2024 = _period(2024)
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=40)
    value_clear(None, element=members, unit=tree.school_a, period=y2024)
    entry = AuditEntry.objects.get(action="value.clear")
    assert entry.object_type == "reporting.datavalue"
    assert entry.before == {"value": 40, "element": "members", "period": "2024"}


def test_a_move_recorded_ahead_changes_todays_structure_when_it_takes_effect(
    tree, members, admin_user
):
    import time_machine

    y2024 = _period(2024)
    with time_machine.travel("2026-11-25"):
        value_set(None, element=members, unit=tree.garment, period=y2024, value=900)
        orgs.unit_move(
            admin_user,
            units=[tree.garment],
            parent=tree.education,
            effective_date=D(2027, 1, 1),
            reason="Quyết định có hiệu lực năm sau",
        )
        assert total(tree.district, members, y2024, Structure.CURRENT) == 900
    with time_machine.travel("2027-01-02"):
        assert total(tree.education, members, y2024, Structure.CURRENT) == 900
        assert total(tree.district, members, y2024, Structure.CURRENT) is None
        assert rollup.differences() == []
