"""Excel round trip of cultural-standard records for a unit's subtree and a year: the download
(one row per grassroots union on the year's last day, prefilled, headers and unit columns
locked, yes/no lists and whole-number checks, a signed hidden sheet naming the year, unit and
columns), the plan of an upload (every bad cell, or per union what changes), and the commit of
that plan in one transaction through cultural_many_set, refused if the plan is no longer the
one previewed. The file is written and read as core.excel's signed form workbook, and waits on
the server between preview and commit (core.uploads), as for the reporting forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tuyengiao.accounts.models import User
from tuyengiao.activities import cultural_selectors as selectors
from tuyengiao.activities.cultural_services import (
    CULTURAL_FIELDS,
    CulturalInput,
    cultural_check,
    cultural_many_set,
)
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.core.excel import (
    FileRow,
    FormWriter,
    ImportFileError,
    Issue,
    SignedBook,
    SignedFile,
    Wanted,
    blank,
    cells_of,
    whole_number_rule,
)
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import clean, search_key
from tuyengiao.core.uploads import (
    ApplyError,
    FieldChange,
    FilePlan,
    FilePlanner,
    commit_plan,
    refusal,
    upload_load,
)
from tuyengiao.core.xlsx import Export
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting import validation

FIXED_KEYS = ("code", "name")
KEYS = tuple(CULTURAL_FIELDS)  # registered, recognised, decision, families, families_cultural
YES_NO = ("registered", "recognised")
COUNTS = ("families", "families_cultural")
KIND = "cultural"
SALT = "tuyengiao.activities.cultural_excel"
_FORMAT = 1
DECISION_MAX = 200
_TRUE = {"co", "yes", "x", "1", "true", "dat"}
_FALSE = {"khong", "no", "0", "false"}
BOOK = SignedBook(
    sheet="Văn hóa",
    salt=SALT,
    version=_FORMAT,
    fixed=len(FIXED_KEYS),
    foreign=gettext_lazy(
        "This file is not a cultural-standard file downloaded from this system, or its hidden "
        "part was changed. Download the file again and enter the records in it."
    ),
    changed=gettext_lazy(
        "The column headers of the file were changed (column %(column)s). Download the file "
        "again and copy the records into it, without changing its columns."
    ),
    merged=gettext_lazy(
        "The sheet has merged cells (%(ranges)s). Unmerge them so that every union has its own "
        "row with one value per cell, then upload the file again."
    ),
)


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


def _column(key: str) -> int:
    return [*FIXED_KEYS, *KEYS].index(key) + 1


def letter(key: str) -> str:
    return get_column_letter(_column(key))


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


CulturalFile = SignedFile[Meta]


# --- download -------------------------------------------------------------------------------


def _validations(rows: int) -> list[DataValidation]:
    """Yes/no lists, a decision of at most 200 characters, whole numbers from 0."""
    cells = {key: cells_of(_column(key), rows) for key in KEYS}
    choose = _("Choose “%(yes)s” or “%(no)s”.") % {"yes": yes(), "no": no()}
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
    rules += [whole_number_rule(cells[key]) for key in COUNTS]
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
    names = labels()
    widths = dict(zip((*FIXED_KEYS, *KEYS), [14, 44, 16, 16, 28, 14, 14], strict=True))
    writer = FormWriter(
        BOOK,
        title=title,
        columns=[(key, names[key], widths[key]) for key in (*FIXED_KEYS, *KEYS)],
        label_height=60,
        rules=_validations(len(rows)),
    )
    for row in rows:
        values = _record_cells(row.record)
        cells = [
            writer.cell(row.unit.code, editable=False),
            writer.cell(row.name, editable=False),
        ]
        for key in KEYS:
            cells.append(writer.cell(values[key], editable=row.writable, count=key in COUNTS))
        writer.append(cells)
    return writer.content(meta)


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


def _meta(payload: dict[str, Any]) -> Meta:
    if payload["kind"] != KIND:
        raise ValueError(payload["kind"])
    return Meta(
        year=int(payload["year"]),
        unit=str(payload["unit"]),
        keys=[str(key) for key in payload["keys"]],
    )


def _columns(meta: Meta) -> Wanted:
    if meta.keys != list(KEYS):
        raise BOOK.headers_changed(get_column_letter(len(FIXED_KEYS) + 1))
    names = labels()
    return [(key, names[key]) for key in (*FIXED_KEYS, *KEYS)]


def read(data: bytes) -> CulturalFile:
    """The signed description of an uploaded file and its rows; ImportFileError if the file is
    unusable, not one of ours, or its headers were changed."""
    return BOOK.read(data, _meta, _columns, blank)


# --- the plan of an upload ------------------------------------------------------------------


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
    def removed(self) -> bool:
        """A cleared row: the union's record goes (cultural_record_set)."""
        return not self.new and self.data.is_blank()

    @property
    def code(self) -> str:
        return self.unit.code

    def signature(self) -> list[object]:
        return [self.unit.code, self.version, [getattr(self.data, k) for k in KEYS]]


