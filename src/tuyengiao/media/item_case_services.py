"""Writes of the cases opened from online items: opened (one per item), assigned to a person
with a due time, moved through its states, its steps recorded, reopened.

The states go one way: new → verifying → responding → resolved, and any open case may be
dismissed (not a concern after all); a resolved or dismissed case is reopened with a reason —
to "responding" if it was resolved (more response is needed), to "verifying" if it was
dismissed (it is looked at again). Nothing is published or reported by the app: a step records
what a person did outside it, a correction with its link. A referral may open a workers' case
in the voice app at the grassroots union concerned (its own service, its own checks), linked
from the step. The first step sets the time to first response, closing the time to
resolution. Every write checks the version the user saw and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.mail import site_link
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean, clean_block
from tuyengiao.media import monitor_access
from tuyengiao.media.models_monitoring import (
    Grievance,
    Item,
    ItemCase,
    ItemCaseState,
    ItemCaseStep,
    StepKind,
)
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice import case_services as voice_cases
from tuyengiao.voice.models import Case as WorkersCase
from tuyengiao.voice.models import IssueKind

State = ItemCaseState
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.NEW: (State.VERIFYING, State.DISMISSED),
    State.VERIFYING: (State.RESPONDING, State.DISMISSED),
    State.RESPONDING: (State.RESOLVED, State.DISMISSED),
}
CLOSED = (State.RESOLVED, State.DISMISSED)
REOPENED_TO = {State.RESOLVED: State.RESPONDING, State.DISMISSED: State.VERIFYING}
RECORDED_STEPS = (StepKind.CORRECTION, StepKind.PLATFORM, StepKind.REFERRED, StepKind.NOTE)
TEXT_LIMIT = 4000
LINK_LIMIT = 1000
AUDITED = ["state", "assigned_to_id", "due_at", "first_action_at", "closed_at"]

# What a worker's grievance found online is called in the voice app.
ISSUE_OF_GRIEVANCE: dict[str, str] = {
    Grievance.WAGES: IssueKind.WAGES,
    Grievance.INSURANCE: IssueKind.INSURANCE,
    Grievance.LAYOFFS: IssueKind.LAYOFFS,
    Grievance.OVERTIME: IssueKind.OVERTIME,
    Grievance.ACCIDENT: IssueKind.ACCIDENT,
    Grievance.FOOD: IssueKind.FOOD_SAFETY,
}


def issue_kind(item: Item) -> str:
    return ISSUE_OF_GRIEVANCE.get(item.grievance, str(IssueKind.OTHER))


def _assignment_errors(
    unit: OrgUnit, assignee: User | None, due_at: dt.datetime | None, due_changed: bool
) -> dict[str, str]:
    errors = {}
    if assignee is not None and not monitor_access.may_be_assigned(assignee, unit):
        errors["assigned_to"] = _(
            "This person cannot take the case: an active account whose scope lies within "
            "the unit's is needed."
        )
    if due_at is not None and due_changed and due_at < timezone.now():
        errors["due_at"] = _("This time has passed: give a time still to come.")
    return errors


@transaction.atomic
def case_open(
    actor: User | None,
    *,
    item: Item,
    assigned_to: User | None = None,
    due_at: dt.datetime | None = None,
) -> ItemCase:
    """The item's case (one per item), new, for the item's unit."""
    stored = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
    access.require(actor is None or monitor_access.can_manage(actor, stored.unit))
    if ItemCase.objects.filter(item=stored).exists():
        raise ValidationError(_("The item already has a case."))
    if stored.dismissed:
        raise ValidationError(_("The item is dismissed: restore it to open a case."))
    if stored.duplicate_of_id is not None:
        raise ValidationError(_("The item repeats an earlier one: open the case on that one."))
    errors = _assignment_errors(stored.unit, assigned_to, due_at, True)
    if errors:
        raise ValidationError(errors)
    case = ItemCase.objects.create(
        item=stored, unit=stored.unit, assigned_to=assigned_to, due_at=due_at, opened_by=actor
    )
    audit_record(
        actor, action="item_case.open", obj=case, unit=case.unit, after=snapshot(case, AUDITED)
    )
    return case


def _locked(case: ItemCase, version: int) -> ItemCase:
    stored = (
        ItemCase.objects.select_for_update(of=("self",))  # the assignee may be none: outer join
        .select_related("unit", "item", "assigned_to")
        .get(pk=case.pk)
    )
    check_version(stored, version)
    return stored


def _may_act(actor: User | None, case: ItemCase) -> None:
    access.require(actor is None or monitor_access.can_act(actor, case))


def _bump(actor: User | None, case: ItemCase, action: str, before: dict[str, object]) -> ItemCase:
    case.version += 1
    case.save()
    audit_record(
        actor, action=action, obj=case, unit=case.unit, before=before, after=snapshot(case, AUDITED)
    )
    return case


def _step(
    actor: User | None, case: ItemCase, kind: str, text: str = "", link: str = ""
) -> ItemCaseStep:
    step = ItemCaseStep.objects.create(case=case, kind=kind, text=text, link=link, done_by=actor)
    if case.first_action_at is None:
        case.first_action_at = step.done_at
    return step


@transaction.atomic
def case_assign(
    actor: User | None,
    *,
    case: ItemCase,
    assigned_to: User | None,
    due_at: dt.datetime | None,
    version: int,
) -> ItemCase:
    """Who works on the case and by when; a due time already set may stay though passed."""
    stored = _locked(case, version)
    access.require(actor is None or monitor_access.can_manage(actor, stored.unit))
    if stored.state in CLOSED:
        raise ValidationError(_("The case is closed: reopen it to change who works on it."))
    errors = _assignment_errors(stored.unit, assigned_to, due_at, due_at != stored.due_at)
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, AUDITED)
    stored.assigned_to, stored.due_at = assigned_to, due_at
    return _bump(actor, stored, "item_case.assign", before)


def _state_name(state: str) -> str:
    return str(State(state).label)


@transaction.atomic
def case_move(actor: User | None, *, case: ItemCase, to: str, text: str, version: int) -> ItemCase:
    """One step along new → verifying → responding → resolved, or dismissed, with a note
    (a reason is required to dismiss)."""
    stored = _locked(case, version)
    _may_act(actor, stored)
    text = clean_block(text)
    errors = {}
    if to not in TRANSITIONS.get(stored.state, ()):
        errors["to"] = _("A case that is “%(state)s” cannot become “%(to)s”.") % {
            "state": _state_name(stored.state),
            "to": _state_name(to) if to in State.values else to,
        }
    elif to == State.DISMISSED and not text:
        errors["text"] = _("Say why the case is dismissed.")
    if len(text) > TEXT_LIMIT:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, AUDITED)
    summary = f"{_state_name(stored.state)} → {_state_name(to)}"
    _step(actor, stored, StepKind.STATE, f"{summary}: {text}" if text else summary)
    stored.state = to
    if to in CLOSED:
        stored.closed_at = timezone.now()
    return _bump(actor, stored, "item_case.move", before)


@transaction.atomic
def case_reopen(actor: User | None, *, case: ItemCase, reason: str, version: int) -> ItemCase:
    stored = _locked(case, version)
    _may_act(actor, stored)
    reason = clean_block(reason)
    if stored.state not in CLOSED:
        raise ValidationError(_("The case is not closed."))
    if not reason:
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError(
            {"reason": _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    before = snapshot(stored, AUDITED)
    to = REOPENED_TO[State(stored.state)]
    summary = _("Reopened, %(from)s → %(to)s") % {
        "from": _state_name(stored.state),
        "to": _state_name(to),
    }
    _step(actor, stored, StepKind.STATE, f"{summary}: {reason}")
    stored.state, stored.closed_at = to, None
    return _bump(actor, stored, "item_case.reopen", before)


@dataclass(frozen=True)
class Referral:
    """A workers' case to open in the voice app at a grassroots union, from the item."""

    unit_code: str
    kind: str
    workers_affected: int = 0


