"""What the report page shows for each field: the text typed, its error or warning, and the
previous period's figure, laid out one row per element (total, and of which women)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from tuyengiao.reporting import validation
from tuyengiao.reporting.models import Category, DataElement, Report
from tuyengiao.reporting.report_selectors import previous_values


@dataclass
class Cell:
    field: validation.Field
    text: str
    error: str = ""
    warning: str = ""
    previous: int | None = None


@dataclass
class Row:
    element: DataElement
    total: Cell
    women: Cell | None = None


@dataclass
class ReportForm:
    rows: list[Row]
    errors: list[str] = field(default_factory=list)
    confirm: bool = False

    @classmethod
    def for_report(cls, report: Report, checked: validation.Checked | None = None) -> ReportForm:
        fields = validation.fields_of(report.dataset)
        previous = previous_values(report)
        if checked is None:
            checked = validation.check(report.dataset, fields, report.draft, previous)
        rows: list[Row] = []
        for f in fields:
            cell = Cell(
                f,
                str(report.draft.get(f.key, "")),
                checked.errors.get(f.key, ""),
                checked.warnings.get(f.key, ""),
                previous.get(f.key),
            )
            if f.category == Category.FEMALE:
                rows[-1].women = cell
            else:
                rows.append(Row(f.element, cell))
        return cls(rows)

    @property
    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in (row.total, row.women) if c is not None]

    @property
    def warnings(self) -> list[Cell]:
        return [c for c in self.cells if c.warning]

    def with_errors(self, error: ValidationError, others: Set[str] = frozenset()) -> ReportForm:
        """The errors on their fields, the rest above the form; those of `others` (the fields
        of the form's extra, reporting.report_extras) are left to the form showing them."""
        by_key = {c.field.key: c for c in self.cells}
        if not hasattr(error, "error_dict"):
            self.errors.extend(error.messages)
            return self
        for key, messages in error.message_dict.items():
            if key in others:
                continue
            if key in by_key:
                by_key[key].error = messages[0]
            else:
                self.errors.extend(messages)
        return self

    def asking_confirmation(self) -> ReportForm:
        self.confirm = True
        return self
