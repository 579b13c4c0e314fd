"""Reads of legal questions: the unions a worker may ask, the FAQ of published answers, a
question read back with its reference code, and, scoped to the acting officer, the inbox, one
question with what the officer may do with it, and the time taken to answer per unit."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.voice.models import Question, QuestionStatus

# The unions a worker may address a question to: the province and the unions right under it.
ASK_KINDS = (
    UnitKind.PROVINCE,
    UnitKind.SECTOR,
    UnitKind.INDUSTRIAL_ZONE,
    UnitKind.DISTRICT,
    UnitKind.COMMUNE,
)

# Reference codes: the question's id under a keyed permutation of 40 bits (so the id is not
# shown and codes do not follow each other), then 20 bits of a keyed tag. Crockford's base32
# (no I, L, O, U) so that a code read over the phone or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_HALF = 20
_MASK = (1 << _HALF) - 1
_ROUNDS = 4
_SALT = "tuyengiao.voice.question.code"


def _round(number: int, half: int) -> int:
    digest = salted_hmac(_SALT, f"{number}:{half}", algorithm="sha256").digest()
    return int.from_bytes(digest[:4], "big") & _MASK


def _tag(scrambled: int) -> int:
    digest = salted_hmac(_SALT + ".tag", str(scrambled), algorithm="sha256").digest()
    return int.from_bytes(digest[:4], "big") & _MASK


def _scramble(number: int) -> int:
    left, right = number >> _HALF, number & _MASK
    for index in range(_ROUNDS):
        left, right = right, left ^ _round(index, right)
    return (left << _HALF) | right


def _unscramble(number: int) -> int:
    left, right = number >> _HALF, number & _MASK
    for index in reversed(range(_ROUNDS)):
        left, right = right ^ _round(index, left), left
    return (left << _HALF) | right


def _base32(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def reference_code(question_id: int) -> str:
    """The code an asker keeps to read the answer: twelve characters, XXXX-XXXX-XXXX."""
    scrambled = _scramble(question_id)
    raw = _base32(scrambled, 8) + _base32(_tag(scrambled), 4)
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def question_id_from_code(code: str) -> int | None:
    """The id a reference code stands for, or None if it is not one of ours."""
    raw = "".join(code.split()).replace("-", "").upper()
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(raw) != 12 or any(ch not in _ALPHABET for ch in raw):
        return None
    scrambled = tag = 0
    for ch in raw[:8]:
        scrambled = scrambled * 32 + _ALPHABET.index(ch)
    for ch in raw[8:]:
        tag = tag * 32 + _ALPHABET.index(ch)
    if not constant_time_compare(str(tag), str(_tag(scrambled))):
        return None
    return _unscramble(scrambled)


def askable_units(on: dt.date | None = None) -> list[OrgUnit]:
    """The unions a worker may ask, alive on `on` (today): provinces first, then by kind, name."""
    order = {kind: index for index, kind in enumerate(ASK_KINDS)}
    units = OrgUnit.objects.filter(kind__in=ASK_KINDS, **valid_on(on or today()))
    return sorted(units, key=lambda u: (order[UnitKind(u.kind)], u.name, u.code))


def askable_unit(code: str) -> OrgUnit | None:
    return next((u for u in askable_units() if u.code == code), None)


def question_by_code(code: str) -> Question:
    """The question a reference code stands for, to the asker holding the code: 404 otherwise."""
    question_id = question_id_from_code(code)
    question = (
        Question.objects.select_related("unit").filter(pk=question_id).first()
        if question_id is not None
        else None
    )
    if question is None:
        raise Http404(code)
    return question


@dataclass(frozen=True)
class FaqFilter:
    query: str = ""
    topic: str = ""


def faq(filters: FaqFilter = FaqFilter()) -> QuerySet[Question]:
    """The published questions and answers, newest answer first; the search reads only the
    published texts (their search key), never what the asker wrote."""
    questions = Question.objects.filter(
        published=True, status=QuestionStatus.ANSWERED
    ).select_related("unit")
    if filters.topic:
        questions = questions.filter(topic=filters.topic)
    for term in search_terms(filters.query):
        questions = questions.filter(search_key__contains=term)
    return questions.order_by("-answered_at", "-id")


def published_question(question_id: int) -> Question:
    question = faq().filter(pk=question_id).first()
    if question is None:
        raise Http404(question_id)
    return question


@dataclass(frozen=True)
class InboxFilter:
    query: str = ""
    status: str = ""
    topic: str = ""
    unit: OrgUnit | None = None


def _in_scope(user: User) -> QuerySet[Question]:
    questions = Question.objects.select_related("unit")
    root = access.scope_root_id(user)
    if root is not None:
        questions = questions.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    return questions


def inbox(user: User, filters: InboxFilter = InboxFilter()) -> QuerySet[Question]:
    """The questions to the unions ever in the user's scope: those waiting first, oldest first."""
    questions = _in_scope(user)
    if filters.unit is not None:
        questions = questions.filter(unit=filters.unit)
    if filters.status:
        questions = questions.filter(status=filters.status)
    if filters.topic:
        questions = questions.filter(topic=filters.topic)
    for term in search_terms(filters.query):
        questions = questions.filter(search_key__contains=term)
    waiting_first = When_(
        When(status=QuestionStatus.NEW, then=Value(0)),
        When(status=QuestionStatus.ANSWERED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return questions.annotate(waiting_first=waiting_first).order_by(
        "waiting_first", "asked_at", "id"
    )


def inbox_units(user: User) -> list[OrgUnit]:
    """The unions in the user's scope that have been asked something, for the inbox's filter."""
    ids = _in_scope(user).values("unit_id")
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("name", "code"))


def can_answer(user: User, question: Question) -> bool:
    """Answer, set aside, publish: an editing role over the union asked. Reading scope (ever
    under the user's unit) rather than today's: a question to a union since dissolved or merged
    is still answered by the level that took over its work."""
    return user.is_active and user.can_edit and access.can_read(user, question.unit)


def question_for_user(user: User, question_id: int) -> Question:
    """The gate to one question: 404 if there is none, 403 if the union asked is outside the
    user's scope."""
    question = Question.objects.select_related("unit", "answered_by").filter(pk=question_id).first()
    if question is None:
        raise Http404(question_id)
    access.require(access.can_read(user, question.unit))
    return question


def shows_contact(question: Question) -> bool:
    """Whether the officers' page of the question shows personal details of its asker."""
    return not question.anonymous and bool(question.asker_name or question.contact)


@dataclass(frozen=True)
class AnswerTimes:
    unit: OrgUnit | None  # None: the total
    asked: int
    answered: int
    median_hours: Decimal | None
    waiting: int
    oldest_waiting: dt.datetime | None


def _row(unit: OrgUnit | None, rows: list[tuple[dt.datetime, dt.datetime | None]]) -> AnswerTimes:
    hours = [(done - asked).total_seconds() / 3600 for asked, done in rows if done is not None]
    waiting = [asked for asked, done in rows if done is None]
    median = Decimal(str(statistics.median(hours))).quantize(Decimal("0.1")) if hours else None
    return AnswerTimes(
        unit=unit,
        asked=len(rows),
        answered=len(hours),
        median_hours=median,
        waiting=len(waiting),
        oldest_waiting=min(waiting, default=None),
    )


def answer_times(user: User) -> list[AnswerTimes]:
    """Per union asked in the user's scope (spam left out): questions asked and answered, the
    median hours from asking to the first answer, how many still wait and since when; unions
    with the oldest waiting question first, the total last."""
    rows = (
        _in_scope(user)
        .exclude(status=QuestionStatus.SPAM)
        .values_list("unit_id", "asked_at", "answered_at", "status")
    )
    by_unit: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = {}
    for unit_id, asked_at, answered_at, status in rows:
        done = answered_at if status == QuestionStatus.ANSWERED else None
        by_unit.setdefault(unit_id, []).append((asked_at, done))
    units = OrgUnit.objects.in_bulk(list(by_unit))
    result = [_row(units[unit_id], times) for unit_id, times in by_unit.items()]
    far = timezone.now() + dt.timedelta(days=1)
    result.sort(key=lambda r: (r.oldest_waiting or far, r.unit.name if r.unit else ""))
    if len(result) > 1:
        result.append(_row(None, [time for times in by_unit.values() for time in times]))
    return result
