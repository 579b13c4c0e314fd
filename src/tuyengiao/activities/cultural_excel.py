"""Excel round trip of cultural-standard records for a unit's subtree and a year: the download
(one row per grassroots union on the year's last day, prefilled, headers and unit columns
locked, yes/no lists and whole-number checks, a signed hidden sheet naming the year, unit and
columns), the plan of an upload (every bad cell, or per union what changes), and the commit of
that plan in one transaction through cultural_many_set, refused if the plan is no longer the
one previewed. The uploaded file waits on the server between preview and commit (the store of
orgs.excel_import), as for the reporting forms (reporting/excel_forms.py)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tuyengiao.accounts.models import User
from tuyengiao.activities import cultural_selectors as selectors
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.activities.services import (
    CULTURAL_FIELDS,
    CulturalInput,
    _check_cultural,
    cultural_many_set,
)
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access
from tuyengiao.orgs.excel_import import upload_discard, upload_load, upload_store
from tuyengiao.orgs.excel_read import ImportFileError, _merged_ranges, _too_many_rows
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting import validation

# The file's limits (size, rows, what it unpacks to) are those of the reporting forms' files.
from tuyengiao.reporting.excel_forms_book import _open

__all__ = ["ImportFileError", "upload_discard", "upload_load", "upload_store"]

SHEET_TITLE = "Văn hóa"
META_TITLE = "_meta"
# Row 1: the title; row 2: the column headers; row 3 (hidden): the column keys; then unions.
TITLE_ROW, LABEL_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3, 4
FIXED_KEYS = ("code", "name")
KEYS = tuple(CULTURAL_FIELDS)  # registered, recognised, decision, families, families_cultural
YES_NO = ("registered", "recognised")
COUNTS = ("families", "families_cultural")
KIND = "cultural"
SALT = "tuyengiao.activities.cultural_excel"
_FORMAT = 1
DECISION_MAX = 200
_GREY = PatternFill("solid", fgColor="E7EBF0")
_HEADER = PatternFill("solid", fgColor="D9E2EC")
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_TRUE = {"co", "yes", "x", "1", "true", "dat"}
_FALSE = {"khong", "no", "0", "false"}


def labels() -> dict[str, str]:
    return {
        "code": _("Unit code"),
        "name": _("Union name"),
        "registered": _("Registered for the cultural standard"),
        "recognised": _("Recognised as meeting the standard"),
        "decision": _("Recognition decision (number, date)"),
        "families": _("Member families"),
        "families_cultural": _("Of which cultural families"),
    }


def yes() -> str:
    return _("Yes")


def no() -> str:
    return _("No")


def letter(key: str) -> str:
    return get_column_letter([*FIXED_KEYS, *KEYS].index(key) + 1)


@dataclass(frozen=True)
class Meta:
    """What the hidden sheet says the file is, as signed when it was made."""

    year: int
    unit: str
    keys: list[str]

    def payload(self) -> dict[str, Any]:
        return {"v": _FORMAT, "kind": KIND, "year": self.year, "unit": self.unit, "keys": self.keys}

    def visible(self) -> list[tuple[str, str]]:
        return [
            ("kind", KIND),
            ("year", str(self.year)),
            ("unit", self.unit),
            ("keys", "|".join(self.keys)),
        ]


@dataclass
class FileRow:
    number: int
    code: str
    cells: dict[str, Any]


@dataclass
class CulturalFile:
    meta: Meta
    rows: list[FileRow] = field(default_factory=list)


# --- download -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int


def _header(sheet: Any, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    cell.fill = _HEADER
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.protection = _LOCKED
    return cell


def _cell(sheet: Any, value: Any, *, editable: bool, number: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if number:
        cell.number_format = "#,##0"
    cell.protection = _UNLOCKED if editable else _LOCKED
    if not editable:
        cell.fill = _GREY
    return cell


def _validations(last_row: int) -> list[DataValidation]:
    """Yes/no lists, a decision of at most 200 characters, whole numbers from 0."""
    cells = {key: f"{letter(key)}{FIRST_ROW}:{letter(key)}{last_row}" for key in KEYS}
    choose = _("Choose “%(yes)s” or “%(no)s”.") % {"yes": yes(), "no": no()}
    whole = _("Enter a whole number, 0 or more.")
    rules = []
    for key in YES_NO:
        rule = DataValidation(
            type="list",
            formula1=f'"{yes()},{no()}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Yes or no")[:32],
            error=choose[:255],
        )
        rule.add(cells[key])
        rules.append(rule)
    decision = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(DECISION_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Too long")[:32],
        error=(_("At most %(max)s characters.") % {"max": DECISION_MAX})[:255],
    )
    decision.add(cells["decision"])
    rules.append(decision)
    for key in COUNTS:
        rule = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=True,
            promptTitle=_("Whole number")[:32],
            prompt=whole[:255],
            errorTitle=_("Not a count")[:32],
            error=whole[:255],
        )
        rule.add(cells[key])
        rules.append(rule)
    return rules


def _record_cells(record: CulturalRecord | None) -> dict[str, Any]:
    """A record as the workbook shows it; a union without one has empty cells (no data is not
    "no")."""
    if record is None:
        return dict.fromkeys(KEYS)
    return {
        "registered": yes() if record.registered else no(),
        "recognised": yes() if record.recognised else no(),
        "decision": record.decision or None,
        "families": record.families,
        "families_cultural": record.families_cultural,
    }


def workbook_bytes(title: str, meta: Meta, rows: list[selectors.UnionRow]) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.security = WorkbookProtection(lockStructure=True)
    sheet: Any = workbook.create_sheet(SHEET_TITLE)
    for index, width in enumerate([14, 44, 16, 16, 28, 14, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[LABEL_ROW].height = 60
    sheet.row_dimensions[KEY_ROW].hidden = True
    sheet.freeze_panes = f"{letter(KEYS[0])}{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{LABEL_ROW}:{LABEL_ROW}"
    for rule in _validations(FIRST_ROW + max(len(rows), 1) - 1):
        sheet.data_validations.append(rule)
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=12)
    sheet.append([heading])
    names = labels()
    sheet.append([_header(sheet, names[key]) for key in (*FIXED_KEYS, *KEYS)])
    sheet.append([*FIXED_KEYS, *KEYS])
    for row in rows:
        values = _record_cells(row.record)
        cells = [
            _cell(sheet, row.unit.code, editable=False),
            _cell(sheet, row.name, editable=False),
        ]
        for key in KEYS:
            cells.append(_cell(sheet, values[key], editable=row.writable, number=key in COUNTS))
        sheet.append(cells)
    meta_sheet = workbook.create_sheet(META_TITLE)
    meta_sheet.sheet_state = "veryHidden"
    for name, value in meta.visible():
        meta_sheet.append([name, value])
    meta_sheet.append(["signature", signing.dumps(meta.payload(), salt=SALT, compress=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(user: User, *, unit_code: str, year: int) -> Export:
    """The workbook of every grassroots union under the unit on the year's last day, prefilled
    with their records; audited. Through the gate (403 outside the scope)."""
    root = selectors.cultural_root(user, unit_code, year)
    rows = selectors.union_rows(user, selectors.unions(root, year), year)
    if not rows:
        raise ValidationError(
            {
                "unit": _("There is no grassroots union under %(unit)s at the end of %(year)s.")
                % {"unit": root.code, "year": year}
            }
        )
    title = _("Cultural standard %(year)s · %(code)s – %(name)s") % {
        "year": year,
        "code": root.code,
        "name": root.name,
    }
    content = workbook_bytes(title, Meta(year=year, unit=root.code, keys=list(KEYS)), rows)
    with transaction.atomic():
        audit_record(
            user,
            action="cultural.export",
            obj=root,
            unit=root,
            after={"year": year, "rows": len(rows), "format": "xlsx"},
        )
    return Export(filename=f"van-hoa-{root.code}-{year}.xlsx", content=content, rows=len(rows))


# --- reading --------------------------------------------------------------------------------


def not_this_system() -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not a cultural-standard file downloaded from this system, or its "
            "hidden part was changed. Download the file again and enter the records in it."
        )
    )


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
            year=int(payload["year"]),
            unit=str(payload["unit"]),
            keys=[str(key) for key in payload["keys"]],
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise not_this_system() from error
    if payload.get("v") != _FORMAT or payload.get("kind") != KIND:
        raise not_this_system()
    if any(lines.get(name) != value for name, value in meta.visible()):
        raise not_this_system()
    return meta


def _headers_changed(column: str) -> ImportFileError:
    return ImportFileError(
        _(
            "The column headers of the file were changed (column %(column)s). Download the "
            "file again and copy the records into it, without changing its columns."
        )
        % {"column": column}
    )


def _check_headers(meta: Meta, header: list[tuple[Any, ...]]) -> None:
    """Rows 2 and 3 must be the columns that were signed, in their order, and nothing more."""
    while len(header) < 2:
        header.append(())
    names, keys = header[0], header[1]
    wanted = [*FIXED_KEYS, *meta.keys]
    if meta.keys != list(KEYS):
        raise _headers_changed(get_column_letter(len(FIXED_KEYS) + 1))
    texts = labels()
    for index in range(max(len(names), len(keys), len(wanted))):
        key = keys[index] if index < len(keys) else None
        name = names[index] if index < len(names) else None
        column = get_column_letter(index + 1)
        if index >= len(wanted):
            if key is not None or name is not None:
                raise _headers_changed(column)
        elif key != wanted[index] or name != texts[wanted[index]]:
            raise _headers_changed(column)


def read(data: bytes) -> CulturalFile:
    """The signed description of an uploaded file and its rows; ImportFileError if the file is
    unusable, not one of ours, or its headers were changed."""
    workbook = _open(data)
    try:
        meta = _meta(workbook)
        if SHEET_TITLE not in workbook.sheetnames:
            raise not_this_system()
        sheet = workbook[SHEET_TITLE]
        sheet.reset_dimensions()
        _check_headers(
            meta, list(sheet.iter_rows(min_row=LABEL_ROW, max_row=KEY_ROW, values_only=True))
        )
        width = len(FIXED_KEYS) + len(KEYS)
        rows: list[FileRow] = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=FIRST_ROW, max_col=width, values_only=True), start=FIRST_ROW
        ):
            if number - FIRST_ROW + 1 > settings.IMPORT_MAX_ROWS:
                raise _too_many_rows()
            cells = list(values) + [None] * (width - len(values))
            typed = {key: _blank(cells[len(FIXED_KEYS) + i]) for i, key in enumerate(KEYS)}
            code = str(cells[0] or "").strip().upper()
            if code or any(value is not None for value in typed.values()):
                rows.append(FileRow(number=number, code=code, cells=typed))
        merged = _merged_ranges(data, sheet)
        if merged:
            raise ImportFileError(
                _(
                    "The sheet has merged cells (%(ranges)s). Unmerge them so that every union "
                    "has its own row with one value per cell, then upload the file again."
                )
                % {"ranges": ", ".join(merged[:10]) + ("…" if len(merged) > 10 else "")}
            )
        return CulturalFile(meta=meta, rows=rows)
    except ImportFileError:
        raise
    except Exception as error:
        # Whatever openpyxl trips over in an untrusted file, the user's answer is the same.
        raise ImportFileError(
            _(
                "This is not an Excel .xlsx file, or it is damaged. Open it in Excel, save it "
                "as “Excel Workbook (.xlsx)” and upload it again."
            )
        ) from error
    finally:
        workbook.close()


def _blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


# --- the plan of an upload ------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One thing wrong in the file: its row and column, the field and what is wrong."""

    row: int
    letter: str
    label: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}" if self.row and self.letter else ""


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass
class UnionChange:
    """What the commit does to one union's record."""

    number: int
    unit: OrgUnit
    name: str
    version: int
    data: CulturalInput
    new: bool
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    def signature(self) -> list[object]:
        return [self.unit.code, self.version, [getattr(self.data, k) for k in KEYS]]


