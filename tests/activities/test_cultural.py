"""Cultural-standard records (TASK-6) feed T2.3a–c: numerators from each grassroots union's
record, denominators from the registry (every union existing on the year's last day, those
set up in an enterprise), at every level, as Σ numerator / Σ denominator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.activities import figures
from tuyengiao.activities.cultural_services import CulturalInput, cultural_record_set
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as orgs
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import DataElement, DataValue, Period, Structure


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def share(unit, numerator, denominator, year=2025):
    """The indicator as the dashboards compute it: Σ numerator / Σ denominator."""
    rollup.catch_up()
    elements = dict(
        DataElement.objects.filter(code__in=[numerator, denominator]).values_list("code", "pk")
    )
    period = Period.objects.get(code=str(year))
    cells = rollup.totals([unit.pk], elements.values(), [period.pk], Structure.HISTORICAL)
    top = cells.get((unit.pk, elements[numerator], period.pk, ""), 0)
    bottom = cells.get((unit.pk, elements[denominator], period.pk, ""))
    return None if not bottom else (top, bottom, round(Decimal(100 * top) / bottom, 1))


def test_records_over_registry_denominators_at_every_level(tree, reference, province_officer):
    assert figures.refresh_registry(2025) == 4  # 3 unions, and 1 of them in an enterprise
    assert share(tree.province, figures.UNITS_CULTURAL, figures.UNITS) == (0, 3, 0)
    cultural_record_set(
        province_officer,
        unit=tree.school_a,
        year=2025,
        data=CulturalInput(recognised=True, families=40, families_cultural=36),
    )
    cultural_record_set(
        province_officer,
        unit=tree.garment,
        year=2025,
        data=CulturalInput(registered=True, families=100, families_cultural=90),
    )
    # T2.3a: one of the three unions is recognised.
    assert share(tree.province, figures.UNITS_CULTURAL, figures.UNITS) == (1, 3, Decimal("33.3"))
    assert share(tree.education, figures.UNITS_CULTURAL, figures.UNITS) == (1, 2, 50)
    # T2.3b: the garment company is the only enterprise; it is not recognised yet.
    assert share(tree.province, figures.ENTERPRISES_CULTURAL, figures.ENTERPRISES) == (0, 1, 0)
    # T2.3c: families summed, never averaged: (36 + 90) / (40 + 100).
    assert share(tree.province, figures.FAMILIES_CULTURAL, figures.FAMILIES) == (126, 140, 90)
    cultural_record_set(
        province_officer,
        unit=tree.garment,
        year=2025,
        data=CulturalInput(recognised=True, families=100, families_cultural=90),
        version=1,
    )
    assert share(tree.province, figures.ENTERPRISES_CULTURAL, figures.ENTERPRISES) == (1, 1, 100)
    assert CulturalRecord.objects.get(unit=tree.garment).registered  # recognition implies it
    assert not rollup.differences()


def test_the_registry_follows_dissolutions_and_is_idempotent(tree, reference, admin_user):
    figures.refresh_registry(2025)
    assert figures.refresh_registry(2025) == 0
    orgs.unit_dissolve(
        admin_user,
        unit=tree.school_b,
        effective_date=dt.date(2025, 10, 1),
        reason="Sáp nhập trường",
    )
    assert figures.refresh_registry(2025) == 1
    assert share(tree.education, figures.UNITS_CULTURAL, figures.UNITS) == (0, 1, 0)
    assert AuditEntry.objects.filter(action="figures.registry").count() == 2
    assert not rollup.differences()


def test_a_record_saved_twice_changes_nothing(tree, reference, upper_officer):
    data = CulturalInput(registered=True, families=10, families_cultural=9)
    assert cultural_record_set(upper_officer, unit=tree.school_a, year=2025, data=data)[1]
    values = list(DataValue.objects.values_list("id", "value", "version"))
    again = CulturalInput(registered=True, families=10, families_cultural=9)
    assert not cultural_record_set(upper_officer, unit=tree.school_a, year=2025, data=again)[1]
    assert list(DataValue.objects.values_list("id", "value", "version")) == values
    assert AuditEntry.objects.filter(action="cultural.set").count() == 1


@pytest.mark.parametrize(
    ("unit", "year", "data", "field"),
    [
        ("school_a", 2025, CulturalInput(families=10, families_cultural=11), "families_cultural"),
        ("school_a", 2025, CulturalInput(families_cultural=5), "families"),
        ("school_a", 2025, CulturalInput(families=-1), "families"),
        ("school_a", 2027, CulturalInput(), "year"),
        ("education", 2025, CulturalInput(), "unit"),
    ],
)
def test_bad_records_are_refused_by_field(tree, reference, upper_officer, unit, year, data, field):
    with pytest.raises(ValidationError) as caught:
        cultural_record_set(upper_officer, unit=getattr(tree, unit), year=year, data=data)
    assert field in caught.value.message_dict
    assert not CulturalRecord.objects.exists() and not DataValue.objects.exists()


def test_outside_scope_is_refused(tree, reference, outsider):
    with pytest.raises(PermissionDenied):
        cultural_record_set(
            outsider, unit=tree.school_a, year=2025, data=CulturalInput(recognised=True)
        )
    assert not CulturalRecord.objects.exists()


def test_a_blank_record_removes_the_one_on_file_and_its_figures(tree, reference, upper_officer):
    figures.refresh_registry(2025)
    data = CulturalInput(recognised=True, families=40, families_cultural=36)
    record, _changed = cultural_record_set(upper_officer, unit=tree.school_a, year=2025, data=data)
    assert share(tree.education, figures.FAMILIES_CULTURAL, figures.FAMILIES) == (36, 40, 90)
    with pytest.raises(ValidationError):  # someone else's version
        cultural_record_set(
            upper_officer, unit=tree.school_a, year=2025, data=CulturalInput(), version=7
        )
    removed = cultural_record_set(
        upper_officer, unit=tree.school_a, year=2025, data=CulturalInput(), version=record.version
    )
    assert removed == (None, True) and not CulturalRecord.objects.exists()
    assert share(tree.education, figures.UNITS_CULTURAL, figures.UNITS) == (0, 2, 0)
    assert share(tree.education, figures.FAMILIES_CULTURAL, figures.FAMILIES) is None
    entry = AuditEntry.objects.get(action="cultural.delete")
    assert entry.actor == upper_officer and entry.before["families_cultural"] == 36
    # Blank again: nothing to remove, nothing recorded.
    assert cultural_record_set(
        upper_officer, unit=tree.school_a, year=2025, data=CulturalInput()
    ) == (None, False)
    assert not rollup.differences()


def test_a_stale_version_is_refused(tree, reference, upper_officer):
    cultural_record_set(
        upper_officer, unit=tree.school_a, year=2025, data=CulturalInput(families=10)
    )
    cultural_record_set(
        upper_officer, unit=tree.school_a, year=2025, data=CulturalInput(families=12), version=1
    )
    with pytest.raises(ValidationError):
        cultural_record_set(
            upper_officer, unit=tree.school_a, year=2025, data=CulturalInput(families=99), version=1
        )
    assert CulturalRecord.objects.get().families == 12


def test_the_nightly_task_writes_this_years_denominators(tree, reference):
    from tuyengiao.activities.tasks import refresh_registry_denominators

    refresh_registry_denominators.call_local()
    assert DataValue.objects.filter(element__code=figures.UNITS, period__code="2026").count() == 3
