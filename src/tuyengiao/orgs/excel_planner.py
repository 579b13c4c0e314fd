"""The planner of an Excel import: reads the rows of a workbook, validates every one against
the file and the database, and says what the import would do (reads only; the queries are per
batch of rows, not per row).

A workbook names units by code. A code already in the database is an existing unit: its name,
parent and enterprise details are compared with the row, and a difference becomes a rename, a
move or an enterprise change. A new code is a unit to establish. An empty cell in the parent,
kind or establishment-date column leaves an existing unit as it is; an absent enterprise column
leaves that detail as it is. Re-importing a file that has been applied plans nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.orgs import excel_columns as cols
from tuyengiao.orgs.excel_plan import CREATE, MOVE, Plan, RowPlan, fingerprint
from tuyengiao.orgs.excel_plan_enterprise import EnterprisePlanner
from tuyengiao.orgs.excel_plan_units import UnitPlanner
from tuyengiao.orgs.excel_read import Sheet
from tuyengiao.orgs.excel_records import CHUNK, Records
from tuyengiao.orgs.excel_rows import Issue, Issues, read_rows
from tuyengiao.orgs.models import UnitVersion


def build_plan(user: User, sheet: Sheet, effective_date: dt.date | None) -> Plan:
    """Validate every row against the file and the database and say what the import would do."""
    issues = Issues(sheet)
    rows = read_rows(sheet, issues)
    records = Records(user, rows)
    units = UnitPlanner(records, issues, rows, effective_date)
    enterprises = EnterprisePlanner(records, issues)
    plans: list[RowPlan] = []
    for row in rows:
        plan = units.plan(row)
        if plan is None:
            continue
        enterprises.plan(row, plan)
        plans.append(plan)
    _check_cycles(issues, plans, _final_parents(records, plans))
    if units.needs_date:
        issues.items.insert(
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
    issues.items.sort(key=lambda issue: issue.row or 0)
    result = Plan(rows=_parents_first(plans), errors=issues.items, effective_date=effective_date)
    result.fingerprint = fingerprint(result)
    return result


def _final_parents(records: Records, plans: list[RowPlan]) -> dict[str, str | None]:
    """Every unit's parent once the import is applied: the file's rows, and above them the
    units on record, followed upwards level by level (one query per level)."""
    parents: dict[str, str | None] = {plan.code: plan.parent_code for plan in plans}
    for unit in records.units.values():
        if unit.code not in parents and unit.pk in records.current:
            parents[unit.code] = records.current[unit.pk].parent_code
    pending = {p for p in parents.values() if p and p not in parents}
    while pending:
        batch = sorted(pending)
        found: dict[str, str | None] = {}
        for start in range(0, len(batch), CHUNK):
            rows = UnitVersion.objects.filter(
                unit__code__in=batch[start : start + CHUNK], valid_to=F("unit__valid_to")
            ).values_list("unit__code", "parent__code")
            found.update(rows)
        for code in batch:
            parents[code] = found.get(code)
        pending = {p for p in found.values() if p and p not in parents}
    return parents


def _check_cycles(issues: Issues, plans: list[RowPlan], parents: dict[str, str | None]) -> None:
    """A unit created or moved under itself, through the file's rows or the records."""
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
                        issues.add(
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