@dataclass
class Plan:
    year: int
    root: OrgUnit
    rows: int = 0
    unchanged: int = 0
    empty: int = 0
    changes: list[UnionChange] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.changes)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": sum(1 for c in self.changes if c.new),
            "changed": sum(1 for c in self.changes if not c.new),
            "unchanged": self.unchanged,
            "empty": self.empty,
            "errors": len(self.errors),
        }

    def finish(self) -> Plan:
        payload = [self.year, self.root.code, [c.signature() for c in self.changes]]
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        self.fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return self


def check_file(user: User, *, cultural_file: CulturalFile, year: int, unit_code: str) -> OrgUnit:
    """The checks of a file as a whole: the unit chosen passes the gate (403 otherwise), and
    the file is the one of that year and unit. Returns the unit."""
    root = selectors.cultural_root(user, unit_code, year)
    meta = cultural_file.meta
    if meta.year != year:
        raise ImportFileError(
            _(
                "This file is for the year %(file)s, not the year you chose (%(chosen)s). "
                "Choose the year of the file, or download the file of this year."
            )
            % {"file": meta.year, "chosen": year}
        )
    if meta.unit != root.code:
        raise ImportFileError(
            _(
                "This file is for the unit %(file)s, not the unit you chose (%(chosen)s). "
                "Choose the unit of the file, or download the file of this unit."
            )
            % {"file": meta.unit, "chosen": root.code}
        )
    return root


