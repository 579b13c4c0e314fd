"""The plan's figures counted from the records of this app, through the rollup engine:

- T2.2  `propaganda_trainings_provincial`: propaganda-skills courses run by a provincial
  federation;
- T2.4a `arts_sports_events`: arts and sports events a unit organised;
- T2.4b `arts_festivals_provincial`, T2.4c `sports_tournaments_provincial`: provincial-level
  arts festivals and sports tournaments;
- T2.3a–c: from each grassroots union's cultural-standard record (`units_cultural_standard`,
  `enterprises_cultural_standard`, `member_families`, `families_cultural`) over denominators
  from the registry (`units_with_union`: every grassroots union existing on the year's last day,
  `enterprises_with_union`: those of them set up in an enterprise).

Services call `refresh_*` in the record's own transaction (reporting.derived). A count of
nothing is no figure (None), not 0: no data is not zero."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from tuyengiao.activities.models import (
    EVENT_KINDS,
    Activity,
    ActivityKind,
    CulturalRecord,
    EventKind,
    EventLevel,
    TrainingKind,
)
from tuyengiao.orgs.models import EnterpriseKind, OrgUnit, UnitKind
from tuyengiao.reporting import derived
from tuyengiao.reporting.models import DataElement, Period, PeriodType
from tuyengiao.reporting.services import period_get, values_write_many

TRAININGS = "propaganda_trainings_provincial"
EVENTS = "arts_sports_events"
FESTIVALS = "arts_festivals_provincial"
TOURNAMENTS = "sports_tournaments_provincial"
UNITS = "units_with_union"
ENTERPRISES = "enterprises_with_union"
UNITS_CULTURAL = "units_cultural_standard"
ENTERPRISES_CULTURAL = "enterprises_cultural_standard"
FAMILIES = "member_families"
FAMILIES_CULTURAL = "families_cultural"

ACTIVITY_ELEMENTS = (TRAININGS, EVENTS, FESTIVALS, TOURNAMENTS)
RECORD_ELEMENTS = (UNITS_CULTURAL, ENTERPRISES_CULTURAL, FAMILIES, FAMILIES_CULTURAL)
REGISTRY_ELEMENTS = (UNITS, ENTERPRISES)


def _count(found: QuerySet[Activity]) -> int | None:
    return found.count() or None


def _organised(unit: OrgUnit, period: Period) -> QuerySet[Activity]:
    """The activities a unit organised that started in the period."""
    return Activity.objects.filter(
        organiser=unit, start_date__gte=period.start, start_date__lt=period.end
    )


def trainings(unit: OrgUnit, period: Period) -> int | None:
    if unit.kind != UnitKind.PROVINCE:
        return None  # T2.2 counts the courses of the provincial federation only
    return _count(
        _organised(unit, period).filter(
            kind=ActivityKind.TRAINING, training_kind=TrainingKind.PROPAGANDA_SKILLS
        )
    )


def events(unit: OrgUnit, period: Period) -> int | None:
    return _count(_organised(unit, period).filter(kind__in=EVENT_KINDS))


def _provincial(event_kind: str) -> Callable[[OrgUnit, Period], int | None]:
    def count(unit: OrgUnit, period: Period) -> int | None:
        return _count(
            _organised(unit, period).filter(
                kind__in=EVENT_KINDS, event_kind=event_kind, event_level=EventLevel.PROVINCIAL
            )
        )

    return count


def _record(unit: OrgUnit, period: Period) -> CulturalRecord | None:
    return CulturalRecord.objects.filter(unit=unit, year=period.start.year).first()


def _exists_at_year_end(unit: OrgUnit, period: Period) -> bool:
    """Whether the unit exists on the period's last day (as the historical structure counts)."""
    return unit.valid_from < period.end <= unit.valid_to


def _in_enterprise(unit: OrgUnit) -> bool:
    return unit.enterprise is not None and unit.enterprise.kind == EnterpriseKind.ENTERPRISE


