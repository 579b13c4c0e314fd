"""Writes of reports: drafts as typed, submission (which writes the figures and their rollup),
approval, return with a comment, reopening with a reason. Every step is audited, every step
checks the version the user saw (two people on one form: the second is told)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import validation
from tuyengiao.reporting.models import DataSet, Period, Report, ReportStatus
from tuyengiao.reporting.report_extras import extra_for
from tuyengiao.reporting.report_selectors import previous_values
from tuyengiao.reporting.services import Cells, period_get, values_write


class NeedsConfirmation(Exception):
    """The figures are valid but some look unlikely: the user must confirm them."""

    def __init__(self, warnings: dict[str, str]) -> None:
        super().__init__(warnings)
        self.warnings = warnings


def _error(message: str) -> ValidationError:
    return ValidationError({"__all__": message})


def check_open(period: Period, on: dt.date | None = None) -> None:
    """Figures are entered from the period's first day until entry is closed."""
    day = on or today()
    if period.start > day:
        raise _error(_("This period has not started yet: its figures cannot be entered."))
    if period.closed_on is not None and day >= period.closed_on:
        raise _error(
            _("Entry for this period closed on %(date)s.")
            % {"date": date_format(period.closed_on, "d/m/Y")}
        )


def _locked(report: Report) -> Report:
    """The report row, locked for this transaction, at the version the caller expects; created
    (as an empty draft) if it does not exist yet."""
    report.period = period_get(report.period.code)
    stored, _created = Report.objects.select_for_update().get_or_create(
        dataset=report.dataset, unit=report.unit, period=report.period
    )
    stored.dataset, stored.unit, stored.period = report.dataset, report.unit, report.period
    return stored


def _save(report: Report, actor: User | None, version: int, **changes: object) -> None:
    """Save `changes` if the report is still at `version` (0: the caller saw no report yet)."""
    if not (version == 0 and report.version == 1 and not report.draft):
        check_version(report, version)
    for name, value in changes.items():
        setattr(report, name, value)
    report.updated_by = actor
    report.version += 1
    report.save()


def _not_locked(report: Report) -> None:
    if report.status == ReportStatus.APPROVED:
        raise _error(_("This report has been approved: its figures are locked."))
    if report.status == ReportStatus.SUBMITTED:
        raise _error(_("This report has already been submitted and awaits approval."))


@transaction.atomic
def report_save_draft(
    actor: User, *, report: Report, typed: Mapping[str, object], version: int
) -> tuple[Report, validation.Checked]:
    """Keep what was typed, valid or not (nothing typed is lost); return the checks."""
    access.require(access.can_write(actor, report.unit))
    stored = _locked(report)
    check_open(stored.period)
    _not_locked(stored)
    fields = validation.fields_of(stored.dataset)
    typed_now = {f.key: str(typed[f.key])[:40] for f in fields if f.key in typed}
    _save(stored, actor, version, draft={**stored.draft, **typed_now})
    extra = extra_for(stored.dataset)
    if extra is not None:
        extra.save(actor, stored, typed)
    return stored, validation.check(stored.dataset, fields, stored.draft, previous_values(stored))


def _write_figures(actor: User, report: Report, confirmed: bool) -> None:
    fields = validation.fields_of(report.dataset)
    checked = validation.check(report.dataset, fields, report.draft, previous_values(report))
    if checked.errors:
        raise ValidationError(checked.errors)
    if checked.warnings and not confirmed:
        raise NeedsConfirmation(checked.warnings)
    cells: Cells = {
        (f.element, f.category): checked.values[f.key] for f in fields if not f.readonly
    }
    values_write(actor, unit=report.unit, period=report.period, cells=cells)


