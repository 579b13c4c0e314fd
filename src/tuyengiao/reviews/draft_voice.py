"""The review's account of hearing workers and of media work over the years it covers: the
pressing-issue cases the unions under the unit opened and resolved, the legal questions they
were asked and how fast they answered, the implementation problems they reported, and the news
they published, by channel. Read from the records themselves, over the units ever under the
unit (a review speaks of the past, mergers included); the callers hold the gate."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tuyengiao.media.models import Channel, NewsPost
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice.models import (
    OPEN_STATES,
    ActionKind,
    Case,
    CaseAction,
    CaseStatus,
    Problem,
    ProblemStatus,
    Question,
    QuestionStatus,
)


@dataclass(frozen=True)
class ChannelLine:
    label: str
    items: int
    views: int


@dataclass
class Hearing:
    cases_opened: int = 0
    cases_resolved: int = 0  # of those opened in the years covered
    cases_escalated: int = 0
    workers_affected: int = 0
    cases_open_now: int = 0
    questions: int = 0
    answered: int = 0
    median_answer_hours: float | None = None
    published: int = 0
    problems: int = 0
    problems_dealt_with: int = 0
    news: list[ChannelLine] = field(default_factory=list)

    @property
    def news_total(self) -> int:
        return sum(line.items for line in self.news)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, zone)
    return first, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)


def hearing_for(unit: OrgUnit, start: dt.date, end: dt.date) -> Hearing:
    """The figures of the unions ever under `unit` from `start` to `end` (inclusive)."""
    below = hierarchy.ever_descendant_ids(unit.pk)
    found = Hearing()
    _cases(found, Case.objects.filter(unit_id__in=below), start, end)
    _questions(found, Question.objects.filter(unit_id__in=below), *_bounds(start, end))
    problems = Problem.objects.filter(
        unit_id__in=below, reported_at__range=_bounds(start, end)
    ).aggregate(total=Count("id"), dealt=Count("id", filter=~Q(status=ProblemStatus.SENT)))
    found.problems, found.problems_dealt_with = problems["total"], problems["dealt"]
    news = NewsPost.objects.filter(unit_id__in=below, published_on__range=(start, end))
    counted = {
        row["channel"]: row
        for row in news.order_by().values("channel").annotate(n=Count("id"), views=Sum("views"))
    }
    found.news = [
        ChannelLine(str(label), counted[value]["n"], counted[value]["views"] or 0)
        for value, label in Channel.choices
        if value in counted
    ]
    return found


def _cases(found: Hearing, cases: QuerySet[Case], start: dt.date, end: dt.date) -> None:
    opened = cases.filter(started_on__range=(start, end))
    figures = opened.aggregate(
        opened=Count("id"),
        resolved=Count("id", filter=Q(status=CaseStatus.RESOLVED)),
        workers=Sum("workers_affected"),
    )
    found.cases_opened, found.cases_resolved = figures["opened"], figures["resolved"]
    found.workers_affected = figures["workers"] or 0
    escalated = CaseAction.objects.filter(case__in=opened, kind=ActionKind.ESCALATED)
    found.cases_escalated = escalated.values("case_id").distinct().count()
    found.cases_open_now = cases.filter(status__in=OPEN_STATES, started_on__lte=end).count()


def _questions(
    found: Hearing, questions: QuerySet[Question], first: dt.datetime, last: dt.datetime
) -> None:
    asked = questions.filter(asked_at__gte=first, asked_at__lt=last).exclude(
        status=QuestionStatus.SPAM
    )
    found.questions = asked.count()
    pairs = asked.filter(answered_at__isnull=False).values_list("asked_at", "answered_at")
    times = [(answered - at).total_seconds() / 3600 for at, answered in pairs if answered]
    found.answered = len(times)
    found.median_answer_hours = round(statistics.median(times), 1) if times else None
    found.published = asked.filter(published=True).count()
