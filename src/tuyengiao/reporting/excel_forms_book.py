"""The workbook of a reporting form for a subtree: how it is written (one row per reporting
unit, locked headers and unit columns, a whole-number check in every value cell, a signed hidden
sheet naming the form, period, unit and columns) and how an uploaded one is read back (the
file's limits checked before openpyxl reads it, the signature and the header rows verified,
then the typed cells of every row as text)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tuyengiao.orgs.excel_read import (
    _MAX_UNPACKED_FACTOR,
    ImportFileError,
    _declared_rows,
    _merged_ranges,
    _too_many_rows,
)

SHEET_TITLE = "Số liệu"
META_TITLE = "_meta"
# Row 1: the title; row 2: the column headers; row 3 (hidden): the field keys; then the units.
TITLE_ROW, LABEL_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3, 4
FIXED_KEYS = ("code", "name", "status")
FIRST_FIELD_COLUMN = len(FIXED_KEYS) + 1
SALT = "tuyengiao.reporting.excel_forms"
_FORMAT = 1
# What one cell may hold as text: longer is not a count anyway (the browser form keeps 40).
_MAX_TEXT = 40
_GREY = PatternFill("solid", fgColor="E7EBF0")
_HEADER = PatternFill("solid", fgColor="D9E2EC")
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)


@dataclass(frozen=True)
class Column:
    """One figure column: the field key, its header and whether a value may be typed in it."""

    key: str
    label: str
    editable: bool


@dataclass
class UnitLine:
    """One unit's row as written: its figures as they stand (a number, or text as typed)."""

    code: str
    name: str
    status: str
    locked: bool
    values: dict[str, int | str | None]


@dataclass(frozen=True)
class Meta:
    """What the hidden sheet says the file is, as signed when it was made."""

    form: str
    period: str
    unit: str
    keys: list[str]
    labels: list[str]

    def payload(self) -> dict[str, Any]:
        return {
            "v": _FORMAT,
            "form": self.form,
            "period": self.period,
            "unit": self.unit,
            "keys": self.keys,
            "labels": self.labels,
        }

    def visible(self) -> list[tuple[str, str]]:
        """The hidden sheet's readable lines (the signature covers them all)."""
        return [
            ("form", self.form),
            ("period", self.period),
            ("unit", self.unit),
            ("keys", "|".join(self.keys)),
        ]


@dataclass
class FileRow:
    """A row of an uploaded file that holds something: its unit code and its typed cells."""

    number: int
    code: str
    values: dict[str, str]


@dataclass
class FormFile:
    meta: Meta
    rows: list[FileRow] = field(default_factory=list)

    def letter(self, key: str) -> str:
        return get_column_letter(FIRST_FIELD_COLUMN + self.meta.keys.index(key))


# --- writing --------------------------------------------------------------------------------


def _header(sheet: Any, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    cell.fill = _HEADER
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.protection = _LOCKED
    return cell


def _validation(column: Column, letter: str, last_row: int) -> DataValidation:
    """Whole numbers from 0 in the column's value cells, with a message on entry."""
    rule = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        promptTitle=_("Whole number")[:32],
        prompt=(column.label[:180] + "\n" + _("Enter a whole number, 0 or more."))[:255],
        errorTitle=_("Not a count")[:32],
        error=_("Enter a whole number, 0 or more.")[:255],
    )
    rule.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")
    return rule


def _value_cell(sheet: Any, value: int | str | None, editable: bool) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "#,##0"
    cell.protection = _UNLOCKED if editable else _LOCKED
    if not editable:
        cell.fill = _GREY
    return cell


def _fixed_cell(sheet: Any, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.fill = _GREY
    cell.protection = _LOCKED
    return cell


def _write_meta(workbook: Workbook, meta: Meta) -> None:
    sheet = workbook.create_sheet(META_TITLE)
    sheet.sheet_state = "veryHidden"
    for name, value in meta.visible():
        sheet.append([name, value])
    sheet.append(["signature", signing.dumps(meta.payload(), salt=SALT, compress=True)])


def workbook_bytes(
    *, title: str, meta: Meta, columns: list[Column], lines: Iterable[UnitLine]
) -> bytes:
    """The form's workbook: the title, the headers (locked), one row per unit with its code,
    name and status locked and its figures open for entry where they may change."""
    lines = list(lines)
    workbook = Workbook(write_only=True)
    workbook.security = WorkbookProtection(lockStructure=True)
    sheet: Any = workbook.create_sheet(SHEET_TITLE)
    widths = [14, 42, 18] + [18] * len(columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[LABEL_ROW].height = 90
    sheet.row_dimensions[KEY_ROW].hidden = True
    sheet.freeze_panes = f"{get_column_letter(FIRST_FIELD_COLUMN)}{FIRST_ROW}"
    sheet.protection.sheet = True
    # Printed across the page, every column on it, the headers repeated on each page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{LABEL_ROW}:{LABEL_ROW}"
    last_row = FIRST_ROW + max(len(lines), 1) - 1
    for index, column in enumerate(columns):
        if column.editable:
            letter = get_column_letter(FIRST_FIELD_COLUMN + index)
            sheet.data_validations.append(_validation(column, letter, last_row))
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=12)
    sheet.append([heading])
    fixed = [_("Unit code"), _("Unit name"), _("Status")]
    sheet.append([_header(sheet, text) for text in [*fixed, *(c.label for c in columns)]])
    sheet.append([*FIXED_KEYS, *(c.key for c in columns)])
    for line in lines:
        cells = [_fixed_cell(sheet, line.code), _fixed_cell(sheet, line.name)]
        cells.append(_fixed_cell(sheet, line.status))
        for column in columns:
            editable = column.editable and not line.locked
            cells.append(_value_cell(sheet, line.values.get(column.key), editable))
        sheet.append(cells)
    _write_meta(workbook, meta)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------


def not_this_system() -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not a form downloaded from this system, or its hidden part was "
            "changed. Download the form again and enter the figures in it."
        )
    )


