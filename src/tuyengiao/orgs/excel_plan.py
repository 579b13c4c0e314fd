"""What an import would do, row by row: the plan that the preview shows and the commit applies,
its fingerprint, and the preview's filtered lists. Built by excel_planner.build_plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from tuyengiao.core.text import search_key
from tuyengiao.core.uploads import plan_fingerprint
from tuyengiao.orgs.excel_rows import Issue
from tuyengiao.orgs.models import OrgUnit

CREATE, RENAME, MOVE, ENTERPRISE = "create", "rename", "move", "enterprise"
TAGS = (CREATE, RENAME, MOVE, ENTERPRISE)
TAG_LABELS = {
    CREATE: gettext_lazy("New unit"),
    RENAME: gettext_lazy("Rename"),
    MOVE: gettext_lazy("Move"),
    ENTERPRISE: gettext_lazy("Enterprise details"),
}
# The CSS class of each tag (web/static/web/site.css).
TAG_CSS = {CREATE: "create", RENAME: "change", MOVE: "move", ENTERPRISE: "change"}


@dataclass(frozen=True)
class Detail:
    """One line of a planned change as the preview shows it."""

    label: str
    before: str
    after: str


@dataclass
class EnterprisePlan:
    # ("db", pk) for an enterprise on record, ("new", row) for one the file introduces.
    ref: tuple[str, int]
    values: dict[str, Any]
    expected_version: int | None
    save: bool  # this row creates or updates the enterprise
    link: bool  # the (existing) unit must be attached to it


@dataclass
class RowPlan:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str | None  # the parent after the import
    established: dt.date | None
    unit: OrgUnit | None
    tags: list[str] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    enterprise: EnterprisePlan | None = None
    old_name: str = ""
    old_parent: str | None = None

    @property
    def tag_items(self) -> list[tuple[str, str]]:
        return [(TAG_CSS[tag], str(TAG_LABELS[tag])) for tag in self.tags]

    def signature(self) -> list[Any]:
        enterprise = None
        if self.enterprise is not None:
            e = self.enterprise
            enterprise = [list(e.ref), e.values, e.expected_version, e.save, e.link]
        return [
            self.number,
            self.code,
            self.tags,
            self.name,
            self.old_name,
            self.kind,
            self.parent_code,
            self.old_parent,
            self.established,
            enterprise,
        ]


@dataclass
class Plan:
    rows: list[RowPlan]
    errors: list[Issue]
    effective_date: dt.date | None
    fingerprint: str = ""

    @property
    def changes(self) -> list[RowPlan]:
        return [row for row in self.rows if row.tags]

    @property
    def unchanged(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.tags]

    @property
    def counts(self) -> dict[str, int]:
        counts = {tag: 0 for tag in TAGS}
        for row in self.rows:
            for tag in row.tags:
                counts[tag] += 1
        counts["unchanged"] = len(self.unchanged)
        counts["errors"] = len(self.errors)
        counts["rows"] = len(self.rows)
        return counts

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.changes)


def fingerprint(plan: Plan) -> str:
    """The plan's changes as one hash: the commit applies only the plan that was previewed."""
    return plan_fingerprint(
        {"date": plan.effective_date, "changes": [row.signature() for row in plan.changes]}
    )


def rows_for_display(plan: Plan, show: str, query: str = "") -> list[RowPlan] | list[Issue]:
    """The preview's list: the changes, the unchanged rows or the errors, filtered by a search
    on code and name (errors: on their message)."""
    terms = [term for term in search_key(query).split(" ") if term]
    if show == "errors":
        return [
            issue for issue in plan.errors if all(t in search_key(issue.message) for t in terms)
        ]
    rows = plan.unchanged if show == "unchanged" else plan.changes
    return [row for row in rows if all(t in search_key(f"{row.code} {row.name}") for t in terms)]
