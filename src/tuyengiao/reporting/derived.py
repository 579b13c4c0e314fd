"""Figures counted from records instead of typed on a form (e.g. training courses a unit ran).

An app that keeps records registers a producer for an element (in its AppConfig.ready); its
services call `refresh` in the same transaction as every write to such a record, so the
figure, its rollup, the dashboards and the reviews change together with the record. The
element is marked `source: records` so forms show it read-only."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import periods
from tuyengiao.reporting.models import DataElement, Period, PeriodType
from tuyengiao.reporting.services import period_get, values_write

logger = logging.getLogger(__name__)

# (unit, period) → the count, or None when there is nothing to count
Producer = Callable[[OrgUnit, Period], int | None]


@dataclass(frozen=True)
class Derivation:
    producer: Producer
    kinds: tuple[str, ...]


_REGISTRY: dict[str, Derivation] = {}


def register(code: str, producer: Producer, kinds: Iterable[str] = (PeriodType.YEAR,)) -> None:
    """Declare that element `code` is counted by `producer` for periods of `kinds`."""
    _REGISTRY[code] = Derivation(producer, tuple(kinds))


def unregister(code: str) -> None:
    _REGISTRY.pop(code, None)


def registered() -> list[str]:
    return sorted(_REGISTRY)


@transaction.atomic
def refresh(code: str, *, unit: OrgUnit, days: Iterable[dt.date]) -> int:
    """Recount element `code` for `unit` in every period (of the registered kinds) containing
    one of `days` — the record's dates before and after the change. Returns how many figures
    changed. The caller has already checked the acting user may change the record."""
    return refresh_many([code], unit=unit, days=days)


@transaction.atomic
def refresh_many(codes: Iterable[str], *, unit: OrgUnit, days: Iterable[dt.date]) -> int:
    """`refresh` for several elements of one record at once: one write (and one rollup) per
    period instead of one per element."""
    days, codes = list(days), list(codes)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    by_period: dict[str, list[str]] = {}
    for code in codes:
        element = elements.get(code)
        if element is None:
            # Reference data not loaded (`tuyengiao load_reference`): no indicator can use it.
            logger.warning("element %s is not loaded: not counted for unit %s", code, unit.pk)
            continue
        derivation = _REGISTRY[code]
        for kind in derivation.kinds:
            for period_code in {periods.code_for(kind, day) for day in days}:
                by_period.setdefault(period_code, []).append(code)
    changed = 0
    for period_code in sorted(by_period):
        period = period_get(period_code)
        cells = {
            (elements[code], ""): _REGISTRY[code].producer(unit, period)
            for code in by_period[period_code]
        }
        changed += values_write(None, unit=unit, period=period, cells=cells)
    return changed
