"""Property: whatever sequence of dated moves and renames is applied to a small tree, the
closure table says exactly what a plain recursive walk of the unit versions says, on any date,
and rebuilding it from scratch gives the same rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tuyengiao.orgs import hierarchy, services, synth
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitKind
from tuyengiao.orgs.recursive import descendants_recursive

END = dt.date(2027, 1, 1)
SPAN_DAYS = (END - synth.TREE_START).days
days = st.integers(min_value=0, max_value=SPAN_DAYS)
steps = st.lists(
    st.tuples(
        st.sampled_from(["move", "move_many", "rename"]),
        st.integers(min_value=0, max_value=1_000),
        st.integers(min_value=0, max_value=1_000),
        days,
    ),
    min_size=1,
    max_size=10,
)


def _on(offset: int) -> dt.date:
    return synth.TREE_START + dt.timedelta(days=offset)


def _date_for(unit: OrgUnit, parent: OrgUnit | None, offset: int) -> dt.date | None:
    """A date the unit may change on: after its last change, while it (and the new parent)
    exist. Drawing inside that window keeps most steps valid instead of rejected."""
    last_change = unit.versions.order_by("-valid_from").values_list("valid_from", flat=True)[0]
    low = last_change + dt.timedelta(days=1)
    high = min(unit.valid_to, parent.valid_to if parent else END, END) - dt.timedelta(days=1)
    if low > high:
        return None
    return low + dt.timedelta(days=offset % ((high - low).days + 1))


def _apply(
    kind: str, units: list[OrgUnit], parents: list[OrgUnit], a: int, b: int, offset: int
) -> dt.date | None:
    """Apply one step and return its effective date; None when the services refuse it (a
    cycle, a date out of range)."""
    unit = units[a % len(units)]
    unit.refresh_from_db()
    parent = parents[b % len(parents)]
    parent.refresh_from_db()
    date = _date_for(unit, None if kind == "rename" else parent, offset)
    if date is None:
        return None
    try:
        if kind == "rename":
            services.unit_rename(
                None,
                unit=unit,
                name=f"{unit.name} mới {date:%Y%m%d}",
                effective_date=date,
                reason="Đổi tên",
            )
        else:
            moving = {unit.pk: unit}
            if kind == "move_many":
                other = units[(a + b + 1) % len(units)]
                other.refresh_from_db()
                moving[other.pk] = other
            services.unit_move(
                None,
                units=list(moving.values()),
                parent=parent,
                effective_date=date,
                reason="Chuyển đơn vị",
            )
    except ValidationError:
        return None
    return date


def _assert_closure_matches(roots: list[OrgUnit], dates: list[dt.date]) -> None:
    for date in dates:
        for root in roots:
            closure = set(
                hierarchy.descendant_ids(root.pk, date).values_list("descendant_id", flat=True)
            )
            assert closure == descendants_recursive(root.pk, date), (root.code, date)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=50), plan=steps, data=st.data())
def test_closure_equals_recursive_query_after_any_sequence_of_moves(
    db: None, seed: int, plan: list[tuple[str, int, int, int]], data: st.DataObject
) -> None:
    with transaction.atomic():
        synth.synth(grassroots=8, provinces=2, uppers=4, seed=seed)
        everyone = list(OrgUnit.objects.order_by("code"))
        movable = [u for u in everyone if u.code != synth.ROOT_CODE]
        parents = [u for u in everyone if u.kind != UnitKind.GRASSROOTS]
        applied = 0
        for kind, a, b, offset in plan:
            changed_on = _apply(kind, movable, parents, a, b, offset)
            if changed_on is None:
                continue
            applied += 1
            # The day before and the day of the change, and dates anywhere in the span.
            dates = [changed_on - dt.timedelta(days=1), changed_on]
            dates += [_on(d) for d in data.draw(st.lists(days, min_size=1, max_size=3))]
            _assert_closure_matches(everyone, dates)
        rows = sorted(
            UnitClosure.objects.values_list(
                "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
            )
        )
        UnitClosure.objects.all().delete()
        hierarchy.rebuild_closure()
        assert (
            sorted(
                UnitClosure.objects.values_list(
                    "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
                )
            )
            == rows
        )
        event(f"steps applied: {applied if applied < 4 else '4 or more'}")
        transaction.set_rollback(True)