def _open(data: bytes) -> Any:
    """The workbook, read-only, once the file as a whole is known to be a sane .xlsx: its
    size, its rows and what it unpacks to are checked before openpyxl parses anything."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    not_xlsx = ImportFileError(
        _(
            "This is not an Excel .xlsx file, or it is damaged. Open it in Excel, save it as "
            "“Excel Workbook (.xlsx)” and upload it again."
        )
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            declared = _declared_rows(archive)
    except (zipfile.BadZipFile, OSError, SyntaxError) as error:
        raise not_xlsx from error
    if declared - FIRST_ROW + 1 > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    if unpacked > _MAX_UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _(
                "The file holds far more data than a list of units would. Keep only the sheet "
                "of units (no pictures or other sheets) and upload it again."
            )
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # Whatever openpyxl trips over in an untrusted file, the user's answer is the same.
        raise not_xlsx from error


def _text(value: Any) -> str:
    """A cell as the text a person typed: whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return str(value)
    return str(value).strip()[:_MAX_TEXT]


def _meta(workbook: Any) -> Meta:
    if META_TITLE not in workbook.sheetnames:
        raise not_this_system()
    lines: dict[str, str] = {}
    for row in workbook[META_TITLE].iter_rows(max_row=20, max_col=2, values_only=True):
        if row and row[0] is not None:
            lines[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    try:
        payload = signing.loads(lines.get("signature", ""), salt=SALT)
        meta = Meta(
            form=str(payload["form"]),
            period=str(payload["period"]),
            unit=str(payload["unit"]),
            keys=[str(key) for key in payload["keys"]],
            labels=[str(label) for label in payload["labels"]],
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise not_this_system() from error
    if payload.get("v") != _FORMAT or any(lines.get(k) != v for k, v in meta.visible()):
        raise not_this_system()
    return meta


def _headers_changed(letter: str) -> ImportFileError:
    return ImportFileError(
        _(
            "The column headers of the file were changed (column %(column)s). Download the "
            "form again and copy the figures into it, without changing its columns."
        )
        % {"column": letter}
    )


def _check_headers(meta: Meta, labels: tuple[Any, ...], keys: tuple[Any, ...]) -> None:
    """Rows 2 and 3 must be the columns that were signed, in their order, and nothing more."""
    wanted_keys = [*FIXED_KEYS, *meta.keys]
    width = max(len(labels), len(keys), len(wanted_keys))
    for index in range(width):
        key = keys[index] if index < len(keys) else None
        label = labels[index] if index < len(labels) else None
        letter = get_column_letter(index + 1)
        if index >= len(wanted_keys):
            if key is not None or label is not None:
                raise _headers_changed(letter)
            continue
        if key != wanted_keys[index]:
            raise _headers_changed(letter)
        field_index = index - len(FIXED_KEYS)
        if field_index >= 0 and label != meta.labels[field_index]:
            raise _headers_changed(letter)


def _read_rows(data: bytes, workbook: Any, meta: Meta) -> list[FileRow]:
    if SHEET_TITLE not in workbook.sheetnames:
        raise not_this_system()
    sheet = workbook[SHEET_TITLE]
    if sheet.max_row is not None and sheet.max_row - FIRST_ROW + 1 > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    # A declared size that is too small would hide rows: read to the real end, counting.
    sheet.reset_dimensions()
    header = list(sheet.iter_rows(min_row=LABEL_ROW, max_row=KEY_ROW, values_only=True))
    while len(header) < 2:
        header.append(())
    _check_headers(meta, tuple(header[0]), tuple(header[1]))
    width = len(FIXED_KEYS) + len(meta.keys)
    rows: list[FileRow] = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=FIRST_ROW, max_col=width, values_only=True), start=FIRST_ROW
    ):
        if number - FIRST_ROW + 1 > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
        cells = list(values) + [None] * (width - len(values))
        typed = {key: _text(cells[len(FIXED_KEYS) + index]) for index, key in enumerate(meta.keys)}
        code = _text(cells[0]).upper()
        if code or any(typed.values()):
            rows.append(FileRow(number=number, code=code, values=typed))
    merged = _merged_ranges(data, sheet)
    if merged:
        raise ImportFileError(
            _(
                "The sheet has merged cells (%(ranges)s). Unmerge them so that every unit "
                "has its own row with one value per cell, then upload the file again."
            )
            % {"ranges": ", ".join(merged[:10]) + ("…" if len(merged) > 10 else "")}
        )
    return rows


def read_form(data: bytes) -> FormFile:
    """The signed description of an uploaded form file and its rows; ImportFileError if the
    file is unusable, not one of ours, or its headers were changed."""
    workbook = _open(data)
    try:
        meta = _meta(workbook)
        return FormFile(meta=meta, rows=_read_rows(data, workbook, meta))
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            _(
                "This is not an Excel .xlsx file, or it is damaged. Open it in Excel, save it "
                "as “Excel Workbook (.xlsx)” and upload it again."
            )
        ) from error
    finally:
        workbook.close()
