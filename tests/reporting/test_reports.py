"""Reports: drafts kept as typed, validation in Vietnamese terms, submission writing the figures
and their rollup, approval locking them, return and reopening, and every refusal changing
nothing."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tuyengiao.core.models import AuditEntry
from tuyengiao.reporting import periods, rollup
from tuyengiao.reporting.models import DataValue, Period, Report, ReportStatus
from tuyengiao.reporting.report_selectors import report_for_user
from tuyengiao.reporting.report_services import (
    NeedsConfirmation,
    report_approve,
    report_reopen,
    report_return,
    report_save_draft,
    report_submit,
    report_values_submit,
)
from tuyengiao.reporting.services import datasets_ensure, elements_ensure, period_get
from tuyengiao.reporting.validation import parse

pytestmark = pytest.mark.usefixtures("forms")
YEARLY = "BC-NAM-CS"


@pytest.fixture
def forms(db):
    elements_ensure()
    datasets_ensure()
    # The rules are what is tested here; the Vietnamese wording is the browser tests' business.
    with translation.override("en"):
        yield


def _report(user, unit="GD-001", period="2025", dataset=YEARLY):
    return report_for_user(user, dataset, unit, period)


def _values(unit):
    return {
        (v.element.code, v.category): v.value
        for v in DataValue.objects.filter(unit=unit).select_related("element")
    }


def _fill(user, typed, unit="GD-001", period="2025"):
    report = _report(user, unit, period)
    return report_save_draft(user, report=report, typed=typed, version=report.version)


GOOD = {"members": "1.200", "members:female": "700", "members_briefed": "1100"}


def test_period_codes():
    assert periods.bounds("2024-H2").start.isoformat() == "2024-07-01"
    assert periods.bounds("2024-Q4").end.isoformat() == "2025-01-01"
    assert periods.bounds("2024-12").end.isoformat() == "2025-01-01"
    assert periods.bounds("2023-2028").end.isoformat() == "2029-01-01"
    assert periods.previous_code("2024-H1") == "2023-H2"
    assert periods.previous_code("2025-01") == "2024-12"
    assert periods.bounds("2024-13") is None and periods.bounds("tháng 5") is None


@pytest.mark.parametrize(
    ("text", "value"), [("1.234", 1234), ("1 234 567", 1234567), (" 12 ", 12), ("", None)]
)
def test_numbers_are_read_as_vietnamese_write_them(text, value):
    assert parse(text) == value


@pytest.mark.parametrize("text", ["-3", "1,5", "abc", "12.34", "1e5", True])
def test_anything_but_a_whole_count_is_refused(text):
    with pytest.raises(ValueError):
        parse(text)


@time_machine.travel("2026-03-01")
def test_draft_keeps_what_was_typed_even_when_invalid(tree, grassroots_officer):
    report, checked = _fill(grassroots_officer, {"members": "12a", "members_briefed": "5"})
    assert report.draft == {"members": "12a", "members_briefed": "5"}
    assert checked.errors == {"members": "Enter a whole number, 0 or more."}
    assert not DataValue.objects.exists()  # a draft is not a figure yet


@time_machine.travel("2026-03-01")
def test_submit_writes_figures_and_rollup(tree, grassroots_officer):
    report, checked = _fill(grassroots_officer, GOOD)
    assert not checked.errors
    report = report_submit(grassroots_officer, report=report, version=report.version)
    assert report.status == ReportStatus.SUBMITTED
    assert _values(tree.school_a) == {
        ("members", ""): 1200,
        ("members", "female"): 700,
        ("members_briefed", ""): 1100,
    }
    assert not rollup.differences()
    period = Period.objects.get(code="2025")
    totals = rollup.totals(
        [tree.province.pk],
        [v.element_id for v in DataValue.objects.all()],
        [period.pk],
        "historical",
    )
    assert sorted(totals.values()) == [700, 1100, 1200]
    assert AuditEntry.objects.filter(action="report.submit").count() == 1


@time_machine.travel("2026-03-01")
def test_part_cannot_exceed_whole_and_nothing_is_written(tree, grassroots_officer):
    report, checked = _fill(
        grassroots_officer, {"members": "100", "members_briefed": "150", "members:female": "120"}
    )
    assert checked.errors["members_briefed"].startswith("Cannot exceed")
    assert checked.errors["members:female"] == "Women cannot exceed the total."
    with pytest.raises(ValidationError) as error:
        report_submit(grassroots_officer, report=report, version=report.version)
    assert set(error.value.message_dict) == {"members_briefed", "members:female"}
    assert not DataValue.objects.exists()
    assert Report.objects.get().status == ReportStatus.DRAFT


@time_machine.travel("2026-03-01")
def test_a_jump_tenfold_needs_confirmation(tree, grassroots_officer, upper_officer):
    report_values_submit(
        upper_officer,
        dataset=_report(upper_officer).dataset,
        unit=tree.school_a,
        period_code="2024",
        values={"members": 100},
    )
    report, checked = _fill(grassroots_officer, {"members": "2000"})
    assert "more than 10 times" in checked.warnings["members"]
    with pytest.raises(NeedsConfirmation):
        report_submit(grassroots_officer, report=report, version=report.version)
    assert _values(tree.school_a) == {("members", ""): 100}  # only 2024's
    report_submit(grassroots_officer, report=report, version=report.version, confirmed=True)
    assert Period.objects.get(code="2025").values.get().value == 2000


@time_machine.travel("2026-03-01")
def test_two_people_on_one_form_the_second_is_told(tree, grassroots_officer, upper_officer):
    seen = _report(grassroots_officer)
    report_save_draft(grassroots_officer, report=seen, typed={"members": "10"}, version=0)
    with pytest.raises(ValidationError) as error:
        report_save_draft(
            upper_officer, report=_report(upper_officer), typed={"members": "20"}, version=0
        )
    assert error.value.code == "conflict"
    assert Report.objects.get().draft == {"members": "10"}


@time_machine.travel("2026-03-01")
def test_approval_locks_return_and_reopen_need_words(tree, grassroots_officer, upper_officer):
    report, _ = _fill(grassroots_officer, GOOD)
    report = report_submit(grassroots_officer, report=report, version=report.version)
    with pytest.raises(ValidationError):  # duplicate submission
        report_submit(grassroots_officer, report=report, version=report.version)
    with pytest.raises(PermissionDenied):  # nobody approves their own report
        report_approve(grassroots_officer, report=report, version=report.version)
    with pytest.raises(ValidationError) as error:
        report_return(upper_officer, report=report, version=report.version, comment="  ")
    assert "comment" in error.value.message_dict
    report = report_approve(upper_officer, report=report, version=report.version)
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError) as error:
        _fill(grassroots_officer, {"members": "5"})
    assert "locked" in str(error.value)
    with pytest.raises(ValidationError):
        report_values_submit(
            upper_officer,
            dataset=report.dataset,
            unit=tree.school_a,
            period_code="2025",
            values={"members": 5},
        )
    assert _values(tree.school_a)[("members", "")] == 1200
    report = report_reopen(
        upper_officer, report=report, version=report.version, reason="Sai số đoàn viên nữ"
    )
    assert report.status == ReportStatus.RETURNED
    entry = AuditEntry.objects.get(action="report.reopen")
    assert entry.reason == "Sai số đoàn viên nữ"
    _fill(grassroots_officer, {"members": "1300"})


@time_machine.travel("2026-03-01")
def test_periods_not_open_are_refused(tree, grassroots_officer):
    with pytest.raises(ValidationError) as error:
        _fill(grassroots_officer, GOOD, period="2027")
    assert "not started" in str(error.value)
    period = period_get("2024")
    period.closed_on = period.start.replace(year=2025, month=2)
    period.save()
    with pytest.raises(ValidationError) as error:
        _fill(grassroots_officer, GOOD, period="2024")
    assert "closed on 01/02/2025" in str(error.value)
    assert not Report.objects.exists()


@time_machine.travel("2026-03-01")
def test_outsider_is_refused_and_nothing_changes(tree, outsider, grassroots_officer):
    report = _report(grassroots_officer)
    with pytest.raises(PermissionDenied):
        report_save_draft(outsider, report=report, typed=GOOD, version=0)
    with pytest.raises(PermissionDenied):
        _report(outsider)
    with pytest.raises(PermissionDenied):
        report_values_submit(
            outsider,
            dataset=report.dataset,
            unit=tree.school_a,
            period_code="2025",
            values={"members": 1},
        )
    assert not Report.objects.exists() and not DataValue.objects.exists()


@time_machine.travel("2026-03-01")
def test_same_figures_twice_change_nothing(tree, upper_officer):
    dataset = _report(upper_officer).dataset
    submit = {
        "dataset": dataset,
        "unit": tree.school_a,
        "period_code": "2025",
        "values": {"members": 40, "members_briefed": "38"},
    }
    assert report_values_submit(upper_officer, **submit)[1] is True
    entries = AuditEntry.objects.count()
    assert report_values_submit(upper_officer, **submit)[1] is False
    assert AuditEntry.objects.count() == entries
    with pytest.raises(ValidationError) as error:
        report_values_submit(upper_officer, **{**submit, "values": {"nonsense": 1}})
    assert "nonsense" in str(error.value)
