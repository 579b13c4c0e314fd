"""Synthetic raw figures for the synthetic national tree (`orgs.synth`), for benchmarks.

Every grassroots unit reports the seed plan's grassroots elements for each year it exists on
the year's last day (the enterprise figures only if it has an enterprise; women among the
total for elements by sex), and the number of key officials and of those briefed for each
half-year. Numbers are plausible and consistent (a part never exceeds its whole), the same for
the same seed. Rows go in with COPY on PostgreSQL and executemany on SQLite, then the rollup
cache is rebuilt from them."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitKind
from tuyengiao.reporting import rollup, services
from tuyengiao.reporting.models import (
    Aggregate,
    Category,
    DataElement,
    DataValue,
    Period,
    Report,
    RollupState,
)

# The elements a grassroots unit reports every year; the enterprise ones only with an enterprise.
YEARLY = [
    "key_officials",
    "key_officials_briefed",
    "members",
    "members_briefed",
    "workers_in_union_enterprises",
    "workers_learning",
    "units_with_union",
    "units_cultural_standard",
    "enterprises_with_union",
    "enterprises_cultural_standard",
    "member_families",
    "families_cultural",
    "arts_sports_events",
]
ENTERPRISE_ONLY = {
    "workers_in_union_enterprises",
    "workers_learning",
    "enterprises_with_union",
    "enterprises_cultural_standard",
}
HALF_YEARLY = ["key_officials", "key_officials_briefed"]
_COLUMNS = ["element_id", "unit_id", "period_id", "category", "value", "version", "updated_at"]
_BATCH = 20_000


class ValuesRefused(Exception):
    """The database is not in a state the generator may write to."""


@dataclass
class ValuesResult:
    values: int = 0
    periods: list[str] = field(default_factory=list)
    aggregates: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def parse_years(text: str) -> range:
    """ "2023-2028" or "2024" → the years, inclusive."""
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"not a year or a range of years: {text!r}") from None
    if not 2000 <= start <= end <= 2100:
        raise ValueError(f"not a year or a range of years: {text!r}")
    return range(start, end + 1)


def wipe() -> None:
    """Delete every raw figure, report and cached sum (before the tree they point at goes)."""
    Aggregate.objects.all().delete()
    RollupState.objects.all().delete()
    with connection.cursor() as cursor:
        # Plain deletes: millions of rows with nothing pointing at them.
        for model in (DataValue, Report):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def _unit_figures(rng: random.Random, workforce: int | None) -> dict[str, tuple[int, int | None]]:
    """One unit's figures for one year: element → (total, women or None)."""
    enterprise = workforce is not None
    workers = max(5, workforce or 0)
    members = int(workers * rng.uniform(0.6, 1.0)) if enterprise else rng.randint(10, 300)
    women = int(members * rng.uniform(0.3, 0.75))
    briefed = int(members * rng.uniform(0.7, 1.0))
    officials = rng.randint(3, 15)
    families = int(members * rng.uniform(0.5, 0.9))
    registered = 1 if rng.random() < 0.9 else 0
    figures: dict[str, tuple[int, int | None]] = {
        "key_officials": (officials, None),
        "key_officials_briefed": (int(officials * rng.uniform(0.8, 1.0)), None),
        "members": (members, women),
        "members_briefed": (briefed, min(briefed, int(women * rng.uniform(0.7, 1.0)))),
        "units_with_union": (registered, None),
        "units_cultural_standard": (registered if rng.random() < 0.7 else 0, None),
        "member_families": (families, None),
        "families_cultural": (int(families * rng.uniform(0.7, 0.95)), None),
        "arts_sports_events": (rng.randint(0, 5), None),
    }
    if enterprise:
        workers_women = int(workers * rng.uniform(0.3, 0.75))
        learning = int(workers * rng.uniform(0.1, 0.5))
        figures |= {
            "workers_in_union_enterprises": (workers, workers_women),
            "workers_learning": (learning, min(learning, workers_women)),
            "enterprises_with_union": (1, None),
            "enterprises_cultural_standard": (1 if rng.random() < 0.6 else 0, None),
        }
    return figures


def _rows(
    rng: random.Random,
    units: list[tuple[int, dt.date, dt.date, int | None]],
    years: list[tuple[Period, list[Period]]],
    elements: dict[str, DataElement],
    stamp: Any,
) -> Iterator[tuple[Any, ...]]:
    female = Category.FEMALE.value
    for unit_id, valid_from, valid_to, workforce in units:
        for year, halves in years:
            for period in [year, *halves]:
                if not valid_from <= period.reference_date < valid_to:
                    continue
                figures = _unit_figures(rng, workforce)
                codes = YEARLY if period is year else HALF_YEARLY
                for code in codes:
                    if code not in figures:
                        continue
                    element = elements[code]
                    total, women = figures[code]
                    yield (element.pk, unit_id, period.pk, "", total, 1, stamp)
                    if element.by_sex and women is not None:
                        yield (element.pk, unit_id, period.pk, female, women, 1, stamp)


def _insert(rows: Iterator[tuple[Any, ...]]) -> int:
    table = connection.ops.quote_name(DataValue._meta.db_table)
    columns = ", ".join(_COLUMNS)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


def _analyze(*models: type[Model]) -> None:
    """On PostgreSQL, what autovacuum would do soon after a bulk load: plans need the sizes."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def synth_values(*, years: range, seed: int = 1) -> ValuesResult:
    """Write the figures of every grassroots unit for the given years, then rebuild the rollup
    cache. Refuses a database that already has raw figures (wipe them first)."""
    result = ValuesResult()
    started = time.perf_counter()
    services.elements_ensure()
    elements = {e.code: e for e in DataElement.objects.filter(code__in=YEARLY + HALF_YEARLY)}
    periods = [
        (services.period_get(str(y)), [services.period_get(f"{y}-H{h}") for h in (1, 2)])
        for y in years
    ]
    result.periods = [p.code for year, halves in periods for p in (year, *halves)]
    units = list(
        OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS)
        .order_by("id")
        .values_list("id", "valid_from", "valid_to", "enterprise__workforce")
    )
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        if DataValue.objects.exists():
            raise ValuesRefused("the database already has figures; wipe them first")
        result.values = _insert(_rows(rng, units, periods, elements, stamp))
    result.seconds["values"] = time.perf_counter() - started
    _analyze(DataValue, OrgUnit, UnitClosure, Period)
    mark = time.perf_counter()
    result.aggregates = rollup.rebuild()
    _analyze(Aggregate)
    result.seconds["rebuild"] = time.perf_counter() - mark
    return result
