"""The dashboard tables as .xlsx: the unit's indicators, the child breakdown, the raw values.

Text is written as text and any cell starting with = + - @ (or a tab or carriage return) gets
a leading apostrophe, so nothing typed into a name becomes a formula. Every export is audited."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.reporting.dashboard import Breakdown, Dashboard, Drill, Header
from tuyengiao.reporting.indicators import Figure
from tuyengiao.reporting.models import Category, Structure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = '0.0" %"'
COUNT_FORMAT = "#,##0"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int


def safe_text(value: str) -> str:
    """Text that a spreadsheet will never read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str = "") -> Cell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


Columns = list[tuple[str, int]]  # header, width
Line = list[tuple[Any, str]]  # value, number format


def _workbook(title: str, heading: str, columns: Columns, lines: Iterable[Line]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)
    first = _cell(sheet, heading)
    first.font = bold
    sheet.append([first])
    header = []
    for label, _width in columns:
        cell = _cell(sheet, label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for line in lines:
        sheet.append([_cell(sheet, value, fmt) for value, fmt in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _heading(header: Header, *parts: str) -> str:
    structure = Structure(header.structure).label
    return " · ".join(
        [f"{header.name} ({header.unit.code})", str(header.year), str(structure), *parts]
    )


def _filename(prefix: str, *parts: object) -> str:
    raw = "-".join(str(p) for p in (prefix, *parts) if p)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", raw).strip("-") + ".xlsx"


def _figure_cells(figure: Figure) -> Line:
    value_format = PERCENT_FORMAT if figure.is_percentage else COUNT_FORMAT
    return [
        (figure.value, value_format),
        (figure.numerator, COUNT_FORMAT),
        (figure.denominator, COUNT_FORMAT),
        (figure.target, value_format),
        (_("Not in the tree") if figure.absent else figure.status_label, ""),
    ]


def _figure_columns() -> Columns:
    return [
        (_("Value"), 12),
        (_("Numerator"), 14),
        (_("Denominator"), 14),
        (_("Target"), 10),
        (_("Status"), 18),
    ]


@transaction.atomic
def _record(user: User, header: Header, table: str, rows: int, **extra: Any) -> None:
    audit_record(
        user,
        action="dashboard.export",
        obj=header.unit,
        unit=header.unit,
        after={
            "table": table,
            "year": header.year,
            "structure": header.structure,
            "rows": rows,
            "format": "xlsx",
            **extra,
        },
    )


def export_dashboard(user: User, dashboard: Dashboard) -> Export:
    header = dashboard.header
    columns = [(_("Code"), 9), (_("Indicator"), 60), *_figure_columns()]
    columns += [(str(year), 10) for year in header.years]
    lines = []
    for row in dashboard.rows:
        f = row.figure
        value_format = PERCENT_FORMAT if f.is_percentage else COUNT_FORMAT
        trend = [(t.value, value_format) for t in row.trend]
        lines.append([(f.indicator.code, ""), (f.indicator.name, ""), *_figure_cells(f), *trend])
    content = _workbook(_("Indicators"), _heading(header), columns, lines)
    _record(user, header, "indicators", len(lines))
    return Export(
        _filename("chi-tieu", header.unit.code, header.year, header.structure), content, len(lines)
    )


def export_children(user: User, breakdown: Breakdown) -> Export:
    header, indicator = breakdown.header, breakdown.indicator
    code = indicator.code if indicator else ""
    columns = [(_("Code"), 14), (_("Unit"), 50), *_figure_columns()]
    lines = [[(r.code, ""), (r.name, ""), *_figure_cells(r.figure)] for r in breakdown.rows]
    heading = _heading(header, f"{code} {indicator.name}" if indicator else "")
    content = _workbook(_("Units under it"), heading, columns, lines)
    _record(user, header, "children", len(lines), indicator=code, query=breakdown.query)
    return Export(
        _filename("don-vi-truc-thuoc", header.unit.code, code, header.year, header.structure),
        content,
        len(lines),
    )


def export_values(user: User, drill: Drill) -> Export:
    header, indicator = drill.header, drill.indicator
    code = indicator.code if indicator else ""
    categories = dict(Category.choices)
    columns = [
        (_("Unit code"), 14),
        (_("Unit"), 44),
        (_("Data element"), 44),
        (_("Period"), 10),
        (_("Category"), 14),
        (_("Value"), 12),
        (_("Entered by"), 24),
        (_("Entered at"), 18),
    ]
    count = 0

    def lines() -> Iterator[Line]:
        nonlocal count
        for v in drill.values.iterator(chunk_size=2000):
            count += 1
            who = (v.updated_by.get_full_name() or v.updated_by.username) if v.updated_by else ""
            yield [
                (v.unit.code, ""),
                (v.unit.name, ""),
                (f"{v.element.code} – {v.element.name}", ""),
                (v.period.code, ""),
                (str(categories.get(v.category, v.category)), ""),
                (v.value, COUNT_FORMAT),
                (who, ""),
                (v.updated_at, DATETIME_FORMAT),
            ]

    heading = _heading(header, f"{code} {indicator.name}" if indicator else "")
    content = _workbook(_("Raw values"), heading, columns, lines())
    _record(user, header, "values", count, indicator=code, query=drill.query)
    return Export(
        _filename("so-lieu", header.unit.code, code, header.year, header.structure),
        content,
        count,
    )
