"""Writes of pressing-issue cases: opened (by hand, from a situation report or an online item),
edited, each step recorded on its timeline, escalated to the level above (whose accounts are
told by email), resolved with its outcome, reopened. Every write checks the version the user
saw and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.mail import SentByEmail, site_link
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean, clean_block, search_key
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting.models import Report
from tuyengiao.voice import hotspots
from tuyengiao.voice.models import (
    RECORDED_ACTIONS,
    SITUATION_FORM,
    TEXT_LIMIT,
    ActionKind,
    Case,
    CaseAction,
    CaseSource,
    CaseStatus,
    IssueKind,
)

EDITABLE = ["kind", "title", "description", "workers_affected", "started_on"]


@dataclass(frozen=True)
class CaseInput:
    kind: str
    title: str
    workers_affected: int
    started_on: dt.date
    description: str = ""


def _cleaned(unit: OrgUnit, data: CaseInput) -> CaseInput:
    """The case as it will be stored, or every field's error at once."""
    cleaned = CaseInput(
        kind=data.kind,
        title=clean(data.title),
        workers_affected=data.workers_affected,
        started_on=data.started_on,
        description=clean_block(data.description),
    )
    errors: dict[str, str] = {}
    if cleaned.kind not in IssueKind.values:
        errors["kind"] = _("Choose the kind of issue.")
    if not cleaned.title:
        errors["title"] = _("Say in a few words what the issue is.")
    elif len(cleaned.title) > 300:
        errors["title"] = _("At most 300 characters.")
    if len(cleaned.description) > TEXT_LIMIT:
        errors["description"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    workforce = unit.enterprise.workforce if unit.enterprise else None
    if cleaned.workers_affected < 0:
        errors["workers_affected"] = _("Enter a whole number, 0 or more.")
    elif workforce is not None and cleaned.workers_affected > workforce:
        errors["workers_affected"] = _(
            "More than the enterprise's workforce (%(workforce)s): check the figure."
        ) % {"workforce": workforce}
    if cleaned.started_on > today():
        errors["started_on"] = _("This date is in the future.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _search_key(case: Case) -> str:
    return search_key(f"{case.title} {case.description} {case.unit.name}")[:1000]


def _record(
    actor: User | None, case: Case, kind: str, text: str = "", on: dt.date | None = None
) -> CaseAction:
    unit = actor.scope_unit if actor and actor.scope_unit else case.handled_by
    return CaseAction.objects.create(
        case=case, kind=kind, done_on=on or today(), text=text, unit=unit, recorded_by=actor
    )


def _source_report(unit: OrgUnit, report: Report | None) -> Report | None:
    if report is not None and (report.unit_id != unit.pk or report.dataset.code != SITUATION_FORM):
        raise ValidationError(_("That situation report is not this union's."))
    return report


@transaction.atomic
def case_open(
    actor: User | None,
    *,
    unit: OrgUnit,
    data: CaseInput,
    report: Report | None = None,
    online_address: str = "",
) -> Case:
    """A new case at a grassroots union, handled by the union itself until escalated."""
    access.require(actor is None or access.can_write(actor, unit))
    if unit.kind != UnitKind.GRASSROOTS:
        raise ValidationError({"unit": _("A case is opened at a grassroots union.")})
    cleaned = _cleaned(unit, data)
    source = CaseSource.MANUAL
    if _source_report(unit, report) is not None:
        source = CaseSource.REPORT
    elif online_address:
        source = CaseSource.ONLINE
    case = Case(
        unit=unit,
        enterprise=unit.enterprise,
        handled_by=unit,
        source=source,
        report=report,
        online_address=online_address,
        opened_by=actor,
        **asdict(cleaned),
    )
    case.search_key = _search_key(case)
    case.save()
    hotspots.refresh([unit.pk])
    _record(actor, case, ActionKind.OPENED, on=today())
    audit_record(actor, action="case.open", obj=case, unit=unit, after=snapshot(case, EDITABLE))
    return case


def _locked(case: Case, version: int) -> Case:
    stored = (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit__enterprise")
        .get(pk=case.pk)
    )
    check_version(stored, version)
    return stored


def _may_act(actor: User | None, case: Case) -> None:
    """Those who can write the union's records, or the level now handling the case."""
    access.require(
        actor is None
        or access.can_write(actor, case.unit)
        or access.can_write(actor, case.handled_by)
    )


def _bump(actor: User | None, case: Case, action: str, before: dict[str, object]) -> Case:
    case.version += 1
    case.search_key = _search_key(case)
    case.save()
    hotspots.refresh([case.unit_id])
    fields = sorted(before)
    audit_record(
        actor, action=action, obj=case, unit=case.unit, before=before, after=snapshot(case, fields)
    )
    return case


@transaction.atomic
def case_update(actor: User | None, *, case: Case, data: CaseInput, version: int) -> Case:
    stored = _locked(case, version)
    _may_act(actor, stored)
    before = snapshot(stored, EDITABLE)
    for name, value in asdict(_cleaned(stored.unit, data)).items():
        setattr(stored, name, value)
    return _bump(actor, stored, "case.update", before)


@transaction.atomic
def action_add(
    actor: User | None, *, case: Case, kind: str, done_on: dt.date, text: str, version: int
) -> CaseAction:
    """A step taken on the case; the first one puts an open case under way."""
    stored = _locked(case, version)
    _may_act(actor, stored)
    text = clean_block(text)
    errors = {}
    if kind not in RECORDED_ACTIONS:
        errors["kind"] = _("Choose what was done.")
    if done_on > today():
        errors["done_on"] = _("This date is in the future.")
    elif done_on < stored.started_on:
        errors["done_on"] = _("Before the issue started.")
    if not text and kind == ActionKind.NOTE:
        errors["text"] = _("Write the note.")
    if len(text) > TEXT_LIMIT:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if not stored.is_open:
        errors["__all__"] = _("The case is resolved: reopen it to record more.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, ["status"])
    if stored.status == CaseStatus.OPEN:
        stored.status = CaseStatus.RESOLVING
    action = _record(actor, stored, kind, text, done_on)
    _bump(actor, stored, "case.action", before)
    return action


def _escalation_message(actor: User | None, case: Case, to: list[str]) -> SentByEmail:
    values = {
        "title": case.title,
        "unit": case.unit.name,
        "link": site_link(reverse("voice:case", kwargs={"case_id": case.pk})),
        "workers": case.workers_affected,
    }
    return SentByEmail(
        subject=_("Case escalated to your union: %(title)s") % values,
        body="\n".join(
            [
                _(
                    "The case “%(title)s” at %(unit)s (%(workers)s workers affected) has been "
                    "escalated to your union."
                )
                % values,
                _("Open it here: %(link)s") % values,
            ]
        ),
        to=to,
        sent_by_id=actor.pk if actor else None,
    )


@transaction.atomic
def case_escalate(actor: User | None, *, case: Case, reason: str, version: int) -> Case:
    """Hand the case to the level above the one handling it, saying why; its accounts are told."""
    stored = _locked(case, version)
    access.require(actor is None or access.can_write(actor, stored.handled_by))
    reason = clean_block(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the upper level is needed.")})
    if not stored.is_open:
        raise ValidationError(_("The case is resolved: reopen it to escalate it."))
    handler = hierarchy.version_on(stored.handled_by_id, today())
    parent = handler.parent if handler else None
    if parent is None:
        raise ValidationError(_("There is no level above the one handling this case."))
    before = snapshot(stored, ["status", "handled_by_id"])
    stored.handled_by, stored.status = parent, CaseStatus.ESCALATED
    _record(
        actor,
        stored,
        ActionKind.ESCALATED,
        _("To %(unit)s: %(reason)s") % {"unit": parent.name, "reason": reason},
    )
    _bump(actor, stored, "case.escalate", before)
    _tell(actor, stored)
    return stored


def _tell(actor: User | None, case: Case) -> None:
    to = list(
        User.objects.filter(is_active=True, scope_unit=case.handled_by)
        .exclude(email="")
        .order_by("username")
        .values_list("email", flat=True)
    )
    if to:
        message = _escalation_message(actor, case, to)
        transaction.on_commit(lambda: message.send(fail_silently=True))


@transaction.atomic
def case_resolve(
    actor: User | None, *, case: Case, outcome: str, resolved_on: dt.date, version: int
) -> Case:
    stored = _locked(case, version)
    _may_act(actor, stored)
    outcome = clean_block(outcome)
    errors = {}
    if not outcome:
        errors["outcome"] = _("Say how the issue was resolved.")
    elif len(outcome) > TEXT_LIMIT:
        errors["outcome"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if resolved_on > today():
        errors["resolved_on"] = _("This date is in the future.")
    elif resolved_on < stored.started_on:
        errors["resolved_on"] = _("Before the issue started.")
    if not stored.is_open:
        errors["__all__"] = _("The case is already resolved.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, ["status", "outcome", "resolved_on"])
    stored.status, stored.outcome, stored.resolved_on = CaseStatus.RESOLVED, outcome, resolved_on
    _record(actor, stored, ActionKind.STATUS, outcome, resolved_on)
    return _bump(actor, stored, "case.resolve", before)


@transaction.atomic
def case_reopen(actor: User | None, *, case: Case, reason: str, version: int) -> Case:
    stored = _locked(case, version)
    _may_act(actor, stored)
    reason = clean_block(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if stored.is_open:
        raise ValidationError(_("The case is not resolved."))
    before = snapshot(stored, ["status", "resolved_on"])
    stored.status, stored.resolved_on = CaseStatus.RESOLVING, None
    _record(actor, stored, ActionKind.STATUS, reason)
    return _bump(actor, stored, "case.reopen", before)
