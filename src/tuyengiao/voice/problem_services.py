"""Writes of implementation problems: reported by a unit (the province's accounts are told by
email), its text changed while it waits, answered or forwarded by the provincial department
(the reporter is told). Every change checks the version the user saw and is audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import RESTRUCTURE_ROLES, User
from tuyengiao.core.mail import SentByEmail, site_link
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean, clean_block, search_key
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice.models import TEXT_LIMIT, Problem, ProblemStatus
from tuyengiao.voice.problem_selectors import can_answer, can_edit, province_of, province_over

EDITABLE = ["title", "text"]
DECIDED = ["status", "answer", "forwarded_to", "answered_by_id", "answered_at"]
TITLE_LIMIT = 300
FORWARD_LIMIT = 200


@dataclass(frozen=True)
class ProblemInput:
    title: str
    text: str


def _cleaned(data: ProblemInput) -> ProblemInput:
    """The problem as it will be stored, or every field's error at once."""
    cleaned = ProblemInput(title=clean(data.title), text=clean_block(data.text))
    errors: dict[str, str] = {}
    if not cleaned.title:
        errors["title"] = _("Say in a few words what the problem is.")
    elif len(cleaned.title) > TITLE_LIMIT:
        errors["title"] = _("At most %(limit)s characters.") % {"limit": TITLE_LIMIT}
    if not cleaned.text:
        errors["text"] = _("Describe the problem and what you need from the province.")
    elif len(cleaned.text) > TEXT_LIMIT:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _search_key(problem: Problem) -> str:
    return search_key(f"{problem.title} {problem.text} {problem.unit.name}")[:1000]


@transaction.atomic
def problem_report(actor: User | None, *, unit: OrgUnit, data: ProblemInput) -> Problem:
    """A problem the unit met, sent to the provincial department over it, whose accounts are
    told."""
    access.require(actor is None or access.can_write(actor, unit))
    province = province_over(unit)
    if province is None:
        raise ValidationError(
            {"unit": _("Problems are reported by the units under a provincial federation.")}
        )
    problem = Problem(unit=unit, reported_by=actor, **asdict(_cleaned(data)))
    problem.search_key = _search_key(problem)
    problem.full_clean()
    problem.save()
    audit_record(
        actor, action="problem.report", obj=problem, unit=unit, after=snapshot(problem, EDITABLE)
    )
    _tell_province(actor, problem, province)
    return problem


def _locked(problem: Problem, version: int) -> Problem:
    stored = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("unit", "reported_by")
        .get(pk=problem.pk)
    )
    check_version(stored, version)
    return stored


def _waiting(problem: Problem) -> None:
    if problem.status != ProblemStatus.SENT:
        raise ValidationError(
            _("The province has already dealt with this problem: it can no longer be changed.")
        )


def _bump(actor: User | None, problem: Problem, action: str, before: dict[str, object]) -> None:
    problem.version += 1
    problem.search_key = _search_key(problem)
    problem.full_clean()
    problem.save()
    fields = sorted(before)
    audit_record(
        actor,
        action=action,
        obj=problem,
        unit=problem.unit,
        before=before,
        after=snapshot(problem, fields),
    )


@transaction.atomic
def problem_update(
    actor: User | None, *, problem: Problem, data: ProblemInput, version: int
) -> Problem:
    """The reporting side changes what it wrote, while the province has not dealt with it."""
    stored = _locked(problem, version)
    access.require(actor is None or can_edit(actor, stored, province_of(stored)))
    _waiting(stored)
    before = snapshot(stored, EDITABLE)
    for name, value in asdict(_cleaned(data)).items():
        setattr(stored, name, value)
    _bump(actor, stored, "problem.update", before)
    return stored


def _decide(
    actor: User | None,
    stored: Problem,
    *,
    status: str,
    answer: str,
    forwarded_to: str = "",
) -> Problem:
    before = snapshot(stored, DECIDED)
    stored.status, stored.answer, stored.forwarded_to = status, answer, forwarded_to
    stored.answered_by, stored.answered_at = actor, timezone.now()
    _bump(actor, stored, f"problem.{status}", before)
    _tell_reporter(actor, stored)
    return stored


@transaction.atomic
def problem_answer(actor: User | None, *, problem: Problem, answer: str, version: int) -> Problem:
    """The provincial department's answer; the problem is then closed."""
    stored = _locked(problem, version)
    access.require(actor is None or can_answer(actor, province_of(stored)))
    answer = clean_block(answer)
    _waiting(stored)
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(answer) > TEXT_LIMIT:
        raise ValidationError(
            {"answer": _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    return _decide(actor, stored, status=ProblemStatus.ANSWERED, answer=answer)


@transaction.atomic
def problem_forward(
    actor: User | None, *, problem: Problem, forwarded_to: str, note: str, version: int
) -> Problem:
    """Sent on by the provincial department to whoever can settle it (the Standing Committee,
    another department), with an optional note to the reporting unit."""
    stored = _locked(problem, version)
    access.require(actor is None or can_answer(actor, province_of(stored)))
    forwarded_to, note = clean(forwarded_to), clean_block(note)
    _waiting(stored)
    errors: dict[str, str] = {}
    if not forwarded_to:
        errors["forwarded_to"] = _("Say to whom the problem is forwarded.")
    elif len(forwarded_to) > FORWARD_LIMIT:
        errors["forwarded_to"] = _("At most %(limit)s characters.") % {"limit": FORWARD_LIMIT}
    if len(note) > TEXT_LIMIT:
        errors["note"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    if errors:
        raise ValidationError(errors)
    return _decide(
        actor, stored, status=ProblemStatus.FORWARDED, answer=note, forwarded_to=forwarded_to
    )


def _link(problem: Problem) -> str:
    return site_link(reverse("problems:problem", kwargs={"problem_id": problem.pk}))


def _send(actor: User | None, to: list[str], subject: str, lines: list[str]) -> None:
    if to:
        message = SentByEmail(
            subject=subject, body="\n".join(lines), to=to, sent_by_id=actor.pk if actor else None
        )
        transaction.on_commit(lambda: message.send(fail_silently=True))


def _tell_province(actor: User | None, problem: Problem, province: OrgUnit) -> None:
    """The accounts that answer for the province (its managing roles) learn of a new problem."""
    to = list(
        User.objects.filter(is_active=True, scope_unit=province, role__in=RESTRUCTURE_ROLES)
        .exclude(email="")
        .order_by("username")
        .values_list("email", flat=True)
    )
    values = {"title": problem.title, "unit": problem.unit.name, "link": _link(problem)}
    _send(
        actor,
        to,
        _("Problem reported by %(unit)s: %(title)s") % values,
        [
            _("%(unit)s has reported a problem met while carrying out the plan: “%(title)s”.")
            % values,
            _("Answer it or forward it here: %(link)s") % values,
        ],
    )


def _tell_reporter(actor: User | None, problem: Problem) -> None:
    """Whoever reported the problem learns that the province answered or forwarded it."""
    reporter = problem.reported_by
    if reporter is None or not reporter.is_active or not reporter.email or reporter == actor:
        return
    values = {"title": problem.title, "to": problem.forwarded_to, "link": _link(problem)}
    if problem.status == ProblemStatus.FORWARDED:
        subject = _("Your problem has been forwarded: %(title)s") % values
        first = _("The province has forwarded “%(title)s” to %(to)s.") % values
    else:
        subject = _("Your problem has been answered: %(title)s") % values
        first = _("The province has answered “%(title)s”.") % values
    _send(actor, [reporter.email], subject, [first, _("Read it here: %(link)s") % values])
