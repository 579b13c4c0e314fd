"""Writes of legal questions: a worker asks without an account (limited per sender and in all),
an officer over the union asked answers, sets a question aside as spam or restores it, publishes
an edited copy in the FAQ or withdraws it; every showing of an asker's contact details is logged.
Every officer's write checks the version the officer saw and is audited."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean, clean_block, search_key
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice import question_selectors as selectors
from tuyengiao.voice.models import TEXT_LIMIT, Question, QuestionStatus, QuestionTopic

QUESTION_LIMIT = 4000  # characters: a question, not a case file
NAME_LIMIT = 120
CONTACT_LIMIT = 120


def setting(name: str, default: int) -> int:
    """A knob of the questions: settings.NAME when the project sets it, otherwise the
    environment variable NAME, otherwise `default`."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def setting_flag(name: str) -> bool:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def sender_key(address: str) -> str:
    """A keyed hash of the sender's address: enough to count their questions, and nobody can
    get the address back from it."""
    return salted_hmac("tuyengiao.voice.question.sender", address, algorithm="sha256").hexdigest()


class RateLimited(Exception):
    """Too many questions from one sender in the hour, or from everyone in the minute."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hits(name: str, window: int) -> int:
    """Count one more hit in the current window of `window` seconds, in the shared cache (Redis
    when configured: atomic and seen by every process)."""
    key = f"tuyengiao:questions:{name}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window * 2)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        return 1


def _check_rate(sender: str) -> None:
    per_minute = setting("QUESTIONS_PER_MINUTE", 30)
    per_hour = setting("QUESTIONS_PER_HOUR", 5)
    if _hits("all", 60) > per_minute:
        raise RateLimited(
            _(
                "Many questions are arriving right now. Wait a minute, then send yours again: "
                "what you typed is kept below."
            )
        )
    # The stored questions are the count every process shares even when the cache is each
    # process's own memory (the embedded mode); the cache also counts refused attempts.
    recent = Question.objects.filter(
        sender_key=sender, asked_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    if _hits(f"sender:{sender}", 3600) > per_hour or recent >= per_hour:
        raise RateLimited(
            _(
                "You have sent %(count)s questions within an hour, the most we take from one "
                "sender. Send this one again in an hour: what you typed is kept below."
            )
            % {"count": per_hour}
        )


_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_SELF = re.compile(r"(?i:\b(?:tôi|em|mình|cháu|con)\s+(?:là|tên là|tên))\s+(\w+(?:\s+\w+){0,4})")


def looks_like_contact(text: str) -> bool:
    return bool(_PHONE.fullmatch(text.strip()) or _EMAIL.fullmatch(text.strip()))


def personal_details(text: str, *, asker_name: str = "") -> list[str]:
    """What in `text` looks like a phone number, an email address or a person's name (after
    "tôi là", "em tên là"…, or the asker's own name): shown to the officer before publishing."""
    found = [m.group(0).strip() for m in _PHONE.finditer(text)]
    found += [m.group(0) for m in _EMAIL.finditer(text)]
    for match in _SELF.finditer(text):
        words = []
        for word in match.group(1).split():
            if not word[0].isupper():
                break
            words.append(word)
        if words:
            found.append(" ".join(words))
    name = clean(asker_name)
    if name and name.lower() in text.lower():
        found.append(name)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class QuestionInput:
    unit_code: str
    topic: str
    text: str
    anonymous: bool = True
    asker_name: str = ""
    contact: str = ""


def _cleaned(data: QuestionInput) -> tuple[OrgUnit | None, QuestionInput]:
    """The question as it will be stored, or every field's error at once. An anonymous asker's
    name and contact are dropped whatever was typed."""
    cleaned = QuestionInput(
        unit_code=data.unit_code,
        topic=data.topic,
        text=clean_block(data.text),
        anonymous=data.anonymous,
        asker_name="" if data.anonymous else clean(data.asker_name),
        contact="" if data.anonymous else clean(data.contact),
    )
    unit = selectors.askable_unit(cleaned.unit_code)
    errors: dict[str, str] = {}
    if unit is None:
        errors["unit"] = _("Choose the union you ask.")
    if cleaned.topic not in QuestionTopic.values:
        errors["topic"] = _("Choose what your question is about.")
    if not cleaned.text:
        errors["text"] = _("Write your question.")
    elif len(cleaned.text) > QUESTION_LIMIT:
        errors["text"] = _(
            "Your question is too long: at most %(limit)s characters. Shorten it and send it again."
        ) % {"limit": f"{QUESTION_LIMIT:,}".replace(",", ".")}
    if len(cleaned.asker_name) > NAME_LIMIT:
        errors["asker_name"] = _("At most %(limit)s characters.") % {"limit": NAME_LIMIT}
    if not cleaned.anonymous and not cleaned.contact:
        errors["contact"] = _(
            "Leave a phone number or an email address for the answer, or ask anonymously."
        )
    elif cleaned.contact and (
        len(cleaned.contact) > CONTACT_LIMIT or not looks_like_contact(cleaned.contact)
    ):
        errors["contact"] = _("Write a phone number (e.g. 0912 345 678) or an email address.")
    if errors:
        raise ValidationError(errors)
    return unit, cleaned


def _private_key(question: Question) -> str:
    """Search key of an unpublished question, for the officers' inbox: the asker's text and
    the answer. Publishing replaces it with the published texts only, so the FAQ search never
    matches words that were removed from them."""
    return search_key(f"{question.text} {question.answer}")


