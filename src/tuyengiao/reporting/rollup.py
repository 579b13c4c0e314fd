"""The rollup engine: raw values in, sums per ancestor out, kept right incrementally.

Only units that can have units under them (every kind but grassroots) have cached sums: a
grassroots unit's figures are its own raw values, read straight from `DataValue` by `totals`.
That keeps the cache to ~1,000 units × cells at national scale instead of 130,000.

Each write adds its delta to the cached sums of the unit's ancestors (itself included unless it
is a grassroots unit) under two structures: the one in force on the period's last day
(historical) and today's (current), with one upsert for a whole form (`add_many`).
Restructurings are followed from the orgs restructuring log (`catch_up`): the sums of the
ancestors they touch are recomputed from their unaffected children's sums and raw values.
`compute` derives every sum from scratch in two grouped passes (raw values onto the unit that
holds them — the unit itself, or a grassroots unit's parent — then holders onto their
ancestors); `rebuild` stores that with INSERT … SELECT, `differences` compares it with what
is stored."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from tuyengiao.core.dates import today
from tuyengiao.core.lookups import among
from tuyengiao.orgs.models import OrgUnit, Restructuring, UnitClosure, UnitKind, UnitVersion
from tuyengiao.reporting.models import Aggregate, DataValue, Period, RollupState, Structure

# ancestor, element, period, category, structure → (total, units)
Key = tuple[int, int, int, str, str]
Rows = dict[Key, tuple[int, int]]
# unit, element, period, category → total
Totals = dict[tuple[int, int, int, str], int]

GRASSROOTS = UnitKind.GRASSROOTS.value
# Ids per IN (...) list: well under SQLite's 32,766 bound variables per statement.
_CHUNK = 5000
# Beyond this many affected units, catch_up recomputes them from raw values in one pass.
_FRONTIER_LIMIT = 2000


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


_AGG = _q(Aggregate._meta.db_table)
_VALUE = _q(DataValue._meta.db_table)
_PERIOD = _q(Period._meta.db_table)
_UNIT = _q(OrgUnit._meta.db_table)
_CLOSURE = _q(UnitClosure._meta.db_table)
_END = _q("end")
_COLUMNS = "ancestor_id, element_id, period_id, category, structure, total, units"


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _in(column: str, ids: Iterable[int]) -> tuple[str, list[Any]]:
    """`column IN (%s, …)` with its parameters (a condition that is never true for no ids)."""
    values = sorted(set(ids))
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _param(date: dt.date) -> Any:
    """A date as raw SQL takes it: SQLite stores ISO text."""
    return date.isoformat() if connection.vendor == "sqlite" else date


def _valid(alias: str, structure: str, date: dt.date, period: str) -> tuple[str, list[Any]]:
    """The closure rows of `alias` in force on the structure's date: the period's last day
    (end - 1, so valid_from < end <= valid_to) or `date` (today)."""
    if structure == Structure.HISTORICAL:
        end = f"{period}.{_END}"
        return f"{alias}.valid_from < {end} AND {alias}.valid_to >= {end}", []
    return f"{alias}.valid_from <= %s AND {alias}.valid_to > %s", [_param(date)] * 2


# --- writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One raw figure's change: what it adds to its unit's ancestors."""

    unit_id: int
    element_id: int
    period: Period
    category: str
    delta: int
    units_delta: int


def add(
    unit_id: int, element_id: int, period: Period, category: str, delta: int, units_delta: int
) -> None:
    """Apply one raw change to the cached sums of every ancestor, under both structures."""
    add_many([Change(unit_id, element_id, period, category, delta, units_delta)])


def _cached_ancestors(unit_ids: Iterable[int]) -> dict[int, list[tuple[int, dt.date, dt.date]]]:
    """For each unit, the ancestors that hold cached sums (itself unless grassroots), with the
    interval each is above it."""
    above: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
    rows = (
        UnitClosure.objects.filter(descendant_id__in=sorted(set(unit_ids)))
        .exclude(ancestor__kind=GRASSROOTS)
        .values_list("descendant_id", "ancestor_id", "valid_from", "valid_to")
    )
    for descendant_id, ancestor_id, valid_from, valid_to in rows:
        above[descendant_id].append((ancestor_id, valid_from, valid_to))
    return above


