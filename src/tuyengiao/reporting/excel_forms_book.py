"""The workbook of a reporting form for a subtree: how it is written (one row per reporting
unit, locked headers and unit columns, a whole-number check in every value cell, a signed hidden
sheet naming the form, period, unit and columns) and how an uploaded one is read back (the
file's limits checked before openpyxl reads it, the signature and the header rows verified,
then the typed cells of every row as text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from tuyengiao.core.excel import (
    FormWriter,
    SignedBook,
    SignedFile,
    Wanted,
    cells_of,
    whole_number_rule,
)

SHEET_TITLE = "Số liệu"
FIXED_KEYS = ("code", "name", "status")
FIRST_FIELD_COLUMN = len(FIXED_KEYS) + 1
SALT = "tuyengiao.reporting.excel_forms"
_FORMAT = 1
# What one cell may hold as text: longer is not a count anyway (the browser form keeps 40).
_MAX_TEXT = 40
BOOK = SignedBook(
    sheet=SHEET_TITLE,
    salt=SALT,
    version=_FORMAT,
    fixed=len(FIXED_KEYS),
    foreign=gettext_lazy(
        "This file is not a form downloaded from this system, or its hidden part was changed. "
        "Download the form again and enter the figures in it."
    ),
    changed=gettext_lazy(
        "The column headers of the file were changed (column %(column)s). Download the form "
        "again and copy the figures into it, without changing its columns."
    ),
)


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


FormFile = SignedFile[Meta]


def letter(meta: Meta, key: str) -> str:
    """The column of a field of the file."""
    return get_column_letter(FIRST_FIELD_COLUMN + meta.keys.index(key))


# --- writing --------------------------------------------------------------------------------


def workbook_bytes(
    *, title: str, meta: Meta, columns: list[Column], lines: Iterable[UnitLine]
) -> bytes:
    """The form's workbook: the title, the headers (locked), one row per unit with its code,
    name and status locked and its figures open for entry where they may change."""
    lines = list(lines)
    rules = [
        whole_number_rule(cells_of(FIRST_FIELD_COLUMN + index, len(lines)), column.label)
        for index, column in enumerate(columns)
        if column.editable
    ]
    fixed = [
        ("code", _("Unit code"), 14),
        ("name", _("Unit name"), 42),
        ("status", _("Status"), 18),
    ]
    writer = FormWriter(
        BOOK,
        title=title,
        columns=[*fixed, *((c.key, c.label, 18) for c in columns)],
        label_height=90,
        rules=rules,
    )
    for line in lines:
        cells = [writer.cell(text, editable=False) for text in (line.code, line.name, line.status)]
        for column in columns:
            editable = column.editable and not line.locked
            cells.append(writer.cell(line.values.get(column.key), editable=editable, count=True))
        writer.append(cells)
    return writer.content(meta)


# --- reading --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as the text a person typed: whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        return str(value)
    return str(value).strip()[:_MAX_TEXT]


def _meta(payload: dict[str, Any]) -> Meta:
    return Meta(
        form=str(payload["form"]),
        period=str(payload["period"]),
        unit=str(payload["unit"]),
        keys=[str(key) for key in payload["keys"]],
        labels=[str(label) for label in payload["labels"]],
    )


def _columns(meta: Meta) -> Wanted:
    # The unit columns' headers are not signed: only their keys are checked.
    return [*((key, None) for key in FIXED_KEYS), *zip(meta.keys, meta.labels, strict=True)]


def read_form(data: bytes) -> FormFile:
    """The signed description of an uploaded form file and its rows (their figures as typed
    text); ImportFileError if the file is unusable, not one of ours, or its headers were
    changed."""
    return BOOK.read(data, _meta, _columns, _text)