@transaction.atomic
def question_ask(*, data: QuestionInput, sender: str, limit: bool = True) -> Question:
    """A worker's question, from the public page (no account: the actor is nobody). `sender` is
    sender_key() of their address; `limit=False` only for loading demo data."""
    unit, cleaned = _cleaned(data)
    assert unit is not None  # noqa: S101 - _cleaned raises without one
    if limit:
        _check_rate(sender)
    question = Question(
        unit=unit,
        topic=cleaned.topic,
        text=cleaned.text,
        anonymous=cleaned.anonymous,
        asker_name=cleaned.asker_name,
        contact=cleaned.contact,
        sender_key=sender,
    )
    question.search_key = _private_key(question)
    question.full_clean()
    question.save()
    # Never the text or the contact in the log: it is read by staff who need not see them.
    audit_record(
        None,
        action="question.ask",
        obj=question,
        unit=unit,
        after={"topic": question.topic, "anonymous": question.anonymous},
    )
    return question


def _locked(actor: User | None, question: Question, version: int) -> Question:
    stored = Question.objects.select_for_update().select_related("unit").get(pk=question.pk)
    access.require(actor is None or selectors.can_answer(actor, stored))
    check_version(stored, version)
    return stored


def _save(
    actor: User | None, stored: Question, version: int, action: str, before: dict[str, object]
) -> Question:
    fields = sorted(before)
    save_versioned(stored, version, [*fields, "search_key", "answered_by", "answered_at"])
    audit_record(
        actor,
        action=action,
        obj=stored,
        unit=stored.unit,
        before=before,
        after=snapshot(stored, fields),
    )
    return stored


@transaction.atomic
def question_answer(
    actor: User | None, *, question: Question, answer: str, version: int
) -> Question:
    """Answer (or correct the answer). The time to answer counts to the first answer."""
    stored = _locked(actor, question, version)
    text = clean_block(answer)
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {"answer": _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    before = snapshot(stored, ["status", "answer"])
    stored.answer = text
    stored.status = QuestionStatus.ANSWERED
    if stored.answered_at is None:
        stored.answered_at = timezone.now()
        stored.answered_by = actor
    if not stored.published:
        stored.search_key = _private_key(stored)
    return _save(actor, stored, version, "question.answer", before)


@transaction.atomic
def question_mark_spam(actor: User | None, *, question: Question, version: int) -> Question:
    stored = _locked(actor, question, version)
    if stored.published:
        raise ValidationError(_("Withdraw it from the FAQ first."))
    if stored.status == QuestionStatus.SPAM:
        return stored
    before = snapshot(stored, ["status"])
    stored.status = QuestionStatus.SPAM
    return _save(actor, stored, version, "question.spam", before)


@transaction.atomic
def question_restore(actor: User | None, *, question: Question, version: int) -> Question:
    """Not spam after all: back to waiting, or to answered if it had an answer."""
    stored = _locked(actor, question, version)
    if stored.status != QuestionStatus.SPAM:
        return stored
    before = snapshot(stored, ["status"])
    stored.status = QuestionStatus.ANSWERED if stored.answer else QuestionStatus.NEW
    return _save(actor, stored, version, "question.restore", before)


@transaction.atomic
def question_publish(
    actor: User | None,
    *,
    question: Question,
    public_question: str,
    public_answer: str,
    version: int,
    confirmed: bool = False,
) -> Question:
    """Put an edited copy of an answered question in the FAQ. Texts that still look like they
    hold personal details (a phone number, an email, a name) need `confirmed`."""
    stored = _locked(actor, question, version)
    asked, answered = clean_block(public_question), clean_block(public_answer)
    errors: dict[str, str] = {}
    if stored.status != QuestionStatus.ANSWERED:
        errors["__all__"] = _("Only an answered question can be published.")
    if not asked:
        errors["public_question"] = _("Write the question as it will be published.")
    elif len(asked) > QUESTION_LIMIT:
        errors["public_question"] = _("At most %(limit)s characters.") % {"limit": QUESTION_LIMIT}
    if not answered:
        errors["public_answer"] = _("Write the answer as it will be published.")
    elif len(answered) > TEXT_LIMIT:
        errors["public_answer"] = _("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}
    found = personal_details(f"{asked}\n{answered}", asker_name=stored.asker_name)
    if not errors and found and not confirmed:
        errors["__all__"] = _(
            "The texts to publish may still hold personal details: %(found)s. Remove them, or "
            "tick the confirmation if they are not personal."
        ) % {"found": ", ".join(found)}
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, ["published", "public_question", "public_answer"])
    stored.published = True
    stored.public_question, stored.public_answer = asked, answered
    stored.search_key = search_key(f"{asked} {answered}")
    return _save(actor, stored, version, "question.publish", before)


@transaction.atomic
def question_unpublish(actor: User | None, *, question: Question, version: int) -> Question:
    stored = _locked(actor, question, version)
    if not stored.published:
        return stored
    before = snapshot(stored, ["published"])
    stored.published = False
    return _save(actor, stored, version, "question.unpublish", before)


def question_contact_viewed(actor: User, *, question: Question) -> None:
    """Log that the asker's name and contact were shown to `actor` (personal data access)."""
    audit_record(
        actor,
        action="question.contact_view",
        obj=question,
        unit=question.unit,
        after={"shown": ["asker_name", "contact"]},
    )
