"""The rollup engine: cached sums equal sums of raw values, under both structures, through
writes, corrections and restructurings."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.conftest import START
from tuyengiao.core.dates import today
from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitKind
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Aggregate, DataElement, DataValue, Period, Structure
from tuyengiao.reporting.services import period_get, value_clear, value_set, values_write

D = dt.date


def _period(year):
    return Period.objects.get_or_create(
        code=str(year), kind="year", start=D(year, 1, 1), end=D(year + 1, 1, 1)
    )[0]


@pytest.fixture
def members(db):
    return DataElement.objects.create(code="members", name="Đoàn viên")


def move(actor, unit, *, to, on, why="Chuyển"):
    """One unit moved under another from a date (the restructuring every test here uses)."""
    return orgs.unit_move(actor, units=[unit], parent=to, effective_date=on, reason=why)


def total(unit, element, period, structure=Structure.HISTORICAL):
    rollup.catch_up()
    cells = rollup.totals([unit.pk], [element.pk], [period.pk], structure)
    return sum(cells.values()) if cells else None


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
    move(admin_user, tree.garment, to=tree.education, on=D(2025, 7, 1), why="Chuyển")
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
    move(admin_user, tree.garment, to=tree.education, on=D(2025, 7, 1), why="Ghi nhận muộn")
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


def oracle():
    """Every sum worked out the plain way, value by value through the closure table: what the
    cache must hold for units that can have units under them, and what `totals` must answer
    for every unit (grassroots units included)."""
    date = today()
    above = defaultdict(list)
    for a, d, f, t in UnitClosure.objects.values_list(
        "ancestor_id", "descendant_id", "valid_from", "valid_to"
    ):
        above[d].append((a, f, t))
    sums = defaultdict(lambda: [0, 0])
    for value in DataValue.objects.select_related("period"):
        for structure, on in (
            (Structure.HISTORICAL, value.period.reference_date),
            (Structure.CURRENT, date),
        ):
            for ancestor, f, t in above[value.unit_id]:
                if f <= on < t:
                    cell = sums[
                        (ancestor, value.element_id, value.period_id, value.category, structure)
                    ]
                    cell[0] += value.value
                    cell[1] += 1
    grassroots = set(OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).values_list("id", flat=True))
    cached = {k: tuple(v) for k, v in sums.items() if k[0] not in grassroots}
    return cached, {k: v[0] for k, v in sums.items()}


def assert_cache_is_right():
    """The cache equals the plain computation, and so does every unit's answer from totals."""
    rollup.catch_up()
    cached, every = oracle()
    assert rollup.stored() == cached
    assert not Aggregate.objects.filter(ancestor__kind=UnitKind.GRASSROOTS).exists()
    units = list(OrgUnit.objects.values_list("id", flat=True))
    elements = list(DataElement.objects.values_list("id", flat=True))
    periods = list(Period.objects.values_list("id", flat=True))
    for structure in Structure.values:
        expected = {k[:4]: t for k, t in every.items() if k[4] == structure}
        assert rollup.totals(units, elements, periods, structure) == expected
    assert rollup.differences() == []


def _build(with_levels=False):
    """R (province) → U0, U1 (sectors) [→ L0, L1, L2 (districts) when asked] → G0…G5."""

    def make(code, kind, parent):
        return orgs.unit_create(
            None,
            code=code,
            name=f"Đơn vị {code}",
            kind=kind,
            parent=parent,
            valid_from=START,
            reason="r",
        )

    root = make("R", UnitKind.PROVINCE, None)
    uppers = [make(f"U{n}", UnitKind.SECTOR, root) for n in range(2)]
    lower = (
        [make(f"L{n}", UnitKind.DISTRICT, uppers[n % 2]) for n in range(3)] if with_levels else []
    )
    parents = uppers + lower
    units = [make(f"G{n}", UnitKind.GRASSROOTS, parents[n % len(parents)]) for n in range(6)]
    return root, uppers, lower, units


