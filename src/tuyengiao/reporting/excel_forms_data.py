"""What a form's workbook is made from and checked against, loaded for a whole subtree in a
fixed number of queries: the reporting units under a unit at the period's last day, their
reports and figures, the previous period's figures, and which of them the user may change."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitVersion
from tuyengiao.reporting import periods, validation
from tuyengiao.reporting.models import DataSet, DataValue, PartRule, Report


@dataclass
class UnitState:
    """One reporting unit as the file sees it: its name then, its report (if started) and the
    text on record per field key (the report's draft, or else its raw figures)."""

    unit: OrgUnit
    name: str
    report: Report | None
    current: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.report.status if self.report is not None else ""


def reference_date(period_code: str) -> dt.date:
    """The period's last day: the structure its figures are reported under."""
    found = periods.bounds(period_code)
    if found is None:
        raise ValueError(period_code)
    return found.end - dt.timedelta(days=1)


def _under(root: OrgUnit, date: dt.date) -> QuerySet[Any, Any]:
    return hierarchy.descendant_ids(root.pk, date)


def reporters(dataset: DataSet, root: OrgUnit, date: dt.date) -> list[UnitVersion]:
    """The units of the form's reporting kind under `root` (itself included) on `date`, with
    their names then, by code."""
    return list(
        UnitVersion.objects.filter(
            unit_id__in=_under(root, date), unit__kind=dataset.reporter_kind, **valid_on(date)
        )
        .select_related("unit")
        .order_by("unit__code")
    )


def _figures(
    dataset: DataSet, period_code: str | None, root: OrgUnit, date: dt.date
) -> dict[int, dict[str, int]]:
    """The raw figures of the form's elements for the units under `root`, by unit id and key."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if period_code is None:
        return found
    rows = DataValue.objects.filter(
        period__code=period_code,
        unit_id__in=_under(root, date),
        element_id__in=dataset.items.values("element_id"),
    ).values_list("unit_id", "element__code", "category", "value")
    for unit_id, code, category, value in rows:
        found[unit_id][validation.Field.key_for(code, category)] = value
    return found


def unit_states(
    dataset: DataSet, period_code: str, root: OrgUnit, date: dt.date
) -> dict[str, UnitState]:
    """Every reporting unit under `root` with what is on record for the period, by code: three
    queries whatever the number of units."""
    versions = reporters(dataset, root, date)
    reports = {
        report.unit_id: report
        for report in Report.objects.filter(
            dataset=dataset, period__code=period_code, unit_id__in=_under(root, date)
        ).select_related("period")
    }
    figures = _figures(dataset, period_code, root, date)
    states: dict[str, UnitState] = {}
    for version in versions:
        unit = version.unit
        report = reports.get(unit.pk)
        if report is not None:
            report.dataset, report.unit = dataset, unit
        if report is not None and report.draft:
            current = {key: str(text) for key, text in report.draft.items()}
        else:
            current = {key: str(value) for key, value in figures.get(unit.pk, {}).items()}
        states[unit.code] = UnitState(unit=unit, name=version.name, report=report, current=current)
    return states


def previous_figures(
    dataset: DataSet, period_code: str, root: OrgUnit, date: dt.date
) -> dict[int, dict[str, int]]:
    """The previous period's figures of the units under `root`, for the jump warning (the same
    figures report_selectors.previous_values gives for one report)."""
    return _figures(dataset, periods.previous_code(period_code), root, date)


def writable_ids(user: User, root: OrgUnit, date: dt.date) -> set[int]:
    """The units under `root` on `date` whose figures the user may write today
    (access.can_write for each, in one query)."""
    if not user.is_active or not user.can_edit:
        return set()
    units = OrgUnit.objects.filter(pk__in=_under(root, date))
    if not access.has_whole_tree(user):
        if user.scope_unit_id is None:
            return set()
        units = units.filter(pk__in=hierarchy.descendant_ids(user.scope_unit_id, today()))
    return set(units.values_list("pk", flat=True))


def approvable(user: User, unit: OrgUnit, writable: set[int]) -> bool:
    """access.can_approve, given the units the user may write."""
    if not user.can_restructure or unit.pk not in writable:
        return False
    return access.has_whole_tree(user) or unit.pk != user.scope_unit_id


def units_by_code(codes: list[str], root: OrgUnit, date: dt.date) -> dict[str, tuple[str, bool]]:
    """For codes that are not reporters of the form: each known code's kind and whether it is
    under `root` on `date` (two queries)."""
    if not codes:
        return {}
    units = OrgUnit.objects.filter(code__in=codes)
    under = set(units.filter(pk__in=_under(root, date)).values_list("code", flat=True))
    return {code: (kind, code in under) for code, kind in units.values_list("code", "kind")}


class _PrefetchedRules:
    """What validation.check reads of a form's rules (`dataset.rules.select_related(...)`),
    answered from a list loaded once per file instead of one query per row."""

    def __init__(self, rules: list[PartRule]) -> None:
        self._rules = rules

    def select_related(self, *_names: str) -> list[PartRule]:
        return self._rules


class FormWithRules:
    """A form whose rules are loaded once, to be passed to validation.check for every row."""

    def __init__(self, dataset: DataSet) -> None:
        self._dataset = dataset
        self.rules = _PrefetchedRules(list(dataset.rules.select_related("part", "whole")))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dataset, name)
