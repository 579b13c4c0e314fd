"""Reading an uploaded unit workbook as a whole: refuse a file that is not a usable .xlsx (too
big, too many rows, merged cells, missing columns) before any row is planned, and return the
raw cells of its data rows by column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tuyengiao.core.excel import (
    ImportFileError,
    blank,
    data_rows,
    reading,
    refuse_merged,
    reset_sheet,
)
from tuyengiao.orgs import excel_columns as cols

# Row 1 holds the column headers; the units follow.
_FIRST_ROW = 2


@dataclass
class Sheet:
    """The data rows of a workbook: Excel row number and the raw cell values by column key."""

    letters: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]

    @property
    def present(self) -> set[str]:
        return set(self.letters)


def _read_sheet(data: bytes, workbook: Any) -> Sheet:
    if not workbook.worksheets:
        raise ImportFileError(_("The file has no worksheet."))
    worksheet: Any = workbook.worksheets[0]
    reset_sheet(worksheet, first_row=_FIRST_ROW)
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
    rows: list[tuple[int, dict[str, Any]]] = []
    width = max(positions.values()) + 1
    for number, values in data_rows(worksheet, first_row=_FIRST_ROW, width=width):
        cells = {key: blank(values[index]) for key, index in positions.items()}
        if any(value is not None for value in cells.values()):
            rows.append((number, cells))
    refuse_merged(data, worksheet)
    if not rows:
        raise ImportFileError(_("The file has no unit rows under the header row."))
    return Sheet(
        letters={key: get_column_letter(index + 1) for key, index in positions.items()},
        rows=rows,
    )


def read_workbook(data: bytes) -> Sheet:
    """Check the file as a whole and return its rows; raise ImportFileError if it is unusable."""
    with reading(data, first_row=_FIRST_ROW) as workbook:
        return _read_sheet(data, workbook)