def units_with_union(unit: OrgUnit, period: Period) -> int | None:
    grassroots = unit.kind == UnitKind.GRASSROOTS
    return 1 if grassroots and _exists_at_year_end(unit, period) else None


def enterprises_with_union(unit: OrgUnit, period: Period) -> int | None:
    return 1 if units_with_union(unit, period) and _in_enterprise(unit) else None


def units_cultural(unit: OrgUnit, period: Period) -> int | None:
    record = _record(unit, period)
    if record is None or not units_with_union(unit, period):
        return None
    return 1 if record.recognised else 0


def enterprises_cultural(unit: OrgUnit, period: Period) -> int | None:
    recognised = units_cultural(unit, period)
    return recognised if recognised is not None and _in_enterprise(unit) else None


def families(unit: OrgUnit, period: Period) -> int | None:
    record = _record(unit, period)
    return record.families if record else None


def families_cultural(unit: OrgUnit, period: Period) -> int | None:
    record = _record(unit, period)
    return record.families_cultural if record else None


PRODUCERS: dict[str, derived.Producer] = {
    TRAININGS: trainings,
    EVENTS: events,
    FESTIVALS: _provincial(EventKind.ARTS_FESTIVAL),
    TOURNAMENTS: _provincial(EventKind.SPORTS_TOURNAMENT),
    UNITS: units_with_union,
    ENTERPRISES: enterprises_with_union,
    UNITS_CULTURAL: units_cultural,
    ENTERPRISES_CULTURAL: enterprises_cultural,
    FAMILIES: families,
    FAMILIES_CULTURAL: families_cultural,
}


def register_all() -> None:
    for code, producer in PRODUCERS.items():
        derived.register(code, producer, kinds=(PeriodType.YEAR,))


def elements_for(kinds: Iterable[str]) -> tuple[str, ...]:
    """The figures activities of these kinds can change: a propaganda session changes none."""
    kinds = set(kinds)
    codes: list[str] = []
    if ActivityKind.TRAINING in kinds:
        codes.append(TRAININGS)
    if kinds & EVENT_KINDS:
        codes += [EVENTS, FESTIVALS, TOURNAMENTS]
    return tuple(codes)


def refresh_activity(unit: OrgUnit, days: Iterable[dt.date], kinds: Iterable[str]) -> int:
    """Recount the activity figures of `unit` for the years of `days` (an activity's start
    before and after a change) that activities of `kinds` (before and after) can change."""
    codes = elements_for(kinds)
    return derived.refresh_many(codes, unit=unit, days=days) if codes else 0


def refresh_cultural(unit: OrgUnit, year: int) -> int:
    """Recount a grassroots union's T2.3 figures for a year, its denominators included."""
    codes = (*REGISTRY_ELEMENTS, *RECORD_ELEMENTS)
    return derived.refresh_many(codes, unit=unit, days=[dt.date(year, 6, 30)])


def refresh_registry(year: int) -> int:
    """Write the registry denominators of T2.3a and T2.3b for every grassroots union for a
    year in one batch: 1 for each union existing on the year's last day (and set up in an
    enterprise), nothing for the others. Run nightly for the current year (units are
    established and dissolved), for a past year after a back-dated restructuring, and by the
    demo. Returns how many figures changed."""
    period = period_get(str(year))
    elements = {e.code: e for e in DataElement.objects.filter(code__in=REGISTRY_ELEMENTS)}
    grassroots = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).select_related("enterprise")
    # Every union that existed at some time in the year may hold a figure to remove.
    touched = grassroots.filter(Q(valid_from__lt=period.end) & Q(valid_to__gt=period.start))
    cells: dict[tuple[OrgUnit, DataElement, str], int | None] = {}
    for unit in touched.iterator(chunk_size=5000):
        cells[(unit, elements[UNITS], "")] = units_with_union(unit, period)
        cells[(unit, elements[ENTERPRISES], "")] = enterprises_with_union(unit, period)
    return values_write_many(None, period=period, cells=cells, action="figures.registry")
