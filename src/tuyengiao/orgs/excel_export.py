"""Excel export of a unit's subtree (as of a date) with its enterprises, in the import's columns:
an export re-imported unchanged plans no change. Every export is audited."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import Http404
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import Export
from tuyengiao.orgs import access, hierarchy, selectors
from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.models import OrgUnit, Ownership, UnitKind, UnitVersion

SHEET_TITLE = "Đơn vị"


def _row(version: UnitVersion, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    unit = version.unit
    enterprise = unit.enterprise
    values: dict[str, Any] = {
        cols.CODE: unit.code,
        cols.NAME: version.name,
        cols.KIND: labels["kind"].get(unit.kind, unit.kind),
        cols.PARENT: version.parent.code if version.parent else None,
        cols.ESTABLISHED: unit.valid_from,
    }
    if enterprise is not None:
        values |= {
            cols.ENTERPRISE_NAME: enterprise.name,
            cols.TAX_CODE: enterprise.tax_code,
            cols.SECTOR: enterprise.sector or None,
            cols.OWNERSHIP: labels["ownership"].get(enterprise.ownership) or None,
            cols.WORKFORCE: enterprise.workforce,
        }
    return values


def workbook_bytes(rows: Iterable[dict[str, Any]]) -> bytes:
    """A workbook with the header row (bold, frozen) and one row per unit."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(cols.COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in cols.COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in rows:
        cells = []
        for column in cols.COLUMNS:
            cell = WriteOnlyCell(sheet, value=values.get(column.key))
            if column.key == cols.ESTABLISHED:
                cell.number_format = cols.EXCEL_DATE_FORMAT
            elif column.key in cols.TEXT_KEYS:
                cell.number_format = cols.EXCEL_TEXT_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The empty workbook offered for download: the headers only."""
    return workbook_bytes([])


def _export_root(user: User, code: str, date: dt.date) -> OrgUnit:
    """The unit to export, through the read gate; by default the top of the user's scope."""
    if code:
        unit = selectors.unit_for_user(user, code.strip().upper())
    else:
        tops = selectors.tree_top(user, date)
        if not tops:
            raise Http404(code)
        unit = tops[0].unit
    root_id = access.scope_root_id(user)
    # A unit readable today may have been elsewhere on `date`, with units that were never in
    # the user's scope under it: an export as of a date needs the unit in scope on that date.
    access.require(root_id is None or hierarchy.is_under(root_id, unit.pk, date))
    return unit


def subtree_rows(unit: OrgUnit, date: dt.date) -> list[dict[str, Any]]:
    """The unit and every unit under it on `date`, each after its parent, siblings by code."""
    versions = (
        UnitVersion.objects.filter(
            unit_id__in=hierarchy.descendant_ids(unit.pk, date), **valid_on(date)
        )
        .select_related("unit", "unit__enterprise", "parent")
        .order_by("unit__code")
    )
    by_parent: dict[int | None, list[UnitVersion]] = defaultdict(list)
    top: list[UnitVersion] = []
    for version in versions:
        if version.unit_id == unit.pk:
            top.append(version)
        else:
            by_parent[version.parent_id].append(version)
    labels = {
        "kind": cols.choice_labels(UnitKind),
        "ownership": cols.choice_labels(Ownership),
    }
    ordered: list[dict[str, Any]] = []
    stack = list(reversed(top))
    while stack:
        version = stack.pop()
        ordered.append(_row(version, labels))
        stack.extend(reversed(by_parent.get(version.unit_id, [])))
    return ordered


@transaction.atomic
def _record(user: User, unit: OrgUnit, date: dt.date, rows: int) -> None:
    audit_record(
        user,
        action="orgs.export",
        obj=unit,
        unit=unit,
        after={"rows": rows, "date": date, "format": "xlsx"},
    )


def export_units(user: User, *, code: str = "", date: dt.date | None = None) -> Export:
    """The subtree of a unit in the user's scope (default: their scope unit) as .xlsx."""
    date = date or today()
    unit = _export_root(user, code, date)
    rows = subtree_rows(unit, date)
    content = workbook_bytes(rows)
    _record(user, unit, date, len(rows))
    safe_code = re.sub(r"[^A-Za-z0-9_-]+", "-", unit.code).strip("-") or "don-vi"
    return Export(
        filename=f"don-vi-{safe_code}-{date:%Y%m%d}.xlsx", content=content, rows=len(rows)
    )