@dataclass(kw_only=True)
class Plan(FilePlan[UnionChange]):
    year: int
    root: OrgUnit

    @property
    def counts(self) -> dict[str, int]:
        return {
            **super().counts,
            "created": sum(1 for c in self.changes if c.new),
            "changed": sum(1 for c in self.changes if not (c.new or c.removed)),
            "removed": sum(1 for c in self.changes if c.removed),
        }

    def subject(self) -> list[object]:
        return [self.year, self.root.code]


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


class _Planner(FilePlanner[selectors.UnionRow, Plan]):
    duplicate = gettext_lazy("The union %(code)s is also on row %(row)s: keep one row per union.")

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

    def is_empty(self, row: FileRow) -> bool:
        """A row with nothing typed, unless its union has a record: clearing the row removes
        the record."""
        if any(value is not None for value in row.cells.values()):
            return False
        union = self.unions.get(row.code)
        return union is None or union.record is None

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

    def plan_row(self, row: FileRow, union: selectors.UnionRow) -> None:
        data = self.parse(row)
        if data is None:
            return
        # As cultural_record_set stores it: the decision cleaned, recognition implies
        # registration.
        data.registered = data.registered or data.recognised
        record = union.record
        before = {key: getattr(record, key) for key in KEYS} if record else None
        after = {key: getattr(data, key) for key in KEYS}
        if before == after or (record is None and data.is_blank()):
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
            cultural_check(union.unit, self.year, data)
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
    planner = _Planner(user, cultural_file, year, root)
    return planner.walk(cultural_file.rows, planner.unions)


def preview(user: User, *, digest: str, year: int, unit_code: str) -> Plan:
    return build_plan(user, cultural_file=read(upload_load(digest)), year=year, unit_code=unit_code)


# --- commit ---------------------------------------------------------------------------------


def commit(user: User, *, digest: str, year: int, unit_code: str, fingerprint: str) -> Plan:
    """Write the records of every union the file changes, in one transaction, if the plan is
    still the one previewed. PlanChanged (nothing written) when it is not, has errors or
    changes nothing; ApplyError (all rolled back) when the service refuses a record."""
    cultural_file = read(upload_load(digest))

    def apply(plan: Plan) -> None:
        try:
            cultural_many_set(user, year=year, rows={c.unit: c.data for c in plan.changes})
        except (ValidationError, PermissionDenied) as error:
            raise ApplyError(refusal(error)) from error
        audit_record(
            user,
            action="cultural.import",
            obj=plan.root,
            unit=plan.root,
            after={"year": year, "file": digest, **plan.counts},
        )

    return commit_plan(
        digest=digest,
        fingerprint=fingerprint,
        plan=lambda: build_plan(user, cultural_file=cultural_file, year=year, unit_code=unit_code),
        apply=apply,
    )