def _yes_no(value: Any) -> bool | None:
    """A yes/no cell: None if empty; ValueError if it is neither."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = search_key(str(value))
    if key in _TRUE or key == search_key(yes()):
        return True
    if key in _FALSE or key == search_key(no()):
        return False
    raise ValueError(_("Choose “%(yes)s” or “%(no)s”.") % {"yes": yes(), "no": no()})


def _decision(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        value = value.strftime("%d/%m/%Y")
    text = clean(str(value))
    if len(text) > DECISION_MAX:
        raise ValueError(_("At most %(max)s characters.") % {"max": DECISION_MAX})
    return text


def _shown(key: str, value: Any) -> Any:
    if key in YES_NO:
        return yes() if value else no()
    return "—" if value in (None, "") else value


class _Planner:
    def __init__(self, user: User, cultural_file: CulturalFile, year: int, root: OrgUnit) -> None:
        self.user = user
        self.file = cultural_file
        self.year = year
        self.plan = Plan(year=year, root=root)
        self.labels = labels()
        rows = selectors.union_rows(user, selectors.unions(root, year), year)
        self.unions = {row.unit.code: row for row in rows}

    def error(self, row: int, key: str, message: str) -> None:
        self.plan.errors.append(Issue(row, letter(key), self.labels[key], message))

    def run(self) -> Plan:
        seen: dict[str, int] = {}
        strangers: list[tuple[int, str]] = []
        for row in self.file.rows:
            if all(value is None for value in row.cells.values()):
                self.plan.empty += 1
                continue
            self.plan.rows += 1
            if not row.code:
                self.error(row.number, "code", _("Enter the unit code of this row."))
                continue
            if row.code in seen:
                self.error(
                    row.number,
                    "code",
                    _("The union %(code)s is also on row %(row)s: keep one row per union.")
                    % {"code": row.code, "row": seen[row.code]},
                )
                continue
            seen[row.code] = row.number
            union = self.unions.get(row.code)
            if union is None:
                strangers.append((row.number, row.code))
                continue
            self.row(row, union)
        self.strangers(strangers)
        self.plan.errors.sort(key=lambda issue: (issue.row, issue.letter))
        return self.plan.finish()

    def strangers(self, rows: list[tuple[int, str]]) -> None:
        """Rows whose code is not a grassroots union of the file's subtree that year."""
        known = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[c for _n, c in rows])}
        for number, code in rows:
            unit = known.get(code)
            if unit is None:
                message = _("There is no unit with the code %(code)s.") % {"code": code}
            elif not access.can_read(self.user, unit):
                message = _("%(code)s is outside your scope.") % {"code": code}
            elif unit.kind != UnitKind.GRASSROOTS:
                message = _(
                    "%(code)s is not a grassroots union: records are kept per grassroots union."
                ) % {"code": code}
            else:
                message = _(
                    "%(code)s is not a grassroots union under %(unit)s at the end of %(year)s, "
                    "so it cannot be in this file."
                ) % {"code": code, "unit": self.plan.root.code, "year": self.year}
            self.error(number, "code", message)

    def parse(self, row: FileRow) -> CulturalInput | None:
        """The row's cells as a record, or None after listing every bad cell."""
        values: dict[str, Any] = {}
        bad = False
        for key in KEYS:
            raw = row.cells.get(key)
            try:
                if key in YES_NO:
                    values[key] = bool(_yes_no(raw))
                elif key == "decision":
                    values[key] = _decision(raw)
                else:
                    values[key] = validation.parse(raw)
            except ValueError as error:
                self.error(row.number, key, str(error))
                bad = True
        return None if bad else CulturalInput(**values)

    def row(self, row: FileRow, union: selectors.UnionRow) -> None:
        data = self.parse(row)
        if data is None:
            return
        # As cultural_record_set stores it: the decision cleaned, recognition implies
        # registration.
        data.registered = data.registered or data.recognised
        record = union.record
        before = {key: getattr(record, key) for key in KEYS} if record else None
        after = {key: getattr(data, key) for key in KEYS}
        if before == after:
            self.plan.unchanged += 1
            return
        if not union.writable:
            self.error(
                row.number,
                "code",
                _("%(code)s is outside your scope: its record cannot be changed here.")
                % {"code": union.unit.code},
            )
            return
        try:
            _check_cultural(union.unit, self.year, data)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.error(row.number, key if key in KEYS else "code", message)
            return
        change = UnionChange(
            number=row.number,
            unit=union.unit,
            name=union.name,
            version=record.version if record else 0,
            data=data,
            new=record is None,
        )
        for key in KEYS:
            old = before[key] if before else None
            if before is None or old != after[key]:
                if before is None and after[key] in (None, "", False):
                    continue
                shown_old = _shown(key, old) if before is not None else "—"
                change.changes.append(
                    FieldChange(self.labels[key], shown_old, _shown(key, after[key]))
                )
        self.plan.changes.append(change)


