"""Reads of cultural-standard records, scoped to the acting user: the unit whose grassroots
unions are entered (the gate), those unions on the year's last day with their records, which of
them the user may change, and the unit's T2.3a–c figures as the dashboards compute them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from tuyengiao.accounts.models import User
from tuyengiao.activities import figures as activity_figures
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting.indicators import Figure, figures_for_user

# The numerators of T2.3a–c: the plan's indicators are found by what they count, not by code.
CULTURAL_NUMERATORS = (
    activity_figures.UNITS_CULTURAL,
    activity_figures.ENTERPRISES_CULTURAL,
    activity_figures.FAMILIES_CULTURAL,
)
FIRST_YEAR = 2020


def year_end(year: int) -> dt.date:
    """The structure a year's records are entered under: the tree of its last day."""
    return dt.date(year, 12, 31)


def years() -> list[int]:
    """The years records may be entered for (the service refuses years not yet started)."""
    return list(range(today().year, FIRST_YEAR - 1, -1))


def default_year() -> int:
    """The last year that has ended: the one whose recognitions are being entered (as the
    reporting forms default to the last period that has ended)."""
    return today().year - 1


def cultural_root(user: User, code: str, year: int) -> OrgUnit:
    """The gate to the unit whose unions are entered or exported: 404 for an unknown code, 403
    unless the user reads it and it was in the user's scope on the year's last day."""
    unit = unit_for_user(user, code.strip().upper())
    root_id = access.scope_root_id(user)
    access.require(root_id is None or hierarchy.is_under(root_id, unit.pk, year_end(year)))
    return unit


def union_to_edit(user: User, code: str) -> OrgUnit:
    """The gate to one union's record: 404, or 403 unless the user may write for it today."""
    return unit_for_user(user, code.strip().upper(), write=True)


def unions(root: OrgUnit, year: int, query: str = "") -> QuerySet[UnitVersion]:
    """The grassroots unions under `root` (itself included) on the year's last day, as named
    then, by code; `query` matches their names without diacritics."""
    date = year_end(year)
    found = UnitVersion.objects.filter(
        unit_id__in=hierarchy.descendant_ids(root.pk, date),
        unit__kind=UnitKind.GRASSROOTS,
        **valid_on(date),
    )
    for term in search_terms(query):
        found = found.filter(search_key__contains=term)
    return found.select_related("unit", "unit__enterprise").order_by("unit__code")


def writable_ids(user: User, unit_ids: Iterable[int]) -> set[int]:
    """The units among `unit_ids` whose records the user may change today (access.can_write
    for each, in one query)."""
    ids = list(unit_ids)
    if not ids or not user.is_active or not user.can_edit:
        return set()
    units = OrgUnit.objects.filter(pk__in=ids)
    if not access.has_whole_tree(user):
        if user.scope_unit_id is None:
            return set()
        units = units.filter(pk__in=hierarchy.descendant_ids(user.scope_unit_id, today()))
    return set(units.values_list("pk", flat=True))


def records_of(unit_ids: Iterable[int], year: int) -> dict[int, CulturalRecord]:
    return {
        record.unit_id: record
        for record in CulturalRecord.objects.filter(unit_id__in=list(unit_ids), year=year)
    }


@dataclass
class UnionRow:
    """One union of the entry table: its name that year, its record and whether the user may
    change it."""

    unit: OrgUnit
    name: str
    record: CulturalRecord | None
    writable: bool


def union_rows(user: User, versions: Iterable[UnitVersion], year: int) -> list[UnionRow]:
    """The rows of a page of unions: two queries whatever its length."""
    versions = list(versions)
    ids = [v.unit_id for v in versions]
    records = records_of(ids, year)
    writable = writable_ids(user, ids)
    return [
        UnionRow(v.unit, v.name, records.get(v.unit_id), v.unit_id in writable) for v in versions
    ]


def union_row(user: User, unit: OrgUnit, year: int) -> UnionRow:
    version = hierarchy.version_on(unit.pk, year_end(year))
    name = version.name if version is not None else unit.name
    return UnionRow(
        unit, name, records_of([unit.pk], year).get(unit.pk), bool(writable_ids(user, [unit.pk]))
    )


def shares(user: User, unit: OrgUnit, year: int) -> list[Figure]:
    """The unit's T2.3a–c for the year, exactly as its dashboard shows them (the plan in force
    for the unit, Σ numerator / Σ denominator through the rollup); none without a plan."""
    return [
        figure
        for figure in figures_for_user(user, unit, year)
        if figure.indicator.numerator in CULTURAL_NUMERATORS
    ]
