"""Tables as .xlsx for every export: a heading, bold column headers, frozen panes, widths.

Text is written as text and any cell starting with = + - @ (or a tab or carriage return) gets
a leading apostrophe, so nothing typed into a name becomes a formula in the reader's Excel."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = '0.0" %"'
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

Columns = list[tuple[str, int]]  # header, width
Line = list[tuple[Any, str]]  # value, number format


@dataclass(frozen=True)
class Export:
    """A workbook made for download: its file name, its content and the rows it lists."""

    filename: str
    content: bytes
    rows: int


def safe_text(value: str) -> str:
    """Text that a spreadsheet will never read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str = "") -> Cell:
    if isinstance(value, str):
        written = WriteOnlyCell(sheet, value=safe_text(value))
        written.data_type = "s"
        return written
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, dt.date):
        number_format = number_format or DATE_FORMAT
    elif isinstance(value, Decimal):
        value = float(value)
    written = WriteOnlyCell(sheet, value=value)
    if number_format:
        written.number_format = number_format
    return written


@dataclass
class Sheet:
    """One table of a workbook of several: its lines are plain values, whole numbers written
    in the count format."""

    title: str
    heading: str
    columns: Columns
    lines: Iterable[Sequence[Any]]
    rows: int = 0  # counted while written


def _formatted(value: Any) -> tuple[Any, str]:
    counted = isinstance(value, int) and not isinstance(value, bool)
    return value, COUNT_FORMAT if counted else ""


def _table(
    book: Workbook, title: str, heading: str, columns: Columns, lines: Iterable[Line]
) -> int:
    """A sheet: the heading on the first row, the column headers on the second, then the
    lines; returns how many lines."""
    sheet = book.create_sheet(title[:31])
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)
    first = cell(sheet, heading)
    first.font = bold
    sheet.append([first])
    header = []
    for label, _width in columns:
        written = cell(sheet, label)
        written.font = bold
        header.append(written)
    sheet.append(header)
    count = 0
    for line in lines:
        sheet.append([cell(sheet, value, fmt) for value, fmt in line])
        count += 1
    return count


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, heading: str, columns: Columns, lines: Iterable[Line]) -> bytes:
    """One sheet of formatted lines (streamed: write-only, so a large export stays small in
    memory)."""
    book = Workbook(write_only=True)
    _table(book, title, heading, columns, lines)
    return _saved(book)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of tables, one a sheet, each sheet's `rows` counted as it is written."""
    book = Workbook(write_only=True)
    for spec in sheets:
        lines = ([_formatted(value) for value in line] for line in spec.lines)
        spec.rows = _table(book, spec.title, spec.heading, spec.columns, lines)
    return _saved(book)


def filename(prefix: str, *parts: object) -> str:
    """An ASCII file name from its parts: "bao-cao-NB-2025.xlsx"."""
    raw = "-".join(str(p) for p in (prefix, *parts) if p)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", raw).strip("-") + ".xlsx"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook to download, under `filename`."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