@dataclass(frozen=True)
class StepInput:
    kind: str
    text: str = ""
    link: str = ""
    referral: Referral | None = None


def _step_errors(case: ItemCase, data: StepInput) -> dict[str, str]:
    errors = {}
    if case.state in CLOSED:
        errors["__all__"] = _("The case is closed: reopen it to record more.")
    if data.kind not in RECORDED_STEPS:
        errors["kind"] = _("Choose what was done.")
    if len(data.text) > TEXT_LIMIT:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    elif data.kind == StepKind.NOTE and not data.text:
        errors["text"] = _("Write the note.")
    elif data.kind == StepKind.REFERRED and not data.text and data.referral is None:
        errors["text"] = _("Say which union it was referred to.")
    if data.link and (
        len(data.link) > LINK_LIMIT or not data.link.startswith(("http://", "https://"))
    ):
        errors["link"] = _("Enter the full address, starting with https://.")
    elif data.kind == StepKind.CORRECTION and not data.link:
        errors["link"] = _("Give the link of the correction or rebuttal as published.")
    if data.referral is not None and data.kind != StepKind.REFERRED:
        errors["refer_unit"] = _("A workers' case is opened with a referral only.")
    return errors


@transaction.atomic
def step_add(actor: User | None, *, case: ItemCase, data: StepInput, version: int) -> ItemCaseStep:
    """What a person did about the item, outside the app: a correction or rebuttal published
    (with its link), a report to the platform, a referral to the union concerned, a note."""
    stored = _locked(case, version)
    _may_act(actor, stored)
    data = StepInput(
        kind=data.kind,
        text=clean_block(data.text),
        link=data.link.strip(),
        referral=data.referral,
    )
    errors = _step_errors(stored, data)
    if errors:
        raise ValidationError(errors)
    text, link = data.text, data.link
    if data.referral is not None:
        opened = _refer(actor, stored.item, data.referral)
        address = site_link(reverse("voice:case", kwargs={"case_id": opened.pk}))
        line = _("Workers' case opened at %(unit)s: %(link)s") % {
            "unit": opened.unit.name,
            "link": address,
        }
        text = f"{text}\n{line}" if text else line
        link = link or address
    before = snapshot(stored, AUDITED)
    step = _step(actor, stored, data.kind, text, link)
    _bump(actor, stored, "item_case.step", before)
    return step


