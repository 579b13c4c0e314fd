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
    derivation = _REGISTRY[code]
    element = DataElement.objects.filter(code=code).first()
    if element is None:
        # Reference data not loaded (`tuyengiao load_reference`): no indicator can use it.
        logger.warning("element %s is not loaded: figure not counted for unit %s", code, unit.pk)
        return 0
    changed = 0
    codes = {periods.code_for(kind, day) for kind in derivation.kinds for day in days}
    for period_code in sorted(codes):
        period = period_get(period_code)
        value = derivation.producer(unit, period)
        changed += values_write(None, unit=unit, period=period, cells={(element, ""): value})
    return changed