def add_many(changes: Iterable[Change]) -> None:
    """Apply many raw changes (a form's worth) to the cached sums: one query for the ancestors,
    one upsert adding every delta; where figures were removed, one update and one delete of
    the cells left without a value."""
    changes = list(changes)
    if not changes:
        return
    above = _cached_ancestors(c.unit_id for c in changes)
    now = today()
    cells: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for c in changes:
        dates = ((Structure.HISTORICAL, c.period.reference_date), (Structure.CURRENT, now))
        for structure, date in dates:
            for ancestor_id, valid_from, valid_to in above.get(c.unit_id, []):
                if valid_from <= date < valid_to:
                    cell = cells[(ancestor_id, c.element_id, c.period.pk, c.category, structure)]
                    cell[0] += c.delta
                    cell[1] += c.units_delta
    rows = sorted((k, (v[0], v[1])) for k, v in cells.items() if v != [0, 0])
    # Added in the database (total = total + delta), so concurrent writers never overwrite each
    # other; keys are sorted so that two writers lock rows in the same order. A cell losing a
    # value exists already; it is updated (an upsert's row would fail units >= 0 first).
    _upsert([r for r in rows if r[1][1] >= 0])
    losing = [r for r in rows if r[1][1] < 0]
    if losing:
        _update(losing)
        Aggregate.objects.filter(
            units=0,
            ancestor_id__in={k[0] for k, _v in losing},
            element_id__in={k[1] for k, _v in losing},
            period_id__in={k[2] for k, _v in losing},
        ).delete()


def _values(batch: list[tuple[Key, tuple[int, int]]]) -> tuple[str, list[Any]]:
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
    params: list[Any] = []
    for key, (delta, units_delta) in batch:
        params += [*key, delta, units_delta]
    return f"VALUES {placeholders}", params


