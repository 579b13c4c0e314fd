"""Reads of reports, scoped: the gate to one report, a unit's reports, and the figures of the
previous period that a new one is compared with."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting import periods
from tuyengiao.reporting.models import DataSet, DataValue, Period, Report
from tuyengiao.reporting.validation import Field


def _period(code: str) -> Period:
    """The stored period of a code, or an unsaved one (created when first written)."""
    found = periods.bounds(code)
    if found is None:
        raise Http404(code)
    stored = Period.objects.filter(code=found.code).first()
    return stored or Period(code=found.code, kind=found.kind, start=found.start, end=found.end)


def report_for_user(user: User, dataset_code: str, unit_code: str, period_code: str) -> Report:
    """The gate to one report: 404 for an unknown form or period, a form the unit does not
    report on, or a period of another type; 403 outside the user's scope. A report nobody has
    started yet comes back unsaved, as an empty draft."""
    dataset = DataSet.objects.filter(code=dataset_code).first()
    if dataset is None:
        raise Http404(dataset_code)
    unit = unit_for_user(user, unit_code)
    period = _period(period_code)
    if unit.kind != dataset.reporter_kind or period.kind != dataset.period_kind:
        raise Http404(period_code)
    stored = (
        Report.objects.select_related("submitted_by", "decided_by", "updated_by")
        .filter(dataset=dataset, unit=unit, period__code=period.code)
        .first()
    )
    report = stored or Report(dataset=dataset, unit=unit, period=period, version=0)
    report.dataset, report.unit, report.period = dataset, unit, period
    return report


def previous_values(report: Report) -> dict[str, int]:
    """The unit's figures of the previous period of the same type, by field key."""
    code = periods.previous_code(report.period.code)
    values = DataValue.objects.filter(
        unit=report.unit,
        period__code=code,
        element__in=report.dataset.items.values("element_id"),
    ).values_list("element__code", "category", "value")
    return {Field.key_for(element, category): value for element, category, value in values}


@dataclass
class Permissions:
    edit: bool
    approve: bool


def permissions(user: User, report: Report) -> Permissions:
    return Permissions(
        edit=access.can_write(user, report.unit) and report.is_editable,
        approve=access.can_approve(user, report.unit),
    )


def datasets_for_unit(unit: OrgUnit) -> QuerySet[DataSet]:
    return DataSet.objects.filter(reporter_kind=unit.kind)


def recent_reports(user: User, unit: OrgUnit, count: int = 6) -> list[Report]:
    """The unit's reports for the latest `count` periods of each form it reports on, started or
    not (unsaved ones are empty drafts), latest first."""
    access.require(access.can_read(user, unit))
    reports = []
    for dataset in datasets_for_unit(unit):
        codes = periods.recent_codes(dataset.period_kind, today(), count)
        stored = {
            r.period.code: r
            for r in Report.objects.select_related("period").filter(
                dataset=dataset, unit=unit, period__code__in=codes
            )
        }
        for code in codes:
            report = stored.get(code) or Report(
                dataset=dataset, unit=unit, period=_period(code), version=0
            )
            report.dataset = dataset
            reports.append(report)
    return reports


def periods_search(query: str) -> QuerySet[Period]:
    """Periods, latest first, whose code contains `query`; readable by anyone (they are not
    scoped: every unit reports on the same periods)."""
    found = Period.objects.order_by("-start", "end")
    return found.filter(code__icontains=query) if query else found