@transaction.atomic
def report_submit(actor: User, *, report: Report, version: int, confirmed: bool = False) -> Report:
    """Send the draft up: its figures become the unit's figures (and roll up) now."""
    access.require(access.can_write(actor, report.unit))
    stored = _locked(report)
    check_open(stored.period)
    check_version(stored, version)
    _not_locked(stored)
    extra = extra_for(stored.dataset)
    if extra is not None:
        extra.check(stored)
    _write_figures(actor, stored, confirmed)
    before = stored.status
    _save(
        stored,
        actor,
        version,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    if extra is not None:  # after the status: what it derives reads the report as submitted
        extra.submitted(actor, stored)
    audit_record(
        actor,
        action="report.submit",
        obj=stored,
        unit=stored.unit,
        before={"status": before},
        after={"status": stored.status, "figures": stored.draft},
    )
    return stored


@transaction.atomic
def report_values_submit(
    actor: User,
    *,
    dataset: DataSet,
    unit: OrgUnit,
    period_code: str,
    values: Mapping[str, object],
    confirmed: bool = True,
) -> tuple[Report, bool]:
    """Submit figures without a browser draft (spreadsheet upload, API): the given keys
    replace the draft's. The same figures again change nothing. An upper level may correct a
    report already submitted; nobody changes an approved one. Returns (report, changed)."""
    access.require(access.can_write(actor, unit))
    if unit.kind != dataset.reporter_kind:
        raise _error(_("This unit does not report on this form."))
    period = period_get(period_code)
    if period.kind != dataset.period_kind:
        raise _error(
            _("This form is not reported for periods like “%(code)s”.") % {"code": period.code}
        )
    stored = _locked(Report(dataset=dataset, unit=unit, period=period))
    fields = {f.key for f in validation.fields_of(dataset)}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise _error(_("Not on this form: %(keys)s.") % {"keys": ", ".join(unknown)})
    draft = {**stored.draft, **{k: "" if v is None else str(v) for k, v in values.items()}}
    if stored.status != ReportStatus.DRAFT and _same(stored.draft, draft):
        return stored, False
    check_open(stored.period)
    if not (stored.status == ReportStatus.SUBMITTED and access.can_approve(actor, unit)):
        _not_locked(stored)
    before = stored.status
    stored.draft = draft
    _write_figures(actor, stored, confirmed)
    _save(
        stored,
        actor,
        stored.version,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    # The extra fields are typed on the page only; what they derive follows the submission.
    extra = extra_for(dataset)
    if extra is not None:
        extra.submitted(actor, stored)
    audit_record(
        actor,
        action="report.submit",
        obj=stored,
        unit=unit,
        before={"status": before},
        after={"status": stored.status, "figures": draft},
    )
    return stored, True


def _same(before: Mapping[str, object], after: Mapping[str, object]) -> bool:
    """Whether two drafts hold the same figures (however they were typed)."""

    def parsed(draft: Mapping[str, object]) -> dict[str, int | None]:
        result = {}
        for key, text in draft.items():
            try:
                result[key] = validation.parse(text)
            except ValueError:
                result[key] = -1
        return {k: v for k, v in result.items() if v is not None}

    return parsed(before) == parsed(after)


def _decide(
    actor: User,
    report: Report,
    version: int,
    *,
    allowed_from: ReportStatus,
    to: ReportStatus,
    action: str,
    comment: str = "",
) -> Report:
    access.require(access.can_approve(actor, report.unit))
    stored = Report.objects.select_for_update().get(pk=report.pk)
    check_version(stored, version)
    if stored.status != allowed_from:
        raise _error(
            _("This report is “%(status)s”: that cannot be done now.")
            % {"status": stored.get_status_display()}
        )
    before = {"status": stored.status}
    _save(
        stored,
        actor,
        version,
        status=to,
        decided_at=timezone.now(),
        decided_by=actor,
        comment=comment,
    )
    audit_record(
        actor,
        action=action,
        obj=stored,
        unit=stored.unit,
        before=before,
        after={"status": to, "comment": comment},
        reason=comment,
    )
    return stored


def _required(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: _("This field is required.")})
    return text


@transaction.atomic
def report_approve(actor: User, *, report: Report, version: int) -> Report:
    """Accept the figures: they are locked from now on."""
    return _decide(
        actor,
        report,
        version,
        allowed_from=ReportStatus.SUBMITTED,
        to=ReportStatus.APPROVED,
        action="report.approve",
    )


@transaction.atomic
def report_return(actor: User, *, report: Report, version: int, comment: str) -> Report:
    """Send the report back to its unit with what to correct."""
    return _decide(
        actor,
        report,
        version,
        allowed_from=ReportStatus.SUBMITTED,
        to=ReportStatus.RETURNED,
        action="report.return",
        comment=_required(comment, "comment"),
    )


@transaction.atomic
def report_reopen(actor: User, *, report: Report, version: int, reason: str) -> Report:
    """Unlock an approved report for correction; the reason is kept in the audit log."""
    return _decide(
        actor,
        report,
        version,
        allowed_from=ReportStatus.APPROVED,
        to=ReportStatus.RETURNED,
        action="report.reopen",
        comment=_required(reason, "reason"),
    )
