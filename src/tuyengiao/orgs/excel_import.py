"""Excel import of units and their enterprises: read the workbook, validate every row, plan the
changes, and apply them in one transaction through the hierarchy services.

A workbook names units by code. A code already in the database is an existing unit: its name,
parent and enterprise details are compared with the row, and a difference becomes a rename, a
move or an enterprise change. A new code is a unit to establish. An empty cell in the parent,
kind or establishment-date column leaves an existing unit as it is; an absent enterprise column
leaves that detail as it is. Re-importing a file that has been applied plans nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.functions import iterparse

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access, hierarchy, services
from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.models import Enterprise, OrgUnit, Ownership, UnitKind, UnitVersion

CREATE, RENAME, MOVE, ENTERPRISE = "create", "rename", "move", "enterprise"
TAGS = (CREATE, RENAME, MOVE, ENTERPRISE)
TAG_LABELS = {
    CREATE: gettext_lazy("New unit"),
    RENAME: gettext_lazy("Rename"),
    MOVE: gettext_lazy("Move"),
    ENTERPRISE: gettext_lazy("Enterprise details"),
}
# The CSS class of each tag (web/static/web/site.css).
TAG_CSS = {CREATE: "create", RENAME: "change", MOVE: "move", ENTERPRISE: "change"}

# Enterprise columns → Enterprise fields.
_ENTERPRISE_FIELDS = {
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
_NO_ENTERPRISE: dict[str, Any] = {
    "name": "",
    "tax_code": None,
    "sector": "",
    "ownership": "",
    "workforce": None,
}
_CHUNK = 2000
_DATE_TEXT = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_COUNT_TEXT = re.compile(r"\d+|\d{1,3}(?:[. \u00a0]\d{3})+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MERGE_CELL_TAG = f"{_MAIN_NS}mergeCell"
_DIMENSION_TAG = f"{_MAIN_NS}dimension"
_SHEET_DATA_TAG = f"{_MAIN_NS}sheetData"
_LAST_ROW = re.compile(r"(\d+)$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# A workbook is a zip: refuse one that unpacks to far more than any real unit list would.
_MAX_UNPACKED_FACTOR = 20
# Uploaded files wait this long for their commit.
_KEEP_UPLOADS_SECONDS = 2 * 24 * 3600


def _d(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- reading --------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message says what to do about it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Issue:
    """One thing wrong in the file: a row (None for the file as a whole), a column, a message."""

    row: int | None
    column: str
    cell: str
    message: str


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


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    """One line of a planned change as the preview shows it."""

    label: str
    before: str
    after: str


@dataclass
class EnterprisePlan:
    # ("db", pk) for an enterprise on record, ("new", row) for one the file introduces.
    ref: tuple[str, int]
    values: dict[str, Any]
    expected_version: int | None
    save: bool  # this row creates or updates the enterprise
    link: bool  # the (existing) unit must be attached to it


@dataclass
class RowPlan:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str | None  # the parent after the import
    established: dt.date | None
    unit: OrgUnit | None
    tags: list[str] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    enterprise: EnterprisePlan | None = None
    old_name: str = ""
    old_parent: str | None = None

    @property
    def tag_items(self) -> list[tuple[str, str]]:
        return [(TAG_CSS[tag], str(TAG_LABELS[tag])) for tag in self.tags]

    def signature(self) -> list[Any]:
        enterprise = None
        if self.enterprise is not None:
            e = self.enterprise
            enterprise = [list(e.ref), e.values, e.expected_version, e.save, e.link]
        return [
            self.number,
            self.code,
            self.tags,
            self.name,
            self.old_name,
            self.kind,
            self.parent_code,
            self.old_parent,
            self.established,
            enterprise,
        ]


@dataclass
class Plan:
    rows: list[RowPlan]
    errors: list[Issue]
    effective_date: dt.date | None
    fingerprint: str = ""

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.tags]

    @property
    def unchanged(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.tags]

    @property
    def counts(self) -> dict[str, int]:
        counts = {tag: 0 for tag in TAGS}
        for row in self.rows:
            for tag in row.tags:
                counts[tag] += 1
        counts["unchanged"] = len(self.unchanged)
        counts["errors"] = len(self.errors)
        counts["rows"] = len(self.rows)
        return counts

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.changes)


@dataclass
class _Row:
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


@dataclass
class _Current:
    name: str
    parent_code: str | None
    last_change: dt.date


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return _d(value)
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


class _Planner:
    def __init__(self, user: User, sheet: Sheet, effective_date: dt.date | None) -> None:
        self.user = user
        self.sheet = sheet
        self.date = effective_date
        self.today = today()
        self.errors: list[Issue] = []
        self.whole_tree = access.has_whole_tree(user)
        self.scope_root = access.scope_root_id(user)
        self.kinds = cols.kind_lookup()
        self.ownerships = cols.ownership_lookup()
        self.kind_labels = cols.choice_labels(UnitKind)
        self.ownership_labels = cols.choice_labels(Ownership)
        self._allowed: dict[tuple[str, int, dt.date], bool] = {}
        self.needs_date = False
        # Filled by _load():
        self.file_rows: dict[str, _Row] = {}
        self.units: dict[str, OrgUnit] = {}
        self.current: dict[int, _Current] = {}
        self.by_tax: dict[str, Enterprise] = {}
        self.linked: dict[int, list[int]] = defaultdict(list)
        self.known_enterprises: dict[int, Enterprise] = {}
        self.in_scope: set[int] = set()
        # Enterprises met so far in the file.
        self.tax_refs: dict[str, tuple[str, int]] = {}
        self.claims: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}

    # errors

    def error(self, row: int | None, key: str | None, message: str) -> None:
        column = cols.BY_KEY[key].header if key else ""
        cell = (
            f"{self.sheet.letters[key]}{row}" if key and row and key in self.sheet.letters else ""
        )
        self.errors.append(Issue(row=row, column=column, cell=cell, message=message))

    # parsing

    def _cell_text(self, number: int, cells: dict[str, Any], key: str, bad: set[str]) -> str:
        text = _text(cells.get(key))
        limit = _MAX_LENGTHS.get(key)
        if limit is not None and len(text) > limit:
            self.error(
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
        text = _text(cells.get(key))
        if not text:
            return None
        value = lookup.get(search_key(text))
        if value is None:
            self.error(
                number,
                key,
                _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                % {"value": text, "allowed": cols.allowed_labels(choices)},
            )
            bad.add(key)
        return value

    def _parse(self, number: int, cells: dict[str, Any]) -> _Row | None:
        bad: set[str] = set()
        code = self._cell_text(number, cells, cols.CODE, bad).upper()
        name = self._cell_text(number, cells, cols.NAME, bad)
        if not code and cols.CODE not in bad:
            self.error(number, cols.CODE, _("Enter the unit's code."))
        if not name and cols.NAME not in bad:
            self.error(number, cols.NAME, _("Enter the unit's name."))
        kind = self._choice(number, cells, cols.KIND, self.kinds, UnitKind, bad)
        parent = self._cell_text(number, cells, cols.PARENT, bad).upper() or None
        established = None
        if cells.get(cols.ESTABLISHED) is not None:
            try:
                established = _date(cells[cols.ESTABLISHED])
            except ValueError:
                self.error(
                    number,
                    cols.ESTABLISHED,
                    _("“%(value)s” is not a date. Enter it as dd/mm/yyyy, e.g. 15/03/2021.")
                    % {"value": _text(cells[cols.ESTABLISHED])},
                )
                bad.add(cols.ESTABLISHED)
        enterprise = self._parse_enterprise(number, cells, bad)
        if not code:
            return None
        return _Row(number, code, name, kind, parent, established, enterprise, bad)

    def _parse_enterprise(
        self, number: int, cells: dict[str, Any], bad: set[str]
    ) -> dict[str, Any] | None:
        """The enterprise columns present in the file, or None if the row leaves them empty."""
        present = [key for key in cols.ENTERPRISE_KEYS if key in self.sheet.present]
        if all(cells.get(key) is None for key in present):
            return None
        values: dict[str, Any] = {}
        for key in present:
            target = _ENTERPRISE_FIELDS[key]
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
                        self.error(
                            number,
                            key,
                            _("“%(value)s” is not a whole number of workers (0 or more).")
                            % {"value": _text(cells[key])},
                        )
                        bad.add(key)
            elif key == cols.TAX_CODE:
                values[target] = self._cell_text(number, cells, key, bad) or None
            else:
                values[target] = self._cell_text(number, cells, key, bad)
        return values

    # loading what the database holds, in bulk

    def _load(self, rows: list[_Row]) -> None:
        codes = {row.code for row in rows} | {row.parent for row in rows if row.parent}
        code_list = sorted(codes)
        for start in range(0, len(code_list), _CHUNK):
            chunk = code_list[start : start + _CHUNK]
            for unit in OrgUnit.objects.filter(code__in=chunk).select_related("enterprise"):
                self.units[unit.code] = unit
        ids = [unit.pk for unit in self.units.values()]
        for start in range(0, len(ids), _CHUNK):
            versions = UnitVersion.objects.filter(
                unit_id__in=ids[start : start + _CHUNK], valid_to=F("unit__valid_to")
            ).values_list("unit_id", "name", "parent__code", "valid_from")
            for unit_id, name, parent_code, valid_from in versions:
                self.current[unit_id] = _Current(name, parent_code, valid_from)
        taxes = sorted(
            {
                row.enterprise["tax_code"]
                for row in rows
                if row.enterprise and row.enterprise.get("tax_code")
            }
        )
        for start in range(0, len(taxes), _CHUNK):
            for enterprise in Enterprise.objects.filter(tax_code__in=taxes[start : start + _CHUNK]):
                self.by_tax[str(enterprise.tax_code)] = enterprise
        self.known_enterprises = {e.pk: e for e in self.by_tax.values()} | {
            u.enterprise.pk: u.enterprise for u in self.units.values() if u.enterprise is not None
        }
        enterprise_ids = sorted(self.known_enterprises)
        for start in range(0, len(enterprise_ids), _CHUNK):
            linked = OrgUnit.objects.filter(
                enterprise_id__in=enterprise_ids[start : start + _CHUNK]
            ).values_list("enterprise_id", "id")
            for enterprise_id, unit_id in linked:
                self.linked[int(enterprise_id)].append(unit_id)
        if self.scope_root is not None:
            wanted = sorted(set(ids) | {u for units in self.linked.values() for u in units})
            below = hierarchy.descendant_ids(self.scope_root, self.today)
            for start in range(0, len(wanted), _CHUNK):
                self.in_scope.update(
                    OrgUnit.objects.filter(id__in=wanted[start : start + _CHUNK])
                    .filter(id__in=below)
                    .values_list("id", flat=True)
                )

    # scope

    def _unit_in_scope(self, unit_id: int) -> bool:
        """Same answer as access.can_write(user, unit) for today, from one bulk query."""
        return self.whole_tree or unit_id in self.in_scope

    def _may(self, what: str, unit: OrgUnit, date: dt.date) -> bool:
        key = (what, unit.pk, date)
        if key not in self._allowed:
            if what == "restructure":
                self._allowed[key] = access.can_restructure(self.user, unit, date)
            else:
                self._allowed[key] = access.can_place_under(self.user, unit, date)
        return self._allowed[key]

    # planning

    def _check_parent(self, row: _Row, parent_code: str, date: dt.date | None) -> None:
        """The checks for placing `row` under `parent_code` on `date` (creation or move)."""
        if parent_code == row.code:
            self.error(row.number, cols.PARENT, _("A unit cannot be placed under itself."))
            return
        parent = self.units.get(parent_code)
        if parent is not None:
            if parent.kind == UnitKind.GRASSROOTS:
                self.error(
                    row.number,
                    cols.PARENT,
                    _("%(parent)s is a grassroots union: no unit can be placed under it.")
                    % {"parent": parent.code},
                )
            elif date is not None and not parent.valid_from <= date < parent.valid_to:
                self.error(
                    row.number,
                    cols.PARENT,
                    _("%(parent)s does not exist on %(date)s.")
                    % {"parent": parent.code, "date": _d(date)},
                )
            elif not self._may("place", parent, date or self.today):
                self.error(
                    row.number,
                    cols.PARENT,
                    _(
                        "%(parent)s is outside your scope: you may only place units under "
                        "units you are responsible for."
                    )
                    % {"parent": parent.code},
                )
            return
        parent_row = self.file_rows.get(parent_code)
        if parent_row is None:
            self.error(
                row.number,
                cols.PARENT,
                _(
                    "There is no unit with the code %(parent)s, neither on record nor in this "
                    "file. Check the code, or add a row for that unit."
                )
                % {"parent": parent_code},
            )
            return
        if parent_row.kind == UnitKind.GRASSROOTS:
            self.error(
                row.number,
                cols.PARENT,
                _("%(parent)s is a grassroots union: no unit can be placed under it.")
                % {"parent": parent_code},
            )
        elif date and parent_row.established and date < parent_row.established:
            self.error(
                row.number,
                cols.PARENT,
                _("%(parent)s is established on %(parent_date)s, after %(date)s.")
                % {
                    "parent": parent_code,
                    "parent_date": _d(parent_row.established),
                    "date": _d(date),
                },
            )

    def _plan_new(self, row: _Row) -> RowPlan:
        if row.kind is None and cols.KIND not in row.bad:
            self.error(
                row.number,
                cols.KIND,
                _("%(code)s is a new unit: enter its kind (%(allowed)s).")
                % {"code": row.code, "allowed": cols.allowed_labels(UnitKind)},
            )
        if row.established is None and cols.ESTABLISHED not in row.bad:
            self.error(
                row.number,
                cols.ESTABLISHED,
                _("%(code)s is a new unit: enter its establishment date (dd/mm/yyyy).")
                % {"code": row.code},
            )
        if row.parent is None:
            if not self.whole_tree and cols.PARENT not in row.bad:
                self.error(
                    row.number,
                    cols.PARENT,
                    _("%(code)s is a new unit: enter the code of the unit above it.")
                    % {"code": row.code},
                )
        else:
            self._check_parent(row, row.parent, row.established)
        plan = RowPlan(
            number=row.number,
            code=row.code,
            name=row.name,
            kind=row.kind or "",
            parent_code=row.parent,
            established=row.established,
            unit=None,
            tags=[CREATE],
        )
        kind_label = self.kind_labels.get(row.kind, row.kind) if row.kind else ""
        plan.details = [
            Detail(_("Unit above"), "", row.parent or ""),
            Detail(_("Kind"), "", kind_label),
            Detail(_("Established on"), "", _d(row.established) if row.established else ""),
        ]
        return plan

    def _plan_existing(self, row: _Row, unit: OrgUnit) -> RowPlan | None:
        if not self._unit_in_scope(unit.pk):
            self.error(
                row.number,
                cols.CODE,
                _("%(code)s is outside your scope: remove this row from the file.")
                % {"code": unit.code},
            )
            return None
        current = self.current[unit.pk]
        if row.kind and row.kind != unit.kind:
            self.error(
                row.number,
                cols.KIND,
                _(
                    "%(code)s is on record as “%(kind)s”; an import cannot change the kind of "
                    "a unit. Correct the cell or leave it empty."
                )
                % {"code": unit.code, "kind": unit.get_kind_display()},
            )
        if row.established and row.established != unit.valid_from:
            self.error(
                row.number,
                cols.ESTABLISHED,
                _(
                    "%(code)s is on record as established on %(date)s; an import cannot change "
                    "that date. Correct the cell or leave it empty."
                )
                % {"code": unit.code, "date": _d(unit.valid_from)},
            )
        plan = RowPlan(
            number=row.number,
            code=unit.code,
            name=row.name or current.name,
            kind=unit.kind,
            parent_code=row.parent or current.parent_code,
            established=unit.valid_from,
            unit=unit,
            old_name=current.name,
            old_parent=current.parent_code,
        )
        if row.name and row.name != current.name:
            plan.tags.append(RENAME)
            plan.details.append(Detail(_("Name"), current.name, row.name))
        if row.parent and row.parent != current.parent_code:
            plan.tags.append(MOVE)
            plan.details.append(Detail(_("Unit above"), current.parent_code or "", row.parent))
        if RENAME in plan.tags and MOVE in plan.tags:
            self.error(
                row.number,
                cols.PARENT,
                _(
                    "%(code)s would be both renamed and moved. One import can do only one of "
                    "the two on the same date: import the move first, then the new name with "
                    "a later effective date."
                )
                % {"code": unit.code},
            )
        elif plan.tags:
            self._check_restructure(row, unit, current, RENAME if RENAME in plan.tags else MOVE)
        if MOVE in plan.tags and row.parent:
            self._check_parent(row, row.parent, self.date)
        return plan

    def _check_restructure(self, row: _Row, unit: OrgUnit, current: _Current, tag: str) -> None:
        key = cols.NAME if tag == RENAME else cols.PARENT
        if self.date is None:
            self.needs_date = True
            return
        if self.date >= unit.valid_to:
            self.error(
                row.number,
                key,
                _("%(code)s was dissolved on %(date)s: it can no longer be changed.")
                % {"code": unit.code, "date": _d(unit.valid_to)},
            )
        elif self.date <= current.last_change:
            self.error(
                row.number,
                key,
                _(
                    "%(code)s last changed on %(date)s; the effective date of this import "
                    "must be after that day."
                )
                % {"code": unit.code, "date": _d(current.last_change)},
            )
        if not self._may("restructure", unit, self.date):
            self.error(
                row.number,
                key,
                _(
                    "You may not move or rename %(code)s: only units below the unit you are "
                    "responsible for can be restructured."
                )
                % {"code": unit.code},
            )

    def _plan_enterprise(self, row: _Row, plan: RowPlan) -> None:
        """Which enterprise the row describes, and whether it must be created, updated or
        attached to the unit. A tax code names an enterprise; without one, a unit's own
        enterprise is meant. Rows naming the same enterprise must describe it alike."""
        data = row.enterprise
        if data is None:
            return
        unit = plan.unit
        tax = data.get("tax_code")
        target: Enterprise | None = None
        if tax and tax in self.by_tax:
            target = self.by_tax[tax]
            ref = ("db", target.pk)
        elif tax and tax in self.tax_refs:
            ref = self.tax_refs[tax]
            target = self.known_enterprises.get(ref[1]) if ref[0] == "db" else None
        elif unit is not None and unit.enterprise is not None:
            target = unit.enterprise
            ref = ("db", target.pk)
        else:
            ref = ("new", row.number)
        if tax:
            self.tax_refs.setdefault(tax, ref)
        stored = _enterprise_values(target) if target is not None else None
        claim = self.claims.get(ref)
        base = claim[1] if claim else stored or dict(_NO_ENTERPRISE)
        values = base | data
        if not values["name"] and cols.ENTERPRISE_NAME not in row.bad:
            self.error(
                row.number,
                cols.ENTERPRISE_NAME,
                _("Enter the name of the enterprise or agency this unit is set up in."),
            )
        if not values["ownership"] and cols.OWNERSHIP not in row.bad:
            self.error(
                row.number,
                cols.OWNERSHIP,
                _("Enter the enterprise's type of ownership (%(allowed)s).")
                % {"allowed": cols.allowed_labels(Ownership)},
            )
        if claim is None:
            self.claims[ref] = (row.number, values)
        elif claim[1] != values:
            self.error(
                row.number,
                cols.ENTERPRISE_NAME,
                _(
                    "Row %(row)d describes the same enterprise with other details. Make the "
                    "two rows agree."
                )
                % {"row": claim[0]},
            )
        save = claim is None and values != stored
        link = unit is not None and (ref[0] == "new" or unit.enterprise_id != ref[1])
        if unit is not None and not (save or link):
            return
        if (
            save
            and target is not None
            and not all(self._unit_in_scope(unit_id) for unit_id in self.linked.get(target.pk, []))
        ):
            self.error(
                row.number,
                cols.ENTERPRISE_NAME,
                _(
                    "%(name)s is also the employer of a union outside your scope; its details "
                    "can only be changed by an office responsible for all its unions."
                )
                % {"name": target.name},
            )
        plan.enterprise = EnterprisePlan(
            ref=ref,
            values=values,
            expected_version=target.version if target is not None else None,
            save=save,
            link=link,
        )
        if unit is not None:
            plan.tags.append(ENTERPRISE)
        if save:
            for key, field_name in _ENTERPRISE_FIELDS.items():
                before = stored.get(field_name) if stored else None
                after = values.get(field_name)
                if before != after and (before or after):
                    plan.details.append(
                        Detail(
                            cols.BY_KEY[key].header,
                            self._display(field_name, before),
                            self._display(field_name, after),
                        )
                    )
        elif link:
            old = unit.enterprise.name if unit is not None and unit.enterprise else ""
            plan.details.append(Detail(_("Enterprise or agency"), old, values["name"]))

    def _display(self, field_name: str, value: Any) -> str:
        if value is None:
            return ""
        if field_name == "ownership":
            return self.ownership_labels.get(str(value), str(value))
        if field_name == "workforce":
            return f"{value:,}".replace(",", ".")
        return str(value)

    # cycles and order

    def _final_parents(self, plans: list[RowPlan]) -> dict[str, str | None]:
        """Every unit's parent once the import is applied: the file's rows, and above them the
        units on record, followed upwards level by level (one query per level)."""
        parents: dict[str, str | None] = {plan.code: plan.parent_code for plan in plans}
        for unit in self.units.values():
            if unit.code not in parents and unit.pk in self.current:
                parents[unit.code] = self.current[unit.pk].parent_code
        pending = {p for p in parents.values() if p and p not in parents}
        while pending:
            batch = sorted(pending)
            found: dict[str, str | None] = {}
            for start in range(0, len(batch), _CHUNK):
                rows = UnitVersion.objects.filter(
                    unit__code__in=batch[start : start + _CHUNK], valid_to=F("unit__valid_to")
                ).values_list("unit__code", "parent__code")
                found.update(rows)
            for code in batch:
                parents[code] = found.get(code)
            pending = {p for p in found.values() if p and p not in parents}
        return parents

    def _check_cycles(self, plans: list[RowPlan], parents: dict[str, str | None]) -> None:
        changed = {plan.code: plan for plan in plans if CREATE in plan.tags or MOVE in plan.tags}
        done: set[str] = set()
        for start in changed:
            path: list[str] = []
            on_path: set[str] = set()
            node: str | None = start
            while node is not None and node not in done:
                if node in on_path:
                    loop = path[path.index(node) :]
                    chain = " → ".join([*loop, node])
                    for code in loop:
                        if code in changed:
                            self.error(
                                changed[code].number,
                                cols.PARENT,
                                _(
                                    "The units above one another form a loop (%(chain)s). "
                                    "Correct the codes of the units above."
                                )
                                % {"chain": chain},
                            )
                    break
                on_path.add(node)
                path.append(node)
                node = parents.get(node)
            done.update(path)

    def build(self) -> Plan:
        rows: list[_Row] = []
        seen: dict[str, int] = {}
        for number, cells in self.sheet.rows:
            row = self._parse(number, cells)
            if row is None:
                continue
            if row.code in seen:
                self.error(
                    number,
                    cols.CODE,
                    _("The code %(code)s is already on row %(row)d: each unit takes one row.")
                    % {"code": row.code, "row": seen[row.code]},
                )
                continue
            seen[row.code] = number
            rows.append(row)
        self.file_rows = {row.code: row for row in rows}
        self._load(rows)
        plans: list[RowPlan] = []
        for row in rows:
            unit = self.units.get(row.code)
            plan = self._plan_new(row) if unit is None else self._plan_existing(row, unit)
            if plan is None:
                continue
            self._plan_enterprise(row, plan)
            plans.append(plan)
        parents = self._final_parents(plans)
        self._check_cycles(plans, parents)
        if self.needs_date:
            self.errors.insert(
                0,
                Issue(
                    row=None,
                    column="",
                    cell="",
                    message=_(
                        "The file moves or renames units: enter the effective date "
                        "(dd/mm/yyyy) on the upload form and upload the file again."
                    ),
                ),
            )
        self.errors.sort(key=lambda issue: issue.row or 0)
        result = Plan(rows=_parents_first(plans), errors=self.errors, effective_date=self.date)
        result.fingerprint = _fingerprint(result)
        return result


def _enterprise_values(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "name": enterprise.name,
        "tax_code": enterprise.tax_code,
        "sector": enterprise.sector,
        "ownership": enterprise.ownership,
        "workforce": enterprise.workforce,
    }


def _parents_first(plans: list[RowPlan]) -> list[RowPlan]:
    """The rows in file order, except that a row naming another row of the file as its parent
    comes after it: the order in which they can be applied."""
    by_code = {plan.code: plan for plan in plans}
    placed: set[str] = set()
    ordered: list[RowPlan] = []
    for plan in plans:
        chain: list[RowPlan] = []
        node: RowPlan | None = plan
        while node is not None and node.code not in placed and node not in chain:
            chain.append(node)
            node = by_code.get(node.parent_code) if node.parent_code else None
        for item in reversed(chain):
            placed.add(item.code)
            ordered.append(item)
    return ordered


def _fingerprint(plan: Plan) -> str:
    payload = {
        "date": plan.effective_date,
        "changes": [row.signature() for row in plan.changes],
    }
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def build_plan(user: User, sheet: Sheet, effective_date: dt.date | None) -> Plan:
    """Validate every row against the file and the database and say what the import would do.
    Reads only; the queries are per batch of rows, not per row."""
    return _Planner(user, sheet, effective_date).build()


def rows_for_display(plan: Plan, show: str, query: str = "") -> list[RowPlan] | list[Issue]:
    """The preview's list: the changes, the unchanged rows or the errors, filtered by a search
    on code and name (errors: on their message)."""
    terms = [term for term in search_key(query).split(" ") if term]
    if show == "errors":
        return [
            issue for issue in plan.errors if all(t in search_key(issue.message) for t in terms)
        ]
    rows = plan.unchanged if show == "unchanged" else plan.changes
    return [row for row in rows if all(t in search_key(f"{row.code} {row.name}") for t in terms)]


# --- keeping the file between preview and commit -------------------------------------------


def _imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def upload_store(data: bytes) -> str:
    """Keep an uploaded file under its SHA-256 until it is committed (or grows old)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    path = folder / f"{digest}.xlsx"
    if not path.exists():
        partial = folder / f"{digest}.part"
        partial.write_bytes(data)
        partial.replace(path)
    else:
        path.touch()
    return digest


