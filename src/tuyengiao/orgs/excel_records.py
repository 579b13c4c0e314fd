"""What the database holds about the units and enterprises a workbook names, loaded in bulk (a
query per batch of codes, not per row), and the importing user's scope over them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.excel_rows import FileRow
from tuyengiao.orgs.models import Enterprise, OrgUnit, UnitVersion

# Codes and ids per query: far below every database's limit on parameters.
CHUNK = 2000


@dataclass
class Current:
    """A unit's current version: its name, its parent and the day they last changed."""

    name: str
    parent_code: str | None
    last_change: dt.date


class Records:
    def __init__(self, user: User, rows: list[FileRow]) -> None:
        self.user = user
        self.today = today()
        self.whole_tree = access.has_whole_tree(user)
        self.scope_root = access.scope_root_id(user)
        self.units: dict[str, OrgUnit] = {}
        self.current: dict[int, Current] = {}
        self.by_tax: dict[str, Enterprise] = {}
        self.linked: dict[int, list[int]] = defaultdict(list)
        self.known_enterprises: dict[int, Enterprise] = {}
        self.in_scope: set[int] = set()
        self._allowed: dict[tuple[str, int, dt.date], bool] = {}
        self._load(rows)

    def _load(self, rows: list[FileRow]) -> None:
        codes = {row.code for row in rows} | {row.parent for row in rows if row.parent}
        code_list = sorted(codes)
        for start in range(0, len(code_list), CHUNK):
            chunk = code_list[start : start + CHUNK]
            for unit in OrgUnit.objects.filter(code__in=chunk).select_related("enterprise"):
                self.units[unit.code] = unit
        ids = [unit.pk for unit in self.units.values()]
        for start in range(0, len(ids), CHUNK):
            versions = UnitVersion.objects.filter(
                unit_id__in=ids[start : start + CHUNK], valid_to=F("unit__valid_to")
            ).values_list("unit_id", "name", "parent__code", "valid_from")
            for unit_id, name, parent_code, valid_from in versions:
                self.current[unit_id] = Current(name, parent_code, valid_from)
        taxes = sorted(
            {
                row.enterprise["tax_code"]
                for row in rows
                if row.enterprise and row.enterprise.get("tax_code")
            }
        )
        for start in range(0, len(taxes), CHUNK):
            for enterprise in Enterprise.objects.filter(tax_code__in=taxes[start : start + CHUNK]):
                self.by_tax[str(enterprise.tax_code)] = enterprise
        self.known_enterprises = {e.pk: e for e in self.by_tax.values()} | {
            u.enterprise.pk: u.enterprise for u in self.units.values() if u.enterprise is not None
        }
        enterprise_ids = sorted(self.known_enterprises)
        for start in range(0, len(enterprise_ids), CHUNK):
            linked = OrgUnit.objects.filter(
                enterprise_id__in=enterprise_ids[start : start + CHUNK]
            ).values_list("enterprise_id", "id")
            for enterprise_id, unit_id in linked:
                self.linked[int(enterprise_id)].append(unit_id)
        if self.scope_root is not None:
            wanted = sorted(set(ids) | {u for units in self.linked.values() for u in units})
            below = hierarchy.descendant_ids(self.scope_root, self.today)
            for start in range(0, len(wanted), CHUNK):
                self.in_scope.update(
                    OrgUnit.objects.filter(id__in=wanted[start : start + CHUNK])
                    .filter(id__in=below)
                    .values_list("id", flat=True)
                )

    def unit_in_scope(self, unit_id: int) -> bool:
        """Same answer as access.can_write(user, unit) for today, from one bulk query."""
        return self.whole_tree or unit_id in self.in_scope

    def may(self, what: str, unit: OrgUnit, date: dt.date) -> bool:
        """access.can_restructure ("restructure") or access.can_place_under ("place"), asked
        once per unit and date."""
        key = (what, unit.pk, date)
        if key not in self._allowed:
            if what == "restructure":
                self._allowed[key] = access.can_restructure(self.user, unit, date)
            else:
                self._allowed[key] = access.can_place_under(self.user, unit, date)
        return self._allowed[key]
