"""Planning the enterprise columns of an import: which enterprise a row describes (by tax code,
else the unit's own), and whether it is to be created, updated or attached to the unit. Rows
naming the same enterprise must describe it alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.excel_plan import ENTERPRISE, Detail, EnterprisePlan, RowPlan
from tuyengiao.orgs.excel_records import Records
from tuyengiao.orgs.excel_rows import ENTERPRISE_FIELDS, FileRow, Issues
from tuyengiao.orgs.models import Enterprise, Ownership

_NO_ENTERPRISE: dict[str, Any] = {
    "name": "",
    "tax_code": None,
    "sector": "",
    "ownership": "",
    "workforce": None,
}


def _stored_values(enterprise: Enterprise) -> dict[str, Any]:
    return {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS.values()}


class EnterprisePlanner:
    def __init__(self, records: Records, issues: Issues) -> None:
        self.records = records
        self.issues = issues
        self.ownership_labels = cols.choice_labels(Ownership)
        # Enterprises met so far in the file: by tax code, and the row that first described each.
        self.tax_refs: dict[str, tuple[str, int]] = {}
        self.claims: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}

    def plan(self, row: FileRow, plan: RowPlan) -> None:
        """Which enterprise the row describes, and whether it must be created, updated or
        attached to the unit. A tax code names an enterprise; without one, a unit's own
        enterprise is meant. Rows naming the same enterprise must describe it alike."""
        data = row.enterprise
        if data is None:
            return
        unit = plan.unit
        tax = data.get("tax_code")
        target: Enterprise | None = None
        if tax and tax in self.records.by_tax:
            target = self.records.by_tax[tax]
            ref = ("db", target.pk)
        elif tax and tax in self.tax_refs:
            ref = self.tax_refs[tax]
            target = self.records.known_enterprises.get(ref[1]) if ref[0] == "db" else None
        elif unit is not None and unit.enterprise is not None:
            target = unit.enterprise
            ref = ("db", target.pk)
        else:
            ref = ("new", row.number)
        if tax:
            self.tax_refs.setdefault(tax, ref)
        stored = _stored_values(target) if target is not None else None
        claim = self.claims.get(ref)
        base = claim[1] if claim else stored or dict(_NO_ENTERPRISE)
        values = base | data
        if not values["name"] and cols.ENTERPRISE_NAME not in row.bad:
            self.issues.add(
                row.number,
                cols.ENTERPRISE_NAME,
                _("Enter the name of the enterprise or agency this unit is set up in."),
            )
        if not values["ownership"] and cols.OWNERSHIP not in row.bad:
            self.issues.add(
                row.number,
                cols.OWNERSHIP,
                _("Enter the enterprise's type of ownership (%(allowed)s).")
                % {"allowed": cols.allowed_labels(Ownership)},
            )
        if claim is None:
            self.claims[ref] = (row.number, values)
        elif claim[1] != values:
            self.issues.add(
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
            and not all(map(self.records.unit_in_scope, self.records.linked.get(target.pk, [])))
        ):
            self.issues.add(
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
            for key, field_name in ENTERPRISE_FIELDS.items():
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