def upload_load(digest: str) -> bytes:
    path = _imports_dir() / f"{digest}.xlsx"
    if not _SHA256.fullmatch(digest) or not path.exists():
        raise ImportFileError(
            _("The uploaded file is no longer available. Upload it again to see the preview.")
        )
    return path.read_bytes()


def upload_discard(digest: str) -> None:
    if _SHA256.fullmatch(digest):
        (_imports_dir() / f"{digest}.xlsx").unlink(missing_ok=True)


def preview(user: User, *, digest: str, effective_date: dt.date | None) -> Plan:
    return build_plan(user, read_workbook(upload_load(digest)), effective_date)


# --- applying -------------------------------------------------------------------------------


class PlanChanged(Exception):
    """The file no longer gives the plan that was previewed (or it has errors now)."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("plan changed")
        self.plan = plan


class ImportApplyError(Exception):
    """A service refused one row while applying; everything has been rolled back."""

    def __init__(self, row: int, code: str, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.code = code
        self.message = message


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or _("This unit is outside your scope.")


class _Applier:
    def __init__(self, actor: User, plan: Plan, reason: str) -> None:
        self.actor = actor
        self.plan = plan
        self.reason = reason
        self.units: dict[str, OrgUnit] = {}
        self.enterprises: dict[tuple[str, int], Enterprise] = {}

    def _unit(self, code: str) -> OrgUnit:
        if code in self.units:
            return self.units[code]
        return OrgUnit.objects.get(code=code)

    def _enterprise(self, row: RowPlan, unit: OrgUnit | None) -> Enterprise:
        """The row's enterprise, created or updated as planned. A new enterprise is created by
        whichever of the rows naming it comes first in the order of application."""
        planned = row.enterprise
        assert planned is not None  # noqa: S101 - only called for rows that have one
        enterprise = self.enterprises.get(planned.ref)
        if planned.ref[0] == "new":
            if enterprise is None:
                enterprise = services.enterprise_save(
                    self.actor, enterprise=Enterprise(**planned.values), unit=unit
                )
        else:
            if enterprise is None:
                enterprise = Enterprise.objects.get(pk=planned.ref[1])
            if planned.save:
                for name, value in planned.values.items():
                    setattr(enterprise, name, value)
                services.enterprise_save(
                    self.actor,
                    enterprise=enterprise,
                    unit=unit,
                    expected_version=planned.expected_version,
                )
        self.enterprises[planned.ref] = enterprise
        return enterprise

    def apply_row(self, row: RowPlan) -> None:
        date = self.plan.effective_date
        if CREATE in row.tags:
            # A new unit's enterprise is saved first and given to unit_create: the unit may be
            # established later than today, when the scope check of enterprise_save would fail.
            enterprise = self._enterprise(row, None) if row.enterprise else None
            assert row.established is not None  # noqa: S101 - the plan has no errors
            self.units[row.code] = services.unit_create(
                self.actor,
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent=self._unit(row.parent_code) if row.parent_code else None,
                valid_from=row.established,
                reason=self.reason,
                enterprise=enterprise,
            )
            return
        unit = row.unit
        assert unit is not None  # noqa: S101 - rows that are not new have a unit
        version = unit.version
        if (RENAME in row.tags or MOVE in row.tags) and date is None:
            raise ValidationError(_("Enter the effective date of the moves and renames."))
        if RENAME in row.tags and date is not None:
            services.unit_rename(
                self.actor, unit=unit, name=row.name, effective_date=date, reason=self.reason
            )
            version += 1
        if MOVE in row.tags and row.parent_code and date is not None:
            services.unit_move(
                self.actor,
                units=[unit],
                parent=self._unit(row.parent_code),
                effective_date=date,
                reason=self.reason,
            )
        if row.enterprise is not None:
            enterprise = self._enterprise(row, unit)
            if row.enterprise.link:
                services.unit_set_enterprise(
                    self.actor, unit=unit, enterprise=enterprise, expected_version=version
                )
        self.units[row.code] = unit

    def summary_unit(self) -> OrgUnit:
        if self.actor.scope_unit is not None:
            return self.actor.scope_unit
        return next(iter(self.units.values()))


def import_commit(
    actor: User,
    *,
    digest: str,
    effective_date: dt.date | None,
    reason: str,
    fingerprint: str,
) -> Plan:
    """Apply the file's plan in one transaction, if it is still the plan that was previewed.

    Raises PlanChanged (nothing written) when the plan now differs or has errors, and
    ImportApplyError (everything rolled back) when a service refuses a row."""
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason or the decision behind this change.")})
    sheet = read_workbook(upload_load(digest))
    with transaction.atomic():
        # Planned inside the transaction, so that what is applied is what was checked.
        plan = build_plan(actor, sheet, effective_date)
        if not plan.can_commit or plan.fingerprint != fingerprint:
            raise PlanChanged(plan)
        applier = _Applier(actor, plan, reason)
        for row in plan.changes:
            try:
                applier.apply_row(row)
            except (ValidationError, PermissionDenied) as error:
                raise ImportApplyError(row.number, row.code, _error_text(error)) from error
        unit = applier.summary_unit()
        audit_record(
            actor,
            action="orgs.import",
            obj=unit,
            unit=unit,
            after={"file": digest, "effective_date": effective_date, **plan.counts},
            reason=reason,
        )
    upload_discard(digest)
    return plan