def _refer(actor: User | None, item: Item, referral: Referral) -> WorkersCase:
    """The workers' case at the union, through the voice app's own service; its refusals are
    put on the referral's fields."""
    code = clean(referral.unit_code).upper()
    unit = OrgUnit.objects.filter(code=code).first() if code else None
    if unit is None:
        raise ValidationError({"refer_unit": _("There is no union with this code.")})
    if actor is not None and not access.can_write(actor, unit):
        raise ValidationError(
            {"refer_unit": _("This union is outside what you can write: ask its officers.")}
        )
    found = timezone.localtime(item.published_at or item.found_at).date()
    title = clean(item.title or item.text)
    try:
        return voice_cases.case_open(
            actor,
            unit=unit,
            data=voice_cases.CaseInput(
                kind=referral.kind,
                title=title if len(title) <= 300 else title[:299] + "…",
                workers_affected=referral.workers_affected,
                started_on=min(found, timezone.localdate()),
                description=item.text[:2000],
            ),
            online_address=_address_for_voice(item),
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {f"refer_{name}": messages for name, messages in error.error_dict.items()}
        ) from error


def _address_for_voice(item: Item) -> str:
    """The voice case keeps an address of at most 500 characters: the item's, or its
    canonical form when that is shorter."""
    for address in (item.address, item.canonical):
        if address and len(address) <= 500:
            return address
    return ""
