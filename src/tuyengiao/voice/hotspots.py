"""The signals of trouble at each grassroots union (voice.Hotspot), derived from its situation
reports and its cases. `refresh` runs inside every write that changes them; `rebuild` derives
every union's at once (after a bulk load, or to check the table against its sources)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum

from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting.models import DataValue, PeriodType, Report, ReportStatus
from tuyengiao.reporting.periods import months_before
from tuyengiao.voice.models import (
    INSURANCE_ARREARS_ELEMENT,
    OPEN_STATES,
    SITUATION_FORM,
    TENSE_ELEMENT,
    TENSE_WINDOW,
    WAGE_ARREARS_ELEMENT,
    Case,
    CaseStatus,
    Hotspot,
)

_ELEMENTS = (TENSE_ELEMENT, WAGE_ARREARS_ELEMENT, INSURANCE_ARREARS_ELEMENT)
_CHUNK = 5_000  # units per round of queries: bounded memory and query parameters


@dataclass
class Signals:
    """What a Hotspot row holds, before it is stored (or found to be empty)."""

    month: dt.date | None = None
    tense_months: int = 0
    wage_workers: int = 0
    wage_workers_before: int = 0
    insurance_workers: int = 0
    insurance_workers_before: int = 0
    open_cases: int = 0
    escalated_cases: int = 0
    case_workers: int = 0

    def any(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self) if item.name != "month")


def _latest_months(units: Iterable[int] | None, since: dt.date | None) -> dict[int, dt.date]:
    """The month of each union's latest situation report ever submitted: a report returned
    for correction keeps its figures until it is submitted again."""
    reports = Report.objects.filter(dataset__code=SITUATION_FORM).exclude(status=ReportStatus.DRAFT)
    if units is not None:
        reports = reports.filter(unit_id__in=units)
    if since is not None:
        reports = reports.filter(period__start__gte=since)
    rows = reports.values("unit_id").annotate(month=Max("period__start"))
    return {row["unit_id"]: row["month"] for row in rows}


def _figures(
    units: Iterable[int] | None, since: dt.date | None
) -> dict[int, dict[tuple[str, dt.date], int]]:
    """The signal figures above zero, by union: (element, month) → value. Zero is the usual
    answer and is what a missing figure means here, so it is not read at all."""
    values = DataValue.objects.filter(
        element__code__in=_ELEMENTS, category="", period__kind=PeriodType.MONTH, value__gt=0
    )
    if units is not None:
        values = values.filter(unit_id__in=units)
    if since is not None:
        values = values.filter(period__start__gte=since)
    found: dict[int, dict[tuple[str, dt.date], int]] = defaultdict(dict)
    rows = values.values_list("unit_id", "element__code", "period__start", "value")
    for unit_id, code, start, value in rows.iterator(chunk_size=10_000):
        found[unit_id][(code, start)] = value
    return found


def _cases(units: Iterable[int] | None) -> QuerySet[Any, Any]:
    cases = Case.objects.filter(status__in=OPEN_STATES)
    if units is not None:
        cases = cases.filter(unit_id__in=units)
    return cases.values("unit_id").annotate(
        open_cases=Count("id"),
        escalated_cases=Count("id", filter=Q(status=CaseStatus.ESCALATED)),
        case_workers=Sum("workers_affected"),
    )


def _from_reports(month: dt.date, figures: dict[tuple[str, dt.date], int]) -> Signals:
    before = months_before(month, 1)
    window = [months_before(month, back) for back in range(TENSE_WINDOW)]
    return Signals(
        month=month,
        tense_months=sum(1 for start in window if figures.get((TENSE_ELEMENT, start))),
        wage_workers=figures.get((WAGE_ARREARS_ELEMENT, month), 0),
        wage_workers_before=figures.get((WAGE_ARREARS_ELEMENT, before), 0),
        insurance_workers=figures.get((INSURANCE_ARREARS_ELEMENT, month), 0),
        insurance_workers_before=figures.get((INSURANCE_ARREARS_ELEMENT, before), 0),
    )


def signals(units: Iterable[int] | None = None, since: dt.date | None = None) -> dict[int, Signals]:
    """The signals of the given unions (or of all), read from their sources. With `since`,
    only reports of that month or later are read: enough when older ones no longer count."""
    unit_list = list(units) if units is not None else None
    figure_since = months_before(since, TENSE_WINDOW - 1) if since is not None else None
    months = _latest_months(unit_list, since)
    figures = _figures(unit_list, figure_since)
    found = {unit: _from_reports(month, figures.get(unit, {})) for unit, month in months.items()}
    for row in _cases(unit_list):
        entry = found.setdefault(row["unit_id"], Signals())
        entry.open_cases = row["open_cases"]
        entry.escalated_cases = row["escalated_cases"]
        entry.case_workers = row["case_workers"] or 0
    return found


def _store(unit_ids: list[int], found: dict[int, Signals]) -> None:
    Hotspot.objects.filter(unit_id__in=unit_ids).delete()
    Hotspot.objects.bulk_create(
        [Hotspot(unit_id=unit, **vars(entry)) for unit, entry in found.items() if entry.any()],
        batch_size=1_000,
    )


@transaction.atomic
def refresh(unit_ids: Iterable[int]) -> None:
    """Derive again the signals of these unions, in the caller's transaction."""
    ids = sorted(set(unit_ids))
    _store(ids, signals(ids))


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def _grassroots_chunks() -> Iterator[list[int]]:
    grassroots = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).order_by("pk")
    return _chunks(grassroots.values_list("pk", flat=True).iterator(chunk_size=_CHUNK))


def rebuild() -> int:
    """Derive every grassroots union's signals again; returns how many have some."""
    for chunk in _grassroots_chunks():
        with transaction.atomic():
            _store(chunk, signals(chunk))
    return Hotspot.objects.count()


def stale() -> list[int]:
    """The unions whose stored signals differ from what their sources say now (none, unless
    figures were written past the services: a restored backup, a hand-made correction)."""
    found = []
    for chunk in _grassroots_chunks():
        derived = {unit: entry for unit, entry in signals(chunk).items() if entry.any()}
        stored = {
            row.pk: Signals(**{item.name: getattr(row, item.name) for item in fields(Signals)})
            for row in Hotspot.objects.filter(unit_id__in=chunk)
        }
        found += [unit for unit in chunk if derived.get(unit) != stored.get(unit)]
    return found
