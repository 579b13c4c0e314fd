"""Planning the unit rows of an import: a new code becomes a unit to establish, a known code a
rename or a move when its name or parent differs; each checked as the hierarchy services would
check it (kind, dates, parent, scope), against the records and the other rows of the file."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.excel_plan import CREATE, MOVE, RENAME, Detail, RowPlan
from tuyengiao.orgs.excel_records import Current, Records
from tuyengiao.orgs.excel_rows import FileRow, Issues, short_date
from tuyengiao.orgs.models import OrgUnit, UnitKind


class UnitPlanner:
    def __init__(
        self,
        records: Records,
        issues: Issues,
        rows: list[FileRow],
        effective_date: dt.date | None,
    ) -> None:
        self.records = records
        self.issues = issues
        self.file_rows = {row.code: row for row in rows}
        self.date = effective_date
        self.kind_labels = cols.choice_labels(UnitKind)
        # A rename or move was planned without an effective date.
        self.needs_date = False

    def plan(self, row: FileRow) -> RowPlan | None:
        unit = self.records.units.get(row.code)
        return self._plan_new(row) if unit is None else self._plan_existing(row, unit)

    def _check_parent(self, row: FileRow, parent_code: str, date: dt.date | None) -> None:
        """The checks for placing `row` under `parent_code` on `date` (creation or move)."""
        if parent_code == row.code:
            self.issues.add(row.number, cols.PARENT, _("A unit cannot be placed under itself."))
            return
        parent = self.records.units.get(parent_code)
        if parent is not None:
            if parent.kind == UnitKind.GRASSROOTS:
                self.issues.add(
                    row.number,
                    cols.PARENT,
                    _("%(parent)s is a grassroots union: no unit can be placed under it.")
                    % {"parent": parent.code},
                )
            elif date is not None and not parent.valid_from <= date < parent.valid_to:
                self.issues.add(
                    row.number,
                    cols.PARENT,
                    _("%(parent)s does not exist on %(date)s.")
                    % {"parent": parent.code, "date": short_date(date)},
                )
            elif not self.records.may("place", parent, date or self.records.today):
                self.issues.add(
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
            self.issues.add(
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
            self.issues.add(
                row.number,
                cols.PARENT,
                _("%(parent)s is a grassroots union: no unit can be placed under it.")
                % {"parent": parent_code},
            )
        elif date and parent_row.established and date < parent_row.established:
            self.issues.add(
                row.number,
                cols.PARENT,
                _("%(parent)s is established on %(parent_date)s, after %(date)s.")
                % {
                    "parent": parent_code,
                    "parent_date": short_date(parent_row.established),
                    "date": short_date(date),
                },
            )

    def _plan_new(self, row: FileRow) -> RowPlan:
        if row.kind is None and cols.KIND not in row.bad:
            self.issues.add(
                row.number,
                cols.KIND,
                _("%(code)s is a new unit: enter its kind (%(allowed)s).")
                % {"code": row.code, "allowed": cols.allowed_labels(UnitKind)},
            )
        if row.established is None and cols.ESTABLISHED not in row.bad:
            self.issues.add(
                row.number,
                cols.ESTABLISHED,
                _("%(code)s is a new unit: enter its establishment date (dd/mm/yyyy).")
                % {"code": row.code},
            )
        if row.parent is None:
            if not self.records.whole_tree and cols.PARENT not in row.bad:
                self.issues.add(
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
            Detail(_("Established on"), "", short_date(row.established) if row.established else ""),
        ]
        return plan

    def _plan_existing(self, row: FileRow, unit: OrgUnit) -> RowPlan | None:
        if not self.records.unit_in_scope(unit.pk):
            self.issues.add(
                row.number,
                cols.CODE,
                _("%(code)s is outside your scope: remove this row from the file.")
                % {"code": unit.code},
            )
            return None
        current = self.records.current[unit.pk]
        if row.kind and row.kind != unit.kind:
            self.issues.add(
                row.number,
                cols.KIND,
                _(
                    "%(code)s is on record as “%(kind)s”; an import cannot change the kind of "
                    "a unit. Correct the cell or leave it empty."
                )
                % {"code": unit.code, "kind": unit.get_kind_display()},
            )
        if row.established and row.established != unit.valid_from:
            self.issues.add(
                row.number,
                cols.ESTABLISHED,
                _(
                    "%(code)s is on record as established on %(date)s; an import cannot change "
                    "that date. Correct the cell or leave it empty."
                )
                % {"code": unit.code, "date": short_date(unit.valid_from)},
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
            self.issues.add(
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

    def _check_restructure(self, row: FileRow, unit: OrgUnit, current: Current, tag: str) -> None:
        key = cols.NAME if tag == RENAME else cols.PARENT
        if self.date is None:
            self.needs_date = True
            return
        if self.date >= unit.valid_to:
            self.issues.add(
                row.number,
                key,
                _("%(code)s was dissolved on %(date)s: it can no longer be changed.")
                % {"code": unit.code, "date": short_date(unit.valid_to)},
            )
        elif self.date <= current.last_change:
            self.issues.add(
                row.number,
                key,
                _(
                    "%(code)s last changed on %(date)s; the effective date of this import "
                    "must be after that day."
                )
                % {"code": unit.code, "date": short_date(current.last_change)},
            )
        if not self.records.may("restructure", unit, self.date):
            self.issues.add(
                row.number,
                key,
                _(
                    "You may not move or rename %(code)s: only units below the unit you are "
                    "responsible for can be restructured."
                )
                % {"code": unit.code},
            )
