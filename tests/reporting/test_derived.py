"""Record-derived figures: a producer counts records, `refresh` writes the figure and its rollup
in the record's transaction, and the form shows the element read-only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tuyengiao.orgs.models import Person
from tuyengiao.orgs.people_services import person_create
from tuyengiao.reporting import derived, rollup
from tuyengiao.reporting.models import DataElement, DataValue, ElementSource, Period
from tuyengiao.reporting.report_form import ReportForm
from tuyengiao.reporting.report_selectors import report_for_user
from tuyengiao.reporting.report_services import report_values_submit
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

CODE = "key_officials"


def _officials(unit, period):
    """Stands in for a records app: the active officials registered at the unit."""
    return Person.objects.filter(unit=unit, is_active=True).count() or None


@pytest.fixture
def counted(db):
    elements_ensure()
    datasets_ensure()
    DataElement.objects.filter(code=CODE).update(source=ElementSource.RECORDS)
    derived.register(CODE, _officials)
    yield
    derived.unregister(CODE)


def _record(unit, name):
    """A records app's service: the record and its figure in one transaction."""
    person = person_create(None, full_name=name, sex="female", unit=unit)
    derived.refresh(CODE, unit=unit, days=[dt.date(2026, 3, 1)])
    return person


@time_machine.travel("2026-03-01")
def test_records_produce_the_figure_and_its_rollup(tree, counted, province_officer):
    _record(tree.school_a, "Nguyễn Thị Lan")
    _record(tree.school_a, "Trần Văn Minh")
    _record(tree.school_b, "Lê Thị Hoa")
    period = Period.objects.get(code="2026")
    element = DataElement.objects.get(code=CODE)
    assert DataValue.objects.get(unit=tree.school_a, period=period).value == 2
    totals = rollup.totals([tree.education.pk], [element.pk], [period.pk], "historical")
    assert totals == {(tree.education.pk, element.pk, period.pk, ""): 3}
    Person.objects.filter(unit=tree.school_b).delete()
    derived.refresh(CODE, unit=tree.school_b, days=[dt.date(2026, 3, 1)])
    assert not DataValue.objects.filter(unit=tree.school_b).exists()
    assert not rollup.differences()


@time_machine.travel("2026-03-01")
def test_a_counted_element_is_read_only_on_the_form(tree, counted, grassroots_officer):
    _record(tree.school_a, "Nguyễn Thị Lan")
    report = report_for_user(grassroots_officer, "BC-NAM-CS", "GD-001", "2026")
    cell = ReportForm.for_report(report).rows[0].total
    assert cell.field.element.code == CODE and cell.field.readonly
    # Submitting the form with a typed figure does not overwrite the counted one.
    report_values_submit(
        grassroots_officer,
        dataset=report.dataset,
        unit=tree.school_a,
        period_code="2026",
        values={CODE: 40, "key_officials_briefed": 1},
    )
    assert DataValue.objects.get(element__code=CODE, unit=tree.school_a).value == 1
