"""Uploading a plan file in the UI: a preview of what loading it would create, change or remove,
then the commit. The preview runs `plan_load` itself inside a transaction it rolls back, so it
shows exactly what the loader would do (the plans adopted from it included) and refuses what it
would refuse. The commit checks that the plan is still as it was when previewed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import CONFLICT
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Plan
from tuyengiao.plans.selectors import plain
from tuyengiao.plans.services import as_loaded, plan_load
from tuyengiao.plans.spec import PlanSpec, parse_plan

CREATE, CHANGE, DELETE = "create", "change", "delete"


@dataclass
class Detail:
    label: str
    before: str
    after: str


@dataclass
class PreviewRow:
    kind: str  # "plan", "task" or "indicator"
    code: str
    name: str
    action: str  # CREATE, CHANGE or DELETE
    details: list[Detail] = field(default_factory=list)


@dataclass
class UploadPreview:
    spec: PlanSpec
    unit: OrgUnit
    exists: bool
    rows: list[PreviewRow]
    fingerprint: str
    adopted: int  # plans adopted from this one, which follow it

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, CHANGE, DELETE)}


def _snapshot(plan: Plan | None) -> dict[str, dict[str, dict[str, str]]]:
    """The plan as the preview shows it: every value as display text, by code."""
    if plan is None:
        return {"plan": {}, "tasks": {}, "indicators": {}}
    term = _("Term")
    indicators: dict[str, dict[str, str]] = {}
    for i in plan.indicators.select_related("task").prefetch_related("targets"):
        values = {
            _("Name"): i.name,
            _("Kind"): str(i.get_kind_display()),
            _("Counted data element (numerator)"): i.numerator,
            _("Denominator element"): i.denominator,
            _("Direction"): str(i.get_direction_display()),
            _("Task"): i.task.code if i.task else "",
        }
        for target in sorted(i.targets.all(), key=lambda t: t.year or 9999):
            values[str(target.year) if target.year else str(term)] = plain(target.value)
        indicators[i.code] = values
    return {
        "plan": {
            "": {
                _("Title"): plan.title,
                _("Document"): plan.document,
                _("Years"): f"{plan.start_year}–{plan.end_year}",
            }
        },
        "tasks": {
            t.code: {_("Title"): t.title, _("Description"): t.description} for t in plan.tasks.all()
        },
        "indicators": indicators,
    }


def _targets_on_one_line(details: list[Detail]) -> list[Detail]:
    """A new indicator's targets as one line: "2023: 90 · 2024: 90 · …"."""
    term = str(_("Term"))
    targets = [d for d in details if d.label.isdigit() or d.label == term]
    if not targets:
        return details
    line = " · ".join(f"{d.label}: {d.after}" for d in targets)
    return [d for d in details if d not in targets] + [Detail(_("Targets"), "", line)]


def _diff(
    before: dict[str, dict[str, dict[str, str]]], after: dict[str, dict[str, dict[str, str]]]
) -> list[PreviewRow]:
    rows = []
    for kind in ("plan", "tasks", "indicators"):
        old, new = before[kind], after[kind]
        for code in [*new, *(c for c in old if c not in new)]:
            was, now = old.get(code), new.get(code)
            action = CREATE if was is None else DELETE if now is None else CHANGE
            was, now = was or {}, now or {}
            named = {_("Title"), _("Name")} if action != CHANGE else set()
            details = [
                Detail(label, was.get(label, ""), now.get(label, ""))
                for label in [*now, *(k for k in was if k not in now)]
                if was.get(label, "") != now.get(label, "") and label not in named
            ]
            if action == DELETE:
                details = []
            if action == CREATE:
                details = _targets_on_one_line(details)
            if action == CHANGE and not details:
                continue
            name = (now or was).get(_("Title")) or (now or was).get(_("Name")) or ""
            rows.append(PreviewRow(kind.rstrip("s"), code, name, action, details))
    return rows


def plan_upload_preview(actor: User | None, *, text: str, unit: OrgUnit) -> UploadPreview:
    """What loading `text` for `unit` would do; nothing is kept. Raises PlanFileError for a bad
    file, ValidationError for what the loader refuses, PermissionDenied outside the scope."""
    # A browser sends the previewed text back with CRLF line ends: the same file either way.
    text = text.replace("\r\n", "\n")
    spec = parse_plan(text)
    existing = Plan.objects.select_related("unit").filter(code=spec.code).first()
    if existing is not None and existing.unit_id != unit.pk:
        raise ValidationError(
            {
                "unit": _(
                    "The plan %(code)s belongs to %(unit)s: choose that unit, or give the "
                    "plan in the file another code."
                )
                % {"code": spec.code, "unit": existing.unit}
            }
        )
    start: Any = as_loaded(existing) if existing else None
    before = _snapshot(existing)
    with transaction.atomic():
        plan, _changed = plan_load(actor, spec=spec, unit=unit)
        after = _snapshot(plan)
        adopted = plan.adopted_plans.count()
        transaction.set_rollback(True)
    fingerprint = hashlib.sha256(
        json.dumps([unit.pk, text, start], sort_keys=True, default=str).encode()
    ).hexdigest()
    return UploadPreview(
        spec=spec,
        unit=unit,
        exists=existing is not None,
        rows=_diff(before, after),
        fingerprint=fingerprint,
        adopted=adopted,
    )


@transaction.atomic
def plan_upload_commit(
    actor: User | None, *, text: str, unit: OrgUnit, fingerprint: str
) -> tuple[Plan, bool]:
    """Load the previewed file, if the plan is still as it was when previewed."""
    preview = plan_upload_preview(actor, text=text, unit=unit)
    if preview.fingerprint != fingerprint:
        raise ValidationError(
            _(
                "The plan has been changed since your preview. "
                "Upload the file again to see what it would change now."
            ),
            code=CONFLICT,
        )
    return plan_load(actor, spec=preview.spec, unit=unit)