def build_plan(user: User, *, cultural_file: CulturalFile, year: int, unit_code: str) -> Plan:
    """Every error of the file, or what committing it would change, union by union."""
    root = check_file(user, cultural_file=cultural_file, year=year, unit_code=unit_code)
    return _Planner(user, cultural_file, year, root).run()


def preview(user: User, *, digest: str, year: int, unit_code: str) -> Plan:
    return build_plan(user, cultural_file=read(upload_load(digest)), year=year, unit_code=unit_code)


# --- commit ---------------------------------------------------------------------------------


class PlanChanged(Exception):
    """The file no longer gives the plan that was previewed (or it has errors now)."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("plan changed")
        self.plan = plan


class ApplyError(Exception):
    """The service refused a record; everything has been rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def commit(user: User, *, digest: str, year: int, unit_code: str, fingerprint: str) -> Plan:
    """Write the records of every union the file changes, in one transaction, if the plan is
    still the one previewed. PlanChanged (nothing written) when it is not, has errors or
    changes nothing; ApplyError (all rolled back) when the service refuses a record."""
    cultural_file = read(upload_load(digest))
    with transaction.atomic():
        # Planned inside the transaction, so that what is written is what was checked.
        plan = build_plan(user, cultural_file=cultural_file, year=year, unit_code=unit_code)
        if not plan.can_commit or plan.fingerprint != fingerprint:
            raise PlanChanged(plan)
        try:
            cultural_many_set(user, year=year, rows={c.unit: c.data for c in plan.changes})
        except ValidationError as error:
            raise ApplyError(" ".join(str(m) for m in error.messages)) from error
        except PermissionDenied as error:
            raise ApplyError(str(error) or _("This unit is outside your scope.")) from error
        audit_record(
            user,
            action="cultural.import",
            obj=plan.root,
            unit=plan.root,
            after={"year": year, "file": digest, **plan.counts},
        )
    upload_discard(digest)
    return plan
