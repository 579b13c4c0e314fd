"""The monitoring overview as .xlsx: one sheet per table of the page (the volume by topic and by
sentiment, the sources, the cases, the response times, the workload), written by core.xlsx
(formula-safe text). Every export is audited: the workload names people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import Columns, Export, Sheet, filename, workbook
from tuyengiao.media.overview import Overview, Timing, Volume, VolumeRow


def _heading(found: Overview, table: str) -> str:
    period = _("%(start)s to %(end)s") % {
        "start": date_format(found.period.start, "d/m/Y"),
        "end": date_format(found.period.end, "d/m/Y"),
    }
    return " · ".join([f"{found.unit.name} ({found.unit.code})", table, period])


def _volume_sheet(found: Overview, title: str, first: str, rows: list[VolumeRow]) -> Sheet:
    volume: Volume = found.volume
    columns: Columns = [(first, 36), *[(b.label, 11) for b in volume.buckets], (_("Total"), 10)]
    lines = [[row.label, *row.counts, row.total] for row in rows]
    heading = _heading(found, f"{title} ({volume.bucket_label.lower()})")
    return Sheet(title, heading, columns, lines)


def _sources_sheet(found: Overview) -> Sheet:
    title = _("Sources")
    columns: Columns = [
        (_("Source"), 36),
        (_("Kind"), 22),
        (_("Active"), 8),
        (_("Items in the period"), 14),
        (_("Items kept"), 12),
        (_("Last success"), 18),
        (_("Last error"), 40),
        (_("Last error at"), 18),
        (_("Failures in a row"), 12),
    ]
    lines = [
        [
            line.source.name,
            line.source.get_kind_display(),
            _("yes") if line.source.active else _("no"),
            line.found,
            line.stored,
            line.source.succeeded_at,
            line.source.error,
            line.source.error_at,
            line.source.failures,
        ]
        for line in found.sources
    ]
    return Sheet(title, _heading(found, title), columns, lines)


def _cases_sheet(found: Overview) -> Sheet:
    title = _("Cases")
    cases = found.cases
    lines: list[Sequence[Any]] = [
        [_("Open now: %(state)s") % {"state": s.label}, s.cases] for s in cases.open
    ]
    lines += [
        [_("Open now, overdue"), cases.overdue],
        [_("Opened in the period"), cases.opened],
        [_("Closed in the period"), cases.closed],
    ]
    columns: Columns = [(_("Cases"), 40), (_("Number"), 12)]
    return Sheet(title, _heading(found, title), columns, lines)


def _timing_line(label: str, timing: Timing) -> list[Any]:
    return [label, timing.cases, timing.hours]


def _timing_sheet(found: Overview) -> Sheet:
    title = _("Response times")
    columns: Columns = [(_("Median time"), 40), (_("Cases"), 10), (_("Hours"), 10)]
    lines = [
        _timing_line(_("From opening to the first response"), found.first_response),
        _timing_line(_("From opening to resolution"), found.resolution),
    ]
    return Sheet(title, _heading(found, title), columns, lines)


def _workload_sheet(found: Overview) -> Sheet:
    title = _("Workload")
    columns: Columns = [
        (_("Assigned to"), 30),
        (_("Open cases"), 12),
        (_("Overdue"), 10),
        (_("Resolved in the period"), 14),
    ]
    lines = [[w.name, w.open, w.overdue, w.resolved] for w in found.workload]
    return Sheet(title, _heading(found, title), columns, lines)


@transaction.atomic
def _record(user: User, found: Overview, sheets: list[Sheet]) -> None:
    audit_record(
        user,
        action="media.overview.export",
        obj=found.unit,
        unit=found.unit,
        after={
            "start": found.period.start,
            "end": found.period.end,
            "rows": {sheet.title: sheet.rows for sheet in sheets},
            "format": "xlsx",
        },
    )


def export_overview(user: User, found: Overview) -> Export:
    """The overview's tables, one a sheet; the export is recorded in the audit log."""
    sheets = [
        _volume_sheet(found, _("By topic"), _("Topic"), found.volume.by_topic),
        _volume_sheet(found, _("By sentiment"), _("Items"), found.volume.by_sentiment),
        _sources_sheet(found),
        _cases_sheet(found),
        _timing_sheet(found),
        _workload_sheet(found),
    ]
    content = workbook(sheets)
    _record(user, found, sheets)
    return Export(
        filename("theo-doi-truc-tuyen", found.unit.code, found.period.start, found.period.end),
        content,
        sum(sheet.rows for sheet in sheets),
    )
