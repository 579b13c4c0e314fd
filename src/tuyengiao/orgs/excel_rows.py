"""The rows of a unit workbook checked cell by cell: each row's values typed (code, name, kind,
parent, date, enterprise details), and an Issue, with its row and cell, for each bad value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.excel_read import Sheet
from tuyengiao.orgs.models import Ownership, UnitKind

# Enterprise columns → Enterprise fields.
ENTERPRISE_FIELDS = {
    cols.ENTERPRISE_NAME: "name",
    cols.TAX_CODE: "tax_code",
    cols.SECTOR: "sector",
    cols.OWNERSHIP: "ownership",
    cols.WORKFORCE: "workforce",
}
_MAX_LENGTHS = {
    cols.CODE: 32,
    cols.NAME: 255,
    cols.PARENT: 32,
    cols.ENTERPRISE_NAME: 255,
    cols.TAX_CODE: 14,
    cols.SECTOR: 120,
}
_DATE_TEXT = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_COUNT_TEXT = re.compile(r"\d+|\d{1,3}(?:[. \u00a0]\d{3})+")


def short_date(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Issue:
    """One thing wrong in the file: a row (None for the file as a whole), a column, a message."""

    row: int | None
    column: str
    cell: str
    message: str


class Issues:
    """The errors found in a file so far, each named by its row and its cell where it has one."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.items: list[Issue] = []

    def add(self, row: int | None, key: str | None, message: str) -> None:
        column = cols.BY_KEY[key].header if key else ""
        cell = (
            f"{self.sheet.letters[key]}{row}" if key and row and key in self.sheet.letters else ""
        )
        self.items.append(Issue(row=row, column=column, cell=cell, message=message))


@dataclass
class FileRow:
    """A row's values after type checks; a value that failed its check is None and its
    column is in `bad`, so that no second error is reported for it."""

    number: int
    code: str
    name: str
    kind: str | None
    parent: str | None
    established: dt.date | None
    enterprise: dict[str, Any] | None
    bad: set[str]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return short_date(value)
    return clean(str(value))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_TEXT.fullmatch(value.strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    raise ValueError(value)


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _COUNT_TEXT.fullmatch(value.strip()):
        number = int(re.sub(r"\D", "", value))
    else:
        raise ValueError(value)
    if number < 0:
        raise ValueError(value)
    return number


class _Reader:
    def __init__(self, sheet: Sheet, issues: Issues) -> None:
        self.sheet = sheet
        self.issues = issues
        self.kinds = cols.kind_lookup()
        self.ownerships = cols.ownership_lookup()

    def _text(self, number: int, cells: dict[str, Any], key: str, bad: set[str]) -> str:
        text = cell_text(cells.get(key))
        limit = _MAX_LENGTHS.get(key)
        if limit is not None and len(text) > limit:
            self.issues.add(
                number,
                key,
                _("This value is %(length)d characters long; at most %(limit)d are allowed.")
                % {"length": len(text), "limit": limit},
            )
            bad.add(key)
            return ""
        return text

    def _choice(
        self,
        number: int,
        cells: dict[str, Any],
        key: str,
        lookup: dict[str, str],
        choices: type[UnitKind] | type[Ownership],
        bad: set[str],
    ) -> str | None:
        text = cell_text(cells.get(key))
        if not text:
            return None
        value = lookup.get(search_key(text))
        if value is None:
            self.issues.add(
                number,
                key,
                _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                % {"value": text, "allowed": cols.allowed_labels(choices)},
            )
            bad.add(key)
        return value

    def row(self, number: int, cells: dict[str, Any]) -> FileRow | None:
        bad: set[str] = set()
        code = self._text(number, cells, cols.CODE, bad).upper()
        name = self._text(number, cells, cols.NAME, bad)
        if not code and cols.CODE not in bad:
            self.issues.add(number, cols.CODE, _("Enter the unit's code."))
        if not name and cols.NAME not in bad:
            self.issues.add(number, cols.NAME, _("Enter the unit's name."))
        kind = self._choice(number, cells, cols.KIND, self.kinds, UnitKind, bad)
        parent = self._text(number, cells, cols.PARENT, bad).upper() or None
        established = None
        if cells.get(cols.ESTABLISHED) is not None:
            try:
                established = _date(cells[cols.ESTABLISHED])
            except ValueError:
                self.issues.add(
                    number,
                    cols.ESTABLISHED,
                    _("“%(value)s” is not a date. Enter it as dd/mm/yyyy, e.g. 15/03/2021.")
                    % {"value": cell_text(cells[cols.ESTABLISHED])},
                )
                bad.add(cols.ESTABLISHED)
        enterprise = self._enterprise(number, cells, bad)
        if not code:
            return None
        return FileRow(number, code, name, kind, parent, established, enterprise, bad)

    def _enterprise(
        self, number: int, cells: dict[str, Any], bad: set[str]
    ) -> dict[str, Any] | None:
        """The enterprise columns present in the file, or None if the row leaves them empty."""
        present = [key for key in cols.ENTERPRISE_KEYS if key in self.sheet.present]
        if all(cells.get(key) is None for key in present):
            return None
        values: dict[str, Any] = {}
        for key in present:
            target = ENTERPRISE_FIELDS[key]
            if key == cols.OWNERSHIP:
                values[target] = (
                    self._choice(number, cells, key, self.ownerships, Ownership, bad) or ""
                )
            elif key == cols.WORKFORCE:
                values[target] = None
                if cells.get(key) is not None:
                    try:
                        values[target] = _count(cells[key])
                    except ValueError:
                        self.issues.add(
                            number,
                            key,
                            _("“%(value)s” is not a whole number of workers (0 or more).")
                            % {"value": cell_text(cells[key])},
                        )
                        bad.add(key)
            elif key == cols.TAX_CODE:
                values[target] = self._text(number, cells, key, bad) or None
            else:
                values[target] = self._text(number, cells, key, bad)
        return values


def read_rows(sheet: Sheet, issues: Issues) -> list[FileRow]:
    """The sheet's rows that have a code, each code once (a repeated code is an issue)."""
    reader = _Reader(sheet, issues)
    rows: list[FileRow] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = reader.row(number, cells)
        if row is None:
            continue
        if row.code in seen:
            issues.add(
                number,
                cols.CODE,
                _("The code %(code)s is already on row %(row)d: each unit takes one row.")
                % {"code": row.code, "row": seen[row.code]},
            )
            continue
        seen[row.code] = number
        rows.append(row)
    return rows
