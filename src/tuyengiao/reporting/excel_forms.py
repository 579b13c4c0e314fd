"""Excel round trip of a reporting form for a whole subtree: the download (one row per reporting
unit, prefilled, signed), the plan of an upload (every bad cell, or per unit the figures that
change, with the warnings to confirm), and the commit of that plan in one transaction through
report_values_submit, refused if the plan is no longer the one previewed. The uploaded file
waits on the server between preview and commit (core.uploads)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuyengiao.accounts.models import User
from tuyengiao.core.excel import FileRow, ImportFileError, Issue
from tuyengiao.core.services import audit_record
from tuyengiao.core.uploads import (
    ApplyError,
    FieldChange,
    FilePlan,
    FilePlanner,
    commit_plan,
    refusal,
    upload_load,
)
from tuyengiao.core.xlsx import Export
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting import periods, validation
from tuyengiao.reporting.excel_forms_book import (
    Column,
    FormFile,
    Meta,
    UnitLine,
    letter,
    read_form,
    workbook_bytes,
)
from tuyengiao.reporting.excel_forms_data import (
    FormWithRules,
    UnitState,
    approvable,
    previous_figures,
    reference_date,
    unit_states,
    units_by_code,
    writable_ids,
)
from tuyengiao.reporting.models import DataSet, Period, PeriodType, ReportStatus
from tuyengiao.reporting.report_services import check_open, report_values_submit


def period_label(code: str) -> str:
    """A period as people say it: "Năm 2025", "6 tháng đầu năm 2025", "Quý 3/2025"."""
    found = periods.bounds(code)
    if found is None:
        return code
    year, month = found.start.year, found.start.month
    if found.kind == PeriodType.YEAR:
        return _("Year %(year)s") % {"year": year}
    if found.kind == PeriodType.HALF:
        if month == 1:
            return _("First half of %(year)s") % {"year": year}
        return _("Second half of %(year)s") % {"year": year}
    if found.kind == PeriodType.QUARTER:
        return _("Quarter %(quarter)s/%(year)s") % {"quarter": (month - 1) // 3 + 1, "year": year}
    if found.kind == PeriodType.MONTH:
        return _("Month %(month)s/%(year)s") % {"month": month, "year": year}
    return _("Term %(code)s") % {"code": found.code}


def _status_label(status: str) -> str:
    return str(ReportStatus(status).label) if status else _("Not entered yet")


def _columns(dataset: DataSet) -> list[tuple[validation.Field, Column]]:
    """Every field of the form as a column; the women among a total are named with it."""
    columns = []
    for f in validation.fields_of(dataset):
        label = f.label
        if f.category:
            label = _("%(element)s: of which women") % {"element": f.element.name}
        columns.append((f, Column(key=f.key, label=label, editable=not f.readonly)))
    return columns


def _cell(text: str | None) -> int | str | None:
    """What is on record, as the workbook shows it: a number, or the text as it was typed."""
    try:
        return validation.parse(text)
    except ValueError:
        return text


# --- download -------------------------------------------------------------------------------


def export_root(user: User, unit_code: str, period_code: str) -> OrgUnit:
    """The unit whose subtree is exported, through the read gate; it must have been in the
    user's scope at the period's end (units under it then are the file's rows)."""
    unit = unit_for_user(user, unit_code.strip().upper())
    root_id = access.scope_root_id(user)
    date = reference_date(period_code)
    access.require(root_id is None or hierarchy.is_under(root_id, unit.pk, date))
    return unit


def export_form(user: User, *, dataset: DataSet, period_code: str, unit_code: str) -> Export:
    """The form's workbook for every reporting unit under the unit at the period's end,
    prefilled with what is on record; audited. ValidationError if no unit there reports on
    the form."""
    found = periods.bounds(period_code)
    if found is None or found.kind != dataset.period_kind:
        raise ValidationError(
            {"period": _("“%(code)s” is not a period of this form.") % {"code": period_code}}
        )
    period_code = found.code
    unit = export_root(user, unit_code, period_code)
    date = reference_date(period_code)
    states = unit_states(dataset, period_code, unit, date)
    if not states:
        raise ValidationError(
            {
                "unit": _(
                    "No unit under %(unit)s reports on this form (it is reported by: %(kind)s)."
                )
                % {"unit": unit.code, "kind": UnitKind(dataset.reporter_kind).label}
            }
        )
    columns = [column for _f, column in _columns(dataset)]
    lines = [
        UnitLine(
            code=code,
            name=state.name,
            status=_status_label(state.status),
            locked=state.status == ReportStatus.APPROVED,
            values={c.key: _cell(state.current.get(c.key)) for c in columns},
        )
        for code, state in states.items()
    ]
    meta = Meta(
        form=dataset.code,
        period=period_code,
        unit=unit.code,
        keys=[c.key for c in columns],
        labels=[c.label for c in columns],
    )
    title = (
        f"{dataset.code} – {dataset.name} · {period_label(period_code)} · {unit.code} – {unit.name}"
    )
    content = workbook_bytes(title=title, meta=meta, columns=columns, lines=lines)
    _record_export(user, unit, dataset, period_code, len(lines))
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{dataset.code}-{period_code}-{unit.code}")
    return Export(filename=f"bao-cao-{safe.strip('-')}.xlsx", content=content, rows=len(lines))


@transaction.atomic
def _record_export(
    user: User, unit: OrgUnit, dataset: DataSet, period_code: str, rows: int
) -> None:
    audit_record(
        user,
        action="report.export",
        obj=unit,
        unit=unit,
        after={"form": dataset.code, "period": period_code, "rows": rows, "format": "xlsx"},
    )


# --- the plan of an upload ------------------------------------------------------------------


@dataclass
class UnitChange:
    """What the commit does to one unit: submit these figures (the report becomes submitted)."""

    number: int
    unit: OrgUnit
    name: str
    status: str
    version: int
    values: dict[str, str]
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def status_label(self) -> str:
        return _status_label(self.status)

    def signature(self) -> list[object]:
        return [
            self.unit.code,
            self.status,
            self.version,
            self.values,
            [[c.label, c.before, c.after] for c in self.changes],
        ]


@dataclass(kw_only=True)
class Plan(FilePlan[UnitChange]):
    dataset: DataSet
    period_code: str
    root: OrgUnit

    @property
    def warnings(self) -> list[tuple[UnitChange, str, str]]:
        return [(c, label, text) for c in self.changes for label, text in c.warnings]

    @property
    def counts(self) -> dict[str, int]:
        return {
            **super().counts,
            "changed": len(self.changes),
            "warnings": len(self.warnings),
        }

    def subject(self) -> list[object]:
        return [self.dataset.code, self.period_code, self.root.code]


def _parsed(text: object) -> int | None | str:
    """A figure for comparison: its value, None if empty, or the text if it is not a count."""
    try:
        return validation.parse(text)
    except ValueError:
        return str(text)


def _same(before: dict[str, str], after: dict[str, str]) -> bool:
    """Whether two drafts hold the same figures, as report_values_submit compares them."""

    def figures(draft: dict[str, str]) -> dict[str, int | str]:
        result = {key: _parsed(text) for key, text in draft.items()}
        return {key: value for key, value in result.items() if value is not None}

    return figures(before) == figures(after)


def check_file(user: User, *, form_file: FormFile, dataset: DataSet, period_code: str) -> OrgUnit:
    """The checks of a file as a whole, before its rows: it is this form for this period, its
    columns are the form's fields today, the period is open, and its unit is one the user
    may write for (the gate: 403 otherwise). Returns that unit."""
    meta = form_file.meta
    if meta.form != dataset.code:
        raise ImportFileError(
            _(
                "This file is the form %(file)s, not the form you chose (%(chosen)s). Choose "
                "the form of the file, or upload the file of this form."
            )
            % {"file": meta.form, "chosen": dataset.code}
        )
    if meta.period != period_code:
        raise ImportFileError(
            _(
                "This file is for the period %(file)s, not the period you chose (%(chosen)s). "
                "Choose the period of the file, or download the form of this period."
            )
            % {"file": period_label(meta.period), "chosen": period_label(period_code)}
        )
    if meta.keys != [c.key for _f, c in _columns(dataset)]:
        raise ImportFileError(
            _(
                "The form %(form)s has changed since this file was downloaded. Download it "
                "again and copy the figures into the new file."
            )
            % {"form": dataset.code}
        )
    found = periods.bounds(period_code)
    if found is None:
        raise ImportFileError(_("“%(code)s” is not a period.") % {"code": period_code})
    period = Period.objects.filter(code=found.code).first() or Period(
        code=found.code, kind=found.kind, start=found.start, end=found.end
    )
    try:
        check_open(period)
    except ValidationError as error:
        raise ImportFileError(" ".join(error.messages)) from error
    return unit_for_user(user, meta.unit, write=True)


class _Planner(FilePlanner[UnitState, Plan]):
    duplicate = gettext_lazy("The unit %(code)s is also on row %(row)s: keep one row per unit.")

    def __init__(
        self, user: User, form_file: FormFile, dataset: DataSet, period_code: str, root: OrgUnit
    ) -> None:
        self.user = user
        self.file = form_file
        self.dataset = dataset
        self.plan = Plan(dataset=dataset, period_code=period_code, root=root)
        date = reference_date(period_code)
        self.date = date
        self.columns = _columns(dataset)
        self.fields = [f for f, _c in self.columns]
        self.labels = {c.key: c.label for _f, c in self.columns}
        self.editable = [c.key for _f, c in self.columns if c.editable]
        self.states = unit_states(dataset, period_code, root, date)
        self.previous = previous_figures(dataset, period_code, root, date)
        self.writable = writable_ids(user, root, date)
        self.form = cast(DataSet, FormWithRules(dataset))

    def error(self, row: int, key: str | None, message: str) -> None:
        if key is None:
            self.code_error(row, message)
        else:
            label = self.labels[key]
            self.plan.errors.append(Issue(row, letter(self.file.meta, key), label, message))

    def _values(self, row: FileRow) -> dict[str, str]:
        return {key: str(row.cells.get(key, "")) for key in self.editable}

    def is_empty(self, row: FileRow) -> bool:
        return not any(self._values(row).values())

    def strangers(self, rows: list[tuple[int, str]]) -> None:
        """Rows whose code is not a reporting unit of the file's subtree."""
        known = units_by_code([code for _n, code in rows], self.plan.root, self.date)
        for number, code in rows:
            kind, under = known.get(code, ("", False))
            if under:
                message = _(
                    "%(code)s does not report on this form: only units of the kind “%(kind)s” do."
                ) % {"code": code, "kind": UnitKind(self.dataset.reporter_kind).label}
            else:
                message = _(
                    "%(code)s is not a unit under %(unit)s at the end of this period, so it "
                    "cannot be in this file."
                ) % {"code": code, "unit": self.plan.root.code}
            self.error(number, None, message)

    def plan_row(self, row: FileRow, state: UnitState) -> None:
        number, values = row.number, self._values(row)
        report = state.report
        draft = {key: str(text) for key, text in (report.draft if report else {}).items()}
        typed: dict[str, object] = {**draft, **values}
        if state.status not in ("", ReportStatus.DRAFT) and _same(draft, {**draft, **values}):
            self.plan.unchanged += 1
            return
        before = {key: _parsed(state.current.get(key)) for key in self.editable}
        differ = [key for key in self.editable if before[key] != _parsed(values[key])]
        first = differ[0] if differ else None
        if state.status == ReportStatus.APPROVED:
            self.error(
                number,
                first,
                _(
                    "The report of %(code)s has been approved: its figures are locked. Leave "
                    "its row as it was, or ask for the report to be reopened."
                )
                % {"code": state.unit.code},
            )
            return
        unit = state.unit
        if unit.pk not in self.writable:
            self.error(number, None, _("%(code)s is outside your scope.") % {"code": unit.code})
            return
        if state.status == ReportStatus.SUBMITTED and not approvable(
            self.user, unit, self.writable
        ):
            self.error(
                number,
                first,
                _(
                    "The report of %(code)s has been submitted and awaits approval: only the "
                    "upper level can correct it now."
                )
                % {"code": unit.code},
            )
            return
        checked = validation.check(self.form, self.fields, typed, self.previous.get(unit.pk, {}))
        if checked.errors:
            for key, message in checked.errors.items():
                self.error(number, key, message)
            return
        change = UnitChange(
            number=number,
            unit=unit,
            name=state.name,
            status=state.status,
            version=report.version if report else 0,
            values=values,
        )
        for key in differ:
            change.changes.append(FieldChange(self.labels[key], before[key], checked.values[key]))
        change.warnings = [(self.labels[k], text) for k, text in checked.warnings.items()]
        self.plan.changes.append(change)


def build_plan(user: User, *, form_file: FormFile, dataset: DataSet, period_code: str) -> Plan:
    """Every error of the file, or what committing it would change, unit by unit."""
    root = check_file(user, form_file=form_file, dataset=dataset, period_code=period_code)
    planner = _Planner(user, form_file, dataset, period_code, root)
    return planner.walk(form_file.rows, planner.states)


def preview(user: User, *, digest: str, dataset: DataSet, period_code: str) -> Plan:
    form_file = read_form(upload_load(digest))
    return build_plan(user, form_file=form_file, dataset=dataset, period_code=period_code)


# --- commit ---------------------------------------------------------------------------------


def commit(
    user: User, *, digest: str, dataset: DataSet, period_code: str, fingerprint: str
) -> Plan:
    """Submit the figures of every unit the file changes, in one transaction, if the plan is
    still the one previewed. Raises PlanChanged (nothing written) when it is not, or has
    errors, or changes nothing; ApplyError (all rolled back) when a unit is refused."""
    form_file = read_form(upload_load(digest))

    def apply(plan: Plan) -> None:
        for change in plan.changes:
            try:
                report_values_submit(
                    user,
                    dataset=dataset,
                    unit=change.unit,
                    period_code=period_code,
                    values=change.values,
                    confirmed=True,
                )
            except (ValidationError, PermissionDenied) as error:
                raise ApplyError(refusal(error), row=change.number, code=change.code) from error
        audit_record(
            user,
            action="report.import",
            obj=plan.root,
            unit=plan.root,
            after={
                "form": dataset.code,
                "period": period_code,
                "file": digest,
                **plan.counts,
            },
        )

    return commit_plan(
        digest=digest,
        fingerprint=fingerprint,
        plan=lambda: build_plan(
            user, form_file=form_file, dataset=dataset, period_code=period_code
        ),
        apply=apply,
    )
