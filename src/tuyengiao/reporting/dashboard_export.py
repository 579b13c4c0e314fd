"""The dashboard tables as .xlsx: the unit's indicators, the child breakdown, the raw values,
written by core.xlsx (formula-safe text). Every export is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import (
    COUNT_FORMAT,
    DATETIME_FORMAT,
    PERCENT_FORMAT,
    Columns,
    Export,
    Line,
    filename,
    table_workbook,
)
from tuyengiao.reporting.dashboard import Breakdown, Dashboard, Drill, Header
from tuyengiao.reporting.indicators import Figure
from tuyengiao.reporting.models import Category, Structure


def _heading(header: Header, *parts: str) -> str:
    structure = Structure(header.structure).label
    return " · ".join(
        [f"{header.name} ({header.unit.code})", str(header.year), str(structure), *parts]
    )


def _figure_cells(figure: Figure) -> Line:
    value_format = PERCENT_FORMAT if figure.is_percentage else COUNT_FORMAT
    return [
        (figure.value, value_format),
        (figure.numerator, COUNT_FORMAT),
        (figure.denominator, COUNT_FORMAT),
        (figure.target, value_format),
        (_("Not in the tree") if figure.absent else figure.status_label, ""),
    ]


def _figure_columns() -> Columns:
    return [
        (_("Value"), 12),
        (_("Numerator"), 14),
        (_("Denominator"), 14),
        (_("Target"), 10),
        (_("Status"), 18),
    ]


@transaction.atomic
def _record(user: User, header: Header, table: str, rows: int, **extra: Any) -> None:
    audit_record(
        user,
        action="dashboard.export",
        obj=header.unit,
        unit=header.unit,
        after={
            "table": table,
            "year": header.year,
            "structure": header.structure,
            "rows": rows,
            "format": "xlsx",
            **extra,
        },
    )


def export_dashboard(user: User, dashboard: Dashboard) -> Export:
    header = dashboard.header
    columns = [(_("Code"), 9), (_("Indicator"), 60), *_figure_columns()]
    columns += [(str(year), 10) for year in header.years]
    lines = []
    for row in dashboard.rows:
        f = row.figure
        value_format = PERCENT_FORMAT if f.is_percentage else COUNT_FORMAT
        trend = [(t.value, value_format) for t in row.trend]
        lines.append([(f.indicator.code, ""), (f.indicator.name, ""), *_figure_cells(f), *trend])
    content = table_workbook(_("Indicators"), _heading(header), columns, lines)
    _record(user, header, "indicators", len(lines))
    return Export(
        filename("chi-tieu", header.unit.code, header.year, header.structure), content, len(lines)
    )


def export_children(user: User, breakdown: Breakdown) -> Export:
    header, indicator = breakdown.header, breakdown.indicator
    code = indicator.code if indicator else ""
    columns = [(_("Code"), 14), (_("Unit"), 50), *_figure_columns()]
    lines = [[(r.code, ""), (r.name, ""), *_figure_cells(r.figure)] for r in breakdown.rows]
    heading = _heading(header, f"{code} {indicator.name}" if indicator else "")
    content = table_workbook(_("Units under it"), heading, columns, lines)
    _record(user, header, "children", len(lines), indicator=code, query=breakdown.query)
    return Export(
        filename("don-vi-truc-thuoc", header.unit.code, code, header.year, header.structure),
        content,
        len(lines),
    )


def export_values(user: User, drill: Drill) -> Export:
    header, indicator = drill.header, drill.indicator
    code = indicator.code if indicator else ""
    categories = dict(Category.choices)
    columns = [
        (_("Unit code"), 14),
        (_("Unit"), 44),
        (_("Data element"), 44),
        (_("Period"), 10),
        (_("Category"), 14),
        (_("Value"), 12),
        (_("Entered by"), 24),
        (_("Entered at"), 18),
    ]
    count = 0

    def lines() -> Iterator[Line]:
        nonlocal count
        for v in drill.values.iterator(chunk_size=2000):
            count += 1
            who = (v.updated_by.get_full_name() or v.updated_by.username) if v.updated_by else ""
            yield [
                (v.unit.code, ""),
                (v.unit.name, ""),
                (f"{v.element.code} – {v.element.name}", ""),
                (v.period.code, ""),
                (str(categories.get(v.category, v.category)), ""),
                (v.value, COUNT_FORMAT),
                (who, ""),
                (v.updated_at, DATETIME_FORMAT),
            ]

    heading = _heading(header, f"{code} {indicator.name}" if indicator else "")
    content = table_workbook(_("Raw values"), heading, columns, lines())
    _record(user, header, "values", count, indicator=code, query=drill.query)
    return Export(
        filename("so-lieu", header.unit.code, code, header.year, header.structure),
        content,
        count,
    )