class RandomHistoryTest(TestCase):
    """Random writes, forms, corrections, moves of grassroots and of upper units, dissolutions:
    the cache always equals the raw values, and a rebuild gives what the increments gave."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["set", "set", "clear", "form", "move", "move_upper", "dissolve"]),
                st.integers(0, 5),
                st.integers(0, 3),
                st.integers(0, 500),
            ),
            min_size=1,
            max_size=9,
        )
    )
    def test_cache_equals_raw_values(self, steps):
        _root, uppers, lower, units = _build(with_levels=True)
        parents = uppers + lower
        element = DataElement.objects.create(code="e", name="e")
        other = DataElement.objects.create(code="f", name="f", by_sex=True)
        periods = [_period(year) for year in (2023, 2024, 2025)] + [period_get("2024-H1")]
        date = D(2023, 3, 1)
        for action, index, period_index, value in steps:
            unit, period = units[index], periods[period_index]
            alive = unit.valid_to > date
            if action == "set" and alive:
                value_set(None, element=element, unit=unit, period=period, value=value)
            elif action == "clear":
                value_clear(None, element=element, unit=unit, period=period)
            elif action == "form" and alive:
                values_write(
                    None,
                    unit=unit,
                    period=period,
                    cells={
                        (element, ""): value if value % 3 else None,
                        (other, ""): value + 5,
                        (other, "female"): value // 2,
                    },
                )
            elif action == "move" and alive:
                date += dt.timedelta(days=40 + value)
                current = unit.versions.order_by("-valid_from").first().parent
                choices = [p for p in parents if p != current and p.valid_to > date]
                orgs.unit_move(
                    None,
                    units=[unit],
                    parent=choices[value % len(choices)],
                    effective_date=date,
                    reason="r",
                )
            elif action == "move_upper":
                date += dt.timedelta(days=40 + value)
                moved = lower[index % len(lower)]
                current = moved.versions.order_by("-valid_from").first().parent
                target = uppers[0] if current == uppers[1] else uppers[1]
                orgs.unit_move(None, units=[moved], parent=target, effective_date=date, reason="r")
            elif action == "dissolve" and alive and unit.valid_from < date:
                date += dt.timedelta(days=40 + value)
                orgs.unit_dissolve(None, unit=unit, effective_date=date, reason="r")
                unit.refresh_from_db()
            assert_cache_is_right()
        before = rollup.stored()
        rollup.rebuild()
        assert rollup.stored() == before


def test_grassroots_units_have_no_cached_sums_and_read_their_own_values(tree, members):
    y2024 = _period(2024)
    value_set(None, element=members, unit=tree.school_a, period=y2024, value=40)
    assert not Aggregate.objects.filter(ancestor=tree.school_a).exists()
    assert Aggregate.objects.filter(ancestor=tree.education).count() == 2  # both structures
    cells = rollup.totals(
        [tree.school_a.pk, tree.school_b.pk, tree.education.pk],
        [members.pk],
        [y2024.pk],
        Structure.HISTORICAL,
    )
    assert cells == {
        (tree.school_a.pk, members.pk, y2024.pk, ""): 40,
        (tree.education.pk, members.pk, y2024.pk, ""): 40,
    }
    assert_cache_is_right()


def test_a_dissolved_grassroots_unit_counts_only_while_it_exists(tree, members, admin_user):
    y2024, y2026 = _period(2024), _period(2026)
    value_set(None, element=members, unit=tree.school_b, period=y2024, value=25)
    value_set(None, element=members, unit=tree.school_b, period=y2026, value=7)
    orgs.unit_dissolve(
        admin_user, unit=tree.school_b, effective_date=D(2025, 9, 1), reason="Giải thể"
    )
    ids = [tree.school_b.pk, tree.education.pk]
    rollup.catch_up()  # readers follow the restructuring log first
    historical = rollup.totals(ids, [members.pk], [y2024.pk, y2026.pk], Structure.HISTORICAL)
    assert historical == {
        (tree.school_b.pk, members.pk, y2024.pk, ""): 25,
        (tree.education.pk, members.pk, y2024.pk, ""): 25,
    }
    assert rollup.totals(ids, [members.pk], [y2024.pk], Structure.CURRENT) == {}
    assert_cache_is_right()


def test_a_form_is_applied_in_a_fixed_number_of_queries(tree, members):
    y2024 = _period(2024)
    elements = [members] + [
        DataElement.objects.create(code=f"e{n}", name=f"e{n}", by_sex=n % 2 == 0) for n in range(12)
    ]
    rollup.catch_up()
    changes = [
        rollup.Change(tree.school_a.pk, e.pk, y2024, "", 10 + n, 1) for n, e in enumerate(elements)
    ]
    with CaptureQueriesContext(connection) as first:
        rollup.add_many(changes)
    assert len(first) == 2  # the ancestors, one upsert
    with CaptureQueriesContext(connection) as again:
        rollup.add_many(changes)
    assert len(again) == 2
    removals = [
        rollup.Change(c.unit_id, c.element_id, c.period, c.category, -c.delta, -1) for c in changes
    ]
    with CaptureQueriesContext(connection) as removing:
        rollup.add_many(removals)
    assert len(removing) == 3  # the ancestors, one update, one delete of emptied cells
    # Applied twice, removed once: one application is left.
    assert rollup.totals(
        [tree.province.pk], [e.pk for e in elements], [y2024.pk], Structure.HISTORICAL
    ) == {(tree.province.pk, e.pk, y2024.pk, ""): 10 + n for n, e in enumerate(elements)}


def test_add_many_gives_what_adding_one_by_one_gives(tree, members, admin_user):
    y2024, y2025 = _period(2024), _period(2025)
    women = DataElement.objects.create(code="w", name="w", by_sex=True)
    move(admin_user, tree.garment, to=tree.education, on=D(2025, 7, 1), why="Chuyển")
    changes = [
        rollup.Change(tree.garment.pk, members.pk, y2024, "", 900, 1),
        rollup.Change(tree.garment.pk, members.pk, y2025, "", 950, 1),
        rollup.Change(tree.garment.pk, women.pk, y2025, "female", 400, 1),
        rollup.Change(tree.school_a.pk, members.pk, y2025, "", 40, 1),
        rollup.Change(tree.district.pk, members.pk, y2025, "", 3, 1),
        rollup.Change(tree.garment.pk, members.pk, y2024, "", -900, -1),
    ]
    rollup.catch_up()
    rollup.add_many(changes)
    together = rollup.stored()
    rollup.add_many(
        rollup.Change(c.unit_id, c.element_id, c.period, c.category, -c.delta, -c.units_delta)
        for c in changes
    )
    assert rollup.stored() == {}
    for c in changes:
        rollup.add(c.unit_id, c.element_id, c.period, c.category, c.delta, c.units_delta)
    assert rollup.stored() == together
    assert together[(tree.education.pk, members.pk, y2025.pk, "", Structure.HISTORICAL)] == (990, 2)
    assert (tree.district.pk, members.pk, y2025.pk, "", Structure.HISTORICAL) in together


def test_catch_up_recomputes_from_raw_values_when_many_units_are_affected(
    tree, members, admin_user, monkeypatch
):
    y2025 = _period(2025)
    value_set(None, element=members, unit=tree.garment, period=y2025, value=950)
    value_set(None, element=members, unit=tree.district, period=y2025, value=5)
    monkeypatch.setattr(rollup, "_FRONTIER_LIMIT", 0)
    move(admin_user, tree.garment, to=tree.education, on=D(2025, 7, 1), why="Chuyển")
    assert total(tree.education, members, y2025) == 950
    assert total(tree.district, members, y2025) == 5
    assert_cache_is_right()


def test_rebuild_gives_the_rows_the_increments_gave(tree, members, admin_user):
    y2024, y2025 = _period(2024), _period(2025)
    for unit, value in ((tree.school_a, 40), (tree.school_b, 25), (tree.garment, 900)):
        value_set(None, element=members, unit=unit, period=y2024, value=value)
        value_set(None, element=members, unit=unit, period=y2025, value=value + 1)
    value_set(None, element=members, unit=tree.province, period=y2025, value=2)
    move(admin_user, tree.district, to=tree.national, on=D(2025, 3, 1), why="Chuyển")
    value_clear(None, element=members, unit=tree.school_b, period=y2024)
    rollup.catch_up()
    incremental = rollup.stored()
    assert rollup.rebuild() == len(incremental)
    assert rollup.stored() == incremental
    assert_cache_is_right()


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


def test_values_write_stores_new_figures_with_version_author_and_time(tree, members, admin_user):
    y2024 = _period(2024)
    members.by_sex = True
    members.save()
    women = (members, "female")
    values_write(admin_user, unit=tree.school_a, period=y2024, cells={(members, ""): 40, women: 25})
    first = {v.category: v for v in DataValue.objects.filter(unit=tree.school_a)}
    assert {c: (v.value, v.version) for c, v in first.items()} == {"": (40, 1), "female": (25, 1)}

    changed = values_write(
        None, unit=tree.school_a, period=y2024, cells={(members, ""): 45, women: 25}
    )

    assert changed == 1  # the unchanged figure is not touched
    stored = {v.category: v for v in DataValue.objects.filter(unit=tree.school_a)}
    assert (stored[""].value, stored[""].version, stored[""].updated_by) == (45, 2, None)
    assert stored[""].updated_at > first[""].updated_at
    assert (stored["female"].version, stored["female"].updated_by) == (1, admin_user)
    assert total(tree.province, members, y2024) == 45 + 25