def _upsert(rows: list[tuple[Key, tuple[int, int]]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            values, params = _values(rows[start : start + 1000])
            cursor.execute(
                f"INSERT INTO {_AGG} ({_COLUMNS}) {values} "  # noqa: S608 (our table)
                "ON CONFLICT (ancestor_id, element_id, period_id, category, structure) DO UPDATE "
                f"SET total = {_AGG}.total + excluded.total, units = {_AGG}.units + excluded.units",
                params,
            )


def _update(rows: list[tuple[Key, tuple[int, int]]]) -> None:
    # VALUES columns are named column1… in both SQLite and PostgreSQL.
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            values, params = _values(rows[start : start + 1000])
            cursor.execute(
                f"UPDATE {_AGG} SET total = {_AGG}.total + d.column6, "  # noqa: S608 (our table)
                f"units = {_AGG}.units + d.column7 FROM ({values}) AS d "
                f"WHERE {_AGG}.ancestor_id = d.column1 AND {_AGG}.element_id = d.column2 "
                f"AND {_AGG}.period_id = d.column3 AND {_AGG}.category = d.column4 "
                f"AND {_AGG}.structure = d.column5",
                params,
            )


# --- deriving from raw values ---------------------------------------------------------------


_HOLDER = "temp.rollup_holder"
_DEPTH = "CASE WHEN u.kind = %s THEN 1 ELSE 0 END"


def _holder_joins(unit: str, date: dt.date) -> tuple[str, list[Any]]:
    """LEFT JOINs giving `hh` and `hc`, the closure rows from `unit` (an alias or column) to
    its holder on the period `p`'s last day and on `date`; needs `u` (the unit) joined."""
    valid_hist, _ = _valid("hh", Structure.HISTORICAL, date, "p")
    valid_cur, p_cur = _valid("hc", Structure.CURRENT, date, "p")
    sql = f"""
    LEFT JOIN {_CLOSURE} hh ON hh.descendant_id = {unit} AND hh.depth = {_DEPTH} AND {valid_hist}
    LEFT JOIN {_CLOSURE} hc ON hc.descendant_id = {unit} AND hc.depth = {_DEPTH} AND {valid_cur}
    """
    return sql, [GRASSROOTS, GRASSROOTS, *p_cur]


def _holders(date: dt.date) -> tuple[str, str, str, list[Any]]:
    """(FROM clause over the values `v` and their period `p`, historical holder, current
    holder, parameters).

    PostgreSQL hash-joins the closure table twice. SQLite would look the closure up twice per
    value, so `_holder_map` first writes each (unit, period)'s two holders into a temporary
    table, and each value costs one primary-key lookup: 2.5 times faster."""
    if connection.vendor == "sqlite":
        source = f"""FROM {_VALUE} v NOT INDEXED
    JOIN {_HOLDER} h ON h.unit_id = v.unit_id AND h.period_id = v.period_id"""
        return source, "h.hist", "h.cur", []
    joins, params = _holder_joins("v.unit_id", date)
    source = f"""FROM {_VALUE} v
    JOIN {_PERIOD} p ON p.id = v.period_id
    JOIN {_UNIT} u ON u.id = v.unit_id {joins}"""
    return source, "hh.ancestor_id", "hc.ancestor_id", params


@contextmanager
def _holder_map(date: dt.date) -> Iterator[None]:
    """On SQLite, the temporary table `_holders` reads: every unit's holders per period."""
    if connection.vendor != "sqlite":
        yield
        return
    joins, params = _holder_joins("u.id", date)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_HOLDER}")
        cursor.execute(
            f"CREATE TEMP TABLE {_HOLDER.split('.')[1]} (unit_id INTEGER, period_id INTEGER, "
            "hist INTEGER, cur INTEGER, PRIMARY KEY (unit_id, period_id)) WITHOUT ROWID"
        )
        cursor.execute(
            f"INSERT INTO {_HOLDER} SELECT u.id, p.id, hh.ancestor_id, hc.ancestor_id "  # noqa: S608
            f"FROM {_UNIT} u CROSS JOIN {_PERIOD} p {joins} "
            "WHERE hh.ancestor_id IS NOT NULL OR hc.ancestor_id IS NOT NULL",
            params,
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_HOLDER}")


def _derive_sql(
    date: dt.date,
    *,
    holders: Sequence[int] | None = None,
    ancestors: Sequence[int] | None = None,
    since: dt.date | None = None,
) -> tuple[str, str, list[Any]]:
    """(WITH clause, SELECT, parameters) giving ancestor, element, period, category, structure,
    total, units for every cached sum derived from raw values, in two grouped passes:

    1. each raw value onto its holder under both structures at once (one pass over the
       values): the unit itself, or for a grassroots unit its parent (the closure row of
       depth 1), on the period's last day and today;
    2. each holder's sums onto its ancestors on that date (itself included).

    Restricted to the given holders and ancestors, and under the historical structure to
    periods ending after `since`."""
    source, hist, cur, params = _holders(date)
    inner_where, p_where = "1 = 1", []
    if holders is not None:
        in_hist, p_hist = _in(hist, holders)
        in_cur, p_in_cur = _in(cur, holders)
        inner_where, p_where = f"({in_hist} OR {in_cur})", p_hist + p_in_cur
    cte = f"""
WITH d AS MATERIALIZED (
    SELECT {hist} AS hist, {cur} AS cur, v.element_id, v.period_id, v.category,
           SUM(v.value) AS total, COUNT(*) AS units
    {source}
    WHERE {inner_where}
    GROUP BY {hist}, {cur}, v.element_id, v.period_id, v.category
)"""  # noqa: S608 (table names are ours; every value is a parameter)
    params += p_where
    valid_up_hist, _ = _valid("up", Structure.HISTORICAL, date, "p")
    valid_up_cur, p_up_cur = _valid("up", Structure.CURRENT, date, "p")
    where_hist, where_cur, p_where_hist, p_where_cur = ["1 = 1"], ["1 = 1"], [], []
    if since is not None:
        where_hist.append(f"p.{_END} > %s")
        p_where_hist.append(_param(since))
    if ancestors is not None:
        clause, ids = _in("up.ancestor_id", ancestors)
        where_hist.append(clause)
        where_cur.append(clause)
        p_where_hist += ids
        p_where_cur += ids
    select = f"""
SELECT up.ancestor_id, d.element_id, d.period_id, d.category, %s, SUM(d.total), SUM(d.units)
FROM d
JOIN {_PERIOD} p ON p.id = d.period_id
JOIN {_CLOSURE} up ON up.descendant_id = d.hist AND {valid_up_hist}
WHERE {" AND ".join(where_hist)}
GROUP BY up.ancestor_id, d.element_id, d.period_id, d.category
UNION ALL
SELECT up.ancestor_id, d.element_id, d.period_id, d.category, %s, SUM(d.total), SUM(d.units)
FROM d
JOIN {_CLOSURE} up ON up.descendant_id = d.cur AND {valid_up_cur}
WHERE {" AND ".join(where_cur)}
GROUP BY up.ancestor_id, d.element_id, d.period_id, d.category
"""  # noqa: S608
    params += [Structure.HISTORICAL.value, *p_where_hist]
    params += [Structure.CURRENT.value, *p_up_cur, *p_where_cur]
    return cte, select, params


def _fetch(sql: str, params: list[Any]) -> Rows:
    rows: Rows = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for ancestor, element, period, category, structure, total, units in cursor.fetchall():
            rows[(ancestor, element, period, category, structure)] = (int(total), int(units))
    return rows


def _holders_under(ancestor_ids: Sequence[int]) -> list[int]:
    """Every unit that was ever under these ancestors (themselves included) and holds sums."""
    found: set[int] = set()
    for chunk in _chunks(ancestor_ids):
        found.update(
            UnitClosure.objects.filter(ancestor_id__in=chunk)
            .exclude(descendant__kind=GRASSROOTS)
            .values_list("descendant_id", flat=True)
            .distinct()
        )
    return sorted(found)


def compute(ancestor_ids: Iterable[int] | None = None, since: dt.date | None = None) -> Rows:
    """Every cached sum derived from raw values: for the given ancestors (or all), and under
    the historical structure only for periods whose reference date is on or after `since`."""
    date = today()
    with _holder_map(date):
        if ancestor_ids is None:
            cte, select, params = _derive_sql(date, since=since)
            return _fetch(cte + select, params)
        ancestors = sorted(set(ancestor_ids))
        holders = _holders_under(ancestors)
        rows: Rows = {}
        for chunk in _chunks(ancestors):
            cte, select, params = _derive_sql(date, holders=holders, ancestors=chunk, since=since)
            rows |= _fetch(cte + select, params)
        return rows


def stored(ancestor_ids: Iterable[int] | None = None) -> Rows:
    aggregates = Aggregate.objects.all()
    if ancestor_ids is not None:
        aggregates = aggregates.filter(ancestor_id__in=list(ancestor_ids))
    return {
        (a, e, p, c, s): (t, n)
        for a, e, p, c, s, t, n in aggregates.values_list(
            "ancestor_id", "element_id", "period_id", "category", "structure", "total", "units"
        ).iterator(chunk_size=10_000)
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
    """Recompute every cached sum from raw values; returns how many rows the cache holds."""
    state = _state()
    date = today()
    cte, select, params = _derive_sql(date)
    with _holder_map(date), connection.cursor() as cursor:
        # Millions of rows: TRUNCATE (transactional on PostgreSQL) rather than DELETE.
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        cursor.execute(f"{empty} {_AGG}")
        if connection.vendor == "postgresql":
            # Millions of values are grouped twice: sorts and hashes in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"{cte} INSERT INTO {_AGG} ({_COLUMNS}) {select}", params)  # noqa: S608
    latest = Restructuring.objects.order_by("-id").values_list("id", flat=True).first()
    state.last_restructuring_id = latest or 0
    state.current_date = date
    state.save()
    return Aggregate.objects.count()


def differences() -> list[tuple[Key, tuple[int, int] | None, tuple[int, int] | None]]:
    """(key, stored, derived) for every cell where the cache and the raw values disagree."""
    catch_up()
    derived, cached = compute(), stored()
    keys = sorted(derived.keys() | cached.keys())
    return [(k, cached.get(k), derived.get(k)) for k in keys if cached.get(k) != derived.get(k)]


# --- following restructurings ---------------------------------------------------------------


_STATE = _q(RollupState._meta.db_table)
_RESTRUCTURING = _q(Restructuring._meta.db_table)
# The state, and whether a restructuring is pending: a new decision, or one recorded earlier
# that has taken effect since (a move dated next month is recorded now, felt then). Raw SQL:
# every read and write of figures runs it first.
_CHECK = f"""
SELECT s.{_q("current_date")}, EXISTS(
    SELECT 1 FROM {_RESTRUCTURING} r
    WHERE r.id > s.last_restructuring_id
       OR (r.effective_date > s.{_q("current_date")} AND r.effective_date <= %s)
)
FROM {_STATE} s WHERE s.id = 1"""  # noqa: S608 (our tables; the date is a parameter)


def catch_up() -> int:
    """Apply the restructurings recorded since the cache last looked. Returns how many were
    applied.

    Inside a transaction (a write), the state row is locked — one query that also tells
    whether anything is pending — so writes and recomputations never interleave. Outside one
    (a read), nothing is locked unless there is work: readers never wait for writers."""
    date = today()
    lock = " FOR UPDATE" if connection.in_atomic_block and connection.vendor != "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.execute(_CHECK + lock, [_param(date)])
        state = cursor.fetchone()
    if state is not None and _as_date(state[0]) == date and not state[1]:
        return 0
    return _catch_up(date)


def _as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@transaction.atomic
def _catch_up(date: dt.date) -> int:
    state = _state()
    changes = list(
        Restructuring.objects.filter(
            Q(id__gt=state.last_restructuring_id)
            | Q(effective_date__gt=state.current_date, effective_date__lte=date)
        ).values_list("id", "effective_date")
    )
    if changes:
        touched = set(
            Restructuring.units.through.objects.filter(
                restructuring_id__in=[pk for pk, _d in changes]
            ).values_list("orgunit_id", flat=True)
        )
        since = min(effective for _pk, effective in changes)
        _recompute(_upward(touched), since, date)
        state.last_restructuring_id = max(state.last_restructuring_id, *(pk for pk, _d in changes))
    state.current_date = date
    state.save()
    return len(changes)


def _upward(touched: set[int]) -> set[int]:
    """The touched units, the parents their versions ever had, and every unit ever above any of
    those, closed upward: on any date, whatever is above an affected unit is affected."""
    affected = set(touched)
    for chunk in _chunks(sorted(touched)):
        affected.update(
            UnitVersion.objects.filter(unit_id__in=chunk, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
    frontier = set(affected)
    while frontier:
        above: set[int] = set()
        for chunk in _chunks(sorted(frontier)):
            above.update(
                UnitClosure.objects.filter(descendant_id__in=chunk).values_list(
                    "ancestor_id", flat=True
                )
            )
        frontier = above - affected
        affected |= frontier
    return affected


def _recompute(affected: set[int], since: dt.date, date: dt.date) -> None:
    """Replace the cached sums of the affected units that hold sums: under today's structure
    for every period, under the historical one for periods whose last day is on or after
    `since`."""
    holders = sorted(
        pk
        for chunk in _chunks(sorted(affected))
        for pk in OrgUnit.objects.filter(id__in=chunk)
        .exclude(kind=GRASSROOTS)
        .values_list("id", flat=True)
    )
    if len(affected) > _FRONTIER_LIMIT:
        rows = compute(holders, since)
    else:
        rows = {}
        for structure, after in ((Structure.CURRENT, None), (Structure.HISTORICAL, since)):
            rows |= _from_frontier(affected, holders, structure, date, after)
    for chunk in _chunks(holders):
        Aggregate.objects.filter(ancestor_id__in=chunk, structure=Structure.CURRENT).delete()
        Aggregate.objects.filter(
            ancestor_id__in=chunk, structure=Structure.HISTORICAL, period__end__gt=since
        ).delete()
    _store(rows)


def _from_frontier(
    affected: set[int],
    holders: list[int],
    structure: str,
    date: dt.date,
    since: dt.date | None,
) -> Rows:
    """The sums of the affected holders on each period's date, without walking their whole
    subtrees: an affected unit's descendants are affected units (their own raw values count),
    or lie under exactly one *frontier* unit — unaffected, with an affected parent — whose
    cached sums (or, for a grassroots unit, raw values) are still right, since nothing under it
    changed. Affected sets are closed upward (`_upward`), so each descendant is counted once."""
    if not holders:
        return {}
    in_affected_v, p_aff_v = _in("v.unit_id", affected)
    in_holders_c, p_hold_c = _in("c.ancestor_id", holders)
    in_affected_f, p_aff_f = _in("f.ancestor_id", affected)
    in_affected_a, p_aff_a = _in("a.ancestor_id", affected)
    in_affected_fd, p_aff_fd = _in("f.descendant_id", affected)
    valid_c, p_c = _valid("c", structure, date, "p")
    valid_f, p_f = _valid("f", structure, date, "p")
    period_clause, p_period = ("1 = 1", [])
    if since is not None:
        period_clause, p_period = (f"p.{_END} > %s", [_param(since)])
    select = (
        "SELECT c.ancestor_id, {alias}.element_id, {alias}.period_id, {alias}.category, %s, "
        "{total}, {units}"
    )
    own = (
        select.format(alias="v", total="SUM(v.value)", units="COUNT(*)")
        + f"""
FROM {_VALUE} v
JOIN {_PERIOD} p ON p.id = v.period_id
JOIN {_CLOSURE} c ON c.descendant_id = v.unit_id AND {valid_c}
WHERE {in_affected_v} AND {in_holders_c} AND {period_clause}
GROUP BY c.ancestor_id, v.element_id, v.period_id, v.category"""
    )  # noqa: S608
    cached = (
        select.format(alias="a", total="SUM(a.total)", units="SUM(a.units)")
        + f"""
FROM {_AGG} a
JOIN {_PERIOD} p ON p.id = a.period_id
JOIN {_CLOSURE} f ON f.descendant_id = a.ancestor_id AND f.depth = 1 AND {valid_f}
JOIN {_CLOSURE} c ON c.descendant_id = f.ancestor_id AND {valid_c}
WHERE a.structure = %s AND NOT {in_affected_a} AND {in_affected_f} AND {in_holders_c}
  AND {period_clause}
GROUP BY c.ancestor_id, a.element_id, a.period_id, a.category"""
    )  # noqa: S608
    grassroots = (
        select.format(alias="v", total="SUM(v.value)", units="COUNT(*)")
        + f"""
FROM {_CLOSURE} f
JOIN {_UNIT} u ON u.id = f.descendant_id
JOIN {_VALUE} v ON v.unit_id = f.descendant_id
JOIN {_PERIOD} p ON p.id = v.period_id
JOIN {_CLOSURE} c ON c.descendant_id = f.ancestor_id AND {valid_c}
WHERE f.depth = 1 AND u.kind = %s AND {valid_f} AND {in_affected_f} AND NOT {in_affected_fd}
  AND {in_holders_c} AND {period_clause}
GROUP BY c.ancestor_id, v.element_id, v.period_id, v.category"""
    )  # noqa: S608
    queries = [
        (own, [structure, *p_c, *p_aff_v, *p_hold_c, *p_period]),
        (
            cached,
            [structure, *p_f, *p_c, structure, *p_aff_a, *p_aff_f, *p_hold_c, *p_period],
        ),
        (
            grassroots,
            [structure, *p_c, GRASSROOTS, *p_f, *p_aff_f, *p_aff_fd, *p_hold_c, *p_period],
        ),
    ]
    rows: Rows = {}
    for sql, params in queries:
        for key, (total, units) in _fetch(sql, params).items():
            before = rows.get(key, (0, 0))
            rows[key] = (before[0] + total, before[1] + units)
    return {k: v for k, v in rows.items() if v[1]}


# --- reading ---------------------------------------------------------------------------------


def totals(
    unit_ids: Iterable[int],
    element_ids: Iterable[int],
    period_ids: Iterable[int],
    structure: str,
) -> Totals:
    """The sums for many units, elements and periods at once: what every read of figures
    (indicators, dashboards, reviews) goes through, so they all agree. Three queries whatever
    the size (per 5,000 units): the units' kinds and lives, the cache for units that can have
    units under them, raw values for grassroots units (counted while the unit exists on the
    structure's date, as the cache counts it). A cell with no value entered anywhere under the
    unit is absent (no data is not zero)."""
    units = sorted(set(unit_ids))
    elements = sorted(set(element_ids))
    periods = sorted(set(period_ids))
    result: Totals = {}
    if not (units and elements and periods):
        return result
    dates = _structure_dates(periods, structure)
    for chunk in _chunks(units):
        holders, grassroots = _split_by_kind(chunk)
        if holders:
            cached = Aggregate.objects.filter(
                among("ancestor_id", holders),
                element_id__in=elements,
                period_id__in=periods,
                structure=structure,
            ).values_list("ancestor_id", "element_id", "period_id", "category", "total")
            result.update(((u, e, p, c), t) for u, e, p, c, t in cached)
        if grassroots:
            # Kinds and lives were read above: the values are read alone, by the index that
            # keeps each unit's figures together (joining the units made PostgreSQL hash the
            # whole table of 130,000 grassroots units for a breakdown of 600).
            raw = DataValue.objects.filter(
                among("unit_id", grassroots), element_id__in=elements, period_id__in=periods
            ).values_list("unit_id", "element_id", "period_id", "category", "value")
            result.update(
                ((u, e, p, c), v)
                for u, e, p, c, v in raw
                if _alive(grassroots[u], dates[p], structure)
            )
    return result


def _structure_dates(period_ids: list[int], structure: str) -> dict[int, dt.date]:
    """The date each period is read on: its end (exclusive) under the historical structure,
    today under the current one."""
    if structure != Structure.HISTORICAL:
        return dict.fromkeys(period_ids, today())
    return dict(Period.objects.filter(id__in=period_ids).values_list("id", "end"))


def _split_by_kind(
    unit_ids: list[int],
) -> tuple[list[int], dict[int, tuple[dt.date, dt.date]]]:
    """The units that hold cached sums, and the grassroots ones with their lives."""
    holders: list[int] = []
    grassroots: dict[int, tuple[dt.date, dt.date]] = {}
    rows = (
        OrgUnit.objects.filter(among("id", unit_ids))
        .order_by()
        .values_list("id", "kind", "valid_from", "valid_to")
    )
    for unit_id, kind, valid_from, valid_to in rows:
        if kind == GRASSROOTS:
            grassroots[unit_id] = (valid_from, valid_to)
        else:
            holders.append(unit_id)
    return holders, grassroots


def _alive(life: tuple[dt.date, dt.date], date: dt.date, structure: str) -> bool:
    """Whether a unit counts on the structure's date: for a period's end (exclusive), alive on
    its last day (valid_from < end <= valid_to); for today, valid_from <= today < valid_to."""
    valid_from, valid_to = life
    if structure == Structure.HISTORICAL:
        return valid_from < date <= valid_to
    return valid_from <= date < valid_to
