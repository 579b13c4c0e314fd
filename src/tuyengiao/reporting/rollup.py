"""The rollup engine: raw values in, sums per ancestor out, kept right incrementally.

Each write adds its delta to the aggregates of the unit's ancestors (itself included) under
two structures: the one in force on the period's last day (historical) and today's (current).
Restructurings are followed from the orgs restructuring log (`catch_up`): the aggregates of the
ancestors they touch are recomputed from raw values. `compute` derives every aggregate from
scratch; `rebuild` stores that, `differences` compares it with what is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from tuyengiao.core.dates import today, valid_on
from tuyengiao.orgs.models import Restructuring, UnitClosure
from tuyengiao.reporting.models import Aggregate, DataValue, Period, RollupState, Structure

# ancestor, element, period, category, structure → (total, units)
Key = tuple[int, int, int, str, str]
Rows = dict[Key, tuple[int, int]]
_ANCESTOR = "unit__closure_up__ancestor_id"


def _ancestor_ids(unit_id: int, date: dt.date) -> list[int]:
    return list(
        UnitClosure.objects.filter(descendant_id=unit_id, **valid_on(date)).values_list(
            "ancestor_id", flat=True
        )
    )


def _structure_dates(period: Period) -> list[tuple[str, dt.date]]:
    return [(Structure.HISTORICAL, period.reference_date), (Structure.CURRENT, today())]


def add(
    unit_id: int, element_id: int, period: Period, category: str, delta: int, units_delta: int
) -> None:
    """Apply one raw change to the cached sums of every ancestor, under both structures."""
    for structure, date in _structure_dates(period):
        ancestors = _ancestor_ids(unit_id, date)
        cell = {
            "element_id": element_id,
            "period_id": period.pk,
            "category": category,
            "structure": structure,
        }
        stored = {
            a.ancestor_id: a
            for a in Aggregate.objects.select_for_update().filter(ancestor_id__in=ancestors, **cell)
        }
        for aggregate in stored.values():
            aggregate.total += delta
            aggregate.units += units_delta
        Aggregate.objects.bulk_update([a for a in stored.values() if a.units], ["total", "units"])
        Aggregate.objects.filter(pk__in=[a.pk for a in stored.values() if not a.units]).delete()
        Aggregate.objects.bulk_create(
            Aggregate(ancestor_id=ancestor_id, total=delta, units=units_delta, **cell)
            for ancestor_id in ancestors
            if ancestor_id not in stored and units_delta > 0
        )


@dataclass(frozen=True)
class Change:
    """One raw figure's change: what it adds to its unit's ancestors."""

    unit_id: int
    element_id: int
    period: Period
    category: str
    delta: int
    units_delta: int


def add_many(changes: Iterable[Change]) -> None:
    """Apply many raw changes (one form's worth) to the cached sums."""
    for c in changes:
        add(c.unit_id, c.element_id, c.period, c.category, c.delta, c.units_delta)


def _grouped(values: Any, structure: str, period_id: int | None) -> Rows:
    fields = [_ANCESTOR, "element_id", "category"] + ([] if period_id else ["period_id"])
    rows: Rows = {}
    for row in values.values(*fields).annotate(total=Sum("value"), units=Count("id")):
        period = period_id or row["period_id"]
        key = (row[_ANCESTOR], row["element_id"], period, row["category"], structure)
        rows[key] = (row["total"], row["units"])
    return rows


def compute(ancestor_ids: Iterable[int] | None = None, since: dt.date | None = None) -> Rows:
    """Every aggregate derived from raw values: for the given ancestors (or all), and under the
    historical structure only for periods whose reference date is on or after `since`."""
    values = DataValue.objects.order_by()
    scope = Q() if ancestor_ids is None else Q(**{f"{_ANCESTOR}__in": list(ancestor_ids)})
    date = today()
    rows = _grouped(
        values.filter(
            scope, unit__closure_up__valid_from__lte=date, unit__closure_up__valid_to__gt=date
        ),
        Structure.CURRENT,
        None,
    )
    periods = Period.objects.filter(id__in=values.values("period_id"))
    if since is not None:
        periods = periods.filter(end__gt=since)
    for period in periods:
        ref = period.reference_date
        rows |= _grouped(
            values.filter(
                scope,
                period=period,
                unit__closure_up__valid_from__lte=ref,
                unit__closure_up__valid_to__gt=ref,
            ),
            Structure.HISTORICAL,
            period.pk,
        )
    return rows


def stored(ancestor_ids: Iterable[int] | None = None) -> Rows:
    aggregates = Aggregate.objects.all()
    if ancestor_ids is not None:
        aggregates = aggregates.filter(ancestor_id__in=list(ancestor_ids))
    return {
        (a.ancestor_id, a.element_id, a.period_id, a.category, a.structure): (a.total, a.units)
        for a in aggregates
    }


def _store(rows: Rows) -> None:
    Aggregate.objects.bulk_create(
        (
            Aggregate(
                ancestor_id=k[0],
                element_id=k[1],
                period_id=k[2],
                category=k[3],
                structure=k[4],
                total=total,
                units=units,
            )
            for k, (total, units) in rows.items()
        ),
        batch_size=2000,
    )


def _state() -> RollupState:
    state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
    return state


@transaction.atomic
def rebuild() -> int:
    """Recompute every aggregate from raw values; returns how many rows the cache holds."""
    state = _state()
    rows = compute()
    Aggregate.objects.all().delete()
    _store(rows)
    latest = Restructuring.objects.order_by("-id").values_list("id", flat=True).first()
    state.last_restructuring_id = latest or 0
    state.current_date = today()
    state.save()
    return len(rows)


def differences() -> list[tuple[Key, tuple[int, int] | None, tuple[int, int] | None]]:
    """(key, stored, derived) for every cell where the cache and the raw values disagree."""
    catch_up()
    derived, cached = compute(), stored()
    keys = sorted(derived.keys() | cached.keys())
    return [(k, cached.get(k), derived.get(k)) for k in keys if cached.get(k) != derived.get(k)]


@transaction.atomic
def catch_up() -> int:
    """Apply the restructurings recorded since the cache last looked: recompute the aggregates
    of every ancestor the units they touched ever had. Returns how many were applied."""
    state = _state()
    # New decisions, and decisions recorded earlier that have taken effect since: both change
    # today's structure (a move dated next month is recorded now, felt then).
    changes = list(
        Restructuring.objects.filter(
            Q(id__gt=state.last_restructuring_id)
            | Q(effective_date__gt=state.current_date, effective_date__lte=today())
        ).prefetch_related("units")
    )
    if not changes:
        if state.current_date != today():
            state.current_date = today()
            state.save(update_fields=["current_date"])
        return 0
    unit_ids = {u.pk for change in changes for u in change.units.all()}
    affected = (
        set(
            UnitClosure.objects.filter(descendant_id__in=unit_ids).values_list(
                "ancestor_id", flat=True
            )
        )
        | unit_ids
    )
    since = min(change.effective_date for change in changes)
    Aggregate.objects.filter(ancestor_id__in=affected, structure=Structure.CURRENT).delete()
    Aggregate.objects.filter(
        ancestor_id__in=affected, structure=Structure.HISTORICAL, period__end__gt=since
    ).delete()
    _store(compute(affected, since))
    state.last_restructuring_id = max(state.last_restructuring_id, *(c.pk for c in changes))
    state.current_date = today()
    state.save()
    return len(changes)


# unit, element, period, category → total
Totals = dict[tuple[int, int, int, str], int]


def totals(
    unit_ids: Iterable[int],
    element_ids: Iterable[int],
    period_ids: Iterable[int],
    structure: str,
) -> Totals:
    """The sums for many units, elements and periods at once, in one query: what every read of
    figures (indicators, dashboards, reviews) goes through, so they all agree. A cell with no
    value entered anywhere under the unit is absent (no data is not zero)."""
    rows = Aggregate.objects.filter(
        ancestor_id__in=list(unit_ids),
        element_id__in=list(element_ids),
        period_id__in=list(period_ids),
        structure=structure,
    ).values_list("ancestor_id", "element_id", "period_id", "category", "total")
    return {(u, e, p, c): t for u, e, p, c, t in rows}
