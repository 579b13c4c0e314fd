"""Reading an uploaded unit workbook as a whole: refuse a file that is not a usable .xlsx (too
big, too many rows, merged cells, missing columns) before any row is planned, and return the
raw cells of its data rows by column."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.functions import iterparse

from tuyengiao.orgs import excel_columns as cols

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MERGE_CELL_TAG = f"{_MAIN_NS}mergeCell"
_DIMENSION_TAG = f"{_MAIN_NS}dimension"
_SHEET_DATA_TAG = f"{_MAIN_NS}sheetData"
_LAST_ROW = re.compile(r"(\d+)$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# A workbook is a zip: refuse one that unpacks to far more than any real unit list would.
_MAX_UNPACKED_FACTOR = 20


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message says what to do about it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The data rows of a workbook: Excel row number and the raw cell values by column key."""

    letters: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]

    @property
    def present(self) -> set[str]:
        return set(self.letters)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(limit)s rows of units. Split it into several files of at "
            "most %(limit)s rows (and delete empty rows at the bottom), then import them one "
            "after the other."
        )
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
    )


def _sheet_rows(archive: zipfile.ZipFile, name: str, enough: int) -> int:
    """The rows a worksheet declares in its <dimension>; without one, its <row> tags counted in
    the raw XML, stopping at `enough`."""
    with archive.open(name) as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION_TAG:
                match = _LAST_ROW.search(str(element.get("ref", "")))
                return int(match.group(1)) if match else 0
            if element.tag == _SHEET_DATA_TAG:
                break
    count, tail = 0, b""
    with archive.open(name) as source:
        while count < enough and (chunk := source.read(1 << 20)):
            text = tail + chunk
            # A tag that ends inside the carried-over tail was counted with the chunk before.
            count += sum(1 for found in _ROW_TAG.finditer(text) if found.end() > len(tail))
            tail = text[-64:]
    return count


def _declared_rows(archive: zipfile.ZipFile) -> int:
    """The most rows any worksheet of the file holds, found without parsing its cells: a huge
    file is refused before openpyxl reads it (which it would do in full to size it)."""
    enough = settings.IMPORT_MAX_ROWS + 2
    names = [
        name
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and name.endswith(".xml")
    ]
    return max((_sheet_rows(archive, name, enough) for name in names), default=0)


def _merged_ranges(data: bytes, worksheet: Any) -> list[str]:
    """The merged ranges of the sheet. Read-only worksheets do not parse them, so scan the
    sheet's XML for them (one streaming pass)."""
    path = getattr(worksheet, "_worksheet_path", None)
    if not isinstance(path, str):
        return []
    ranges: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as source:
        for _event, element in iterparse(source):
            if element.tag == _MERGE_CELL_TAG:
                ranges.append(str(element.get("ref", "")))
            element.clear()
    return ranges


def _blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _read_sheet(data: bytes, workbook: Workbook) -> Sheet:
    if not workbook.worksheets:
        raise ImportFileError(_("The file has no worksheet."))
    worksheet: Any = workbook.worksheets[0]
    # The declared size lets a huge file be refused before any row is read.
    if worksheet.max_row is not None and worksheet.max_row - 1 > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    # A declared size that is too small would hide rows: read to the real end, counting.
    worksheet.reset_dimensions()
    header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        column = cols.column_for_header(value)
        if column is None:
            continue
        if column.key in positions:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in row 1; keep only one of them.")
                % {"column": column.header}
            )
        positions[column.key] = index
    missing = [column.header for column in cols.REQUIRED if column.key not in positions]
    if missing:
        raise ImportFileError(
            _(
                "Row 1 lacks the required column(s): %(columns)s. Row 1 must hold the column "
                "headers; download the template to see them."
            )
            % {"columns": ", ".join(f"“{name}”" for name in missing)}
        )
    width = max(positions.values()) + 1
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(
        worksheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
    ):
        if number - 1 > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
        cells = {key: _blank(values[index]) for key, index in positions.items()}
        if any(value is not None for value in cells.values()):
            rows.append((number, cells))
    # Merged ranges are listed after the rows: scanned once the row count is known to be sane.
    merged = _merged_ranges(data, worksheet)
    if merged:
        raise ImportFileError(
            _(
                "The sheet has merged cells (%(ranges)s). Unmerge them so that every unit "
                "has its own row with one value per cell, then upload the file again."
            )
            % {"ranges": ", ".join(merged[:10]) + ("…" if len(merged) > 10 else "")}
        )
    if not rows:
        raise ImportFileError(_("The file has no unit rows under the header row."))
    return Sheet(
        letters={key: get_column_letter(index + 1) for key, index in positions.items()},
        rows=rows,
    )


def read_workbook(data: bytes) -> Sheet:
    """Check the file as a whole and return its rows; raise ImportFileError if it is unusable."""
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
        # SyntaxError covers xml.etree's ParseError.
        raise not_xlsx from error
    if declared - 1 > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows()
    if unpacked > _MAX_UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _(
                "The file holds far more data than a list of units would. Keep only the sheet "
                "of units (no pictures or other sheets) and upload it again."
            )
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # Whatever openpyxl trips over in an untrusted file, the user's answer is the same.
        raise not_xlsx from error
    try:
        return _read_sheet(data, workbook)
    except ImportFileError:
        raise
    except Exception as error:
        raise not_xlsx from error
    finally:
        workbook.close()
