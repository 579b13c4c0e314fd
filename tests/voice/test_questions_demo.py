"""The demo's legal questions: sixty, fifty answered (a few published), some waiting, one spam,
dated within 2026 and the same on every load."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice.demo_questions import load_questions
from tuyengiao.voice.models import Question, QuestionStatus

TODAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _load() -> list[tuple[str, str, dt.datetime, str]]:
    assert load_questions() == 60
    return list(
        Question.objects.order_by("id").values_list("unit__code", "text", "asked_at", "status")
    )


@pytest.fixture
def demo_tree(tree):
    OrgUnit.objects.update(is_demo=True)
    with time_machine.travel(TODAY, tick=False):
        yield tree


def test_the_demo_questions_tell_a_plausible_story(demo_tree):
    first = _load()
    questions = Question.objects.all()
    counts = {s: questions.filter(status=s).count() for s in QuestionStatus.values}
    assert counts == {"answered": 50, "new": 9, "spam": 1}
    published = questions.filter(published=True)
    assert published.count() == 6
    assert all(q.public_question and q.public_answer and q.search_key for q in published)
    for q in questions:
        assert q.asked_at.year == 2026 and q.asked_at <= TODAY
        assert q.unit.code in {"NB", "GD"}  # the province and its sector union (alive, upper)
        if q.status == QuestionStatus.ANSWERED:
            assert q.asked_at < q.answered_at < TODAY
        if q.anonymous:
            assert not q.asker_name and not q.contact
    assert questions.filter(anonymous=False).exists()
    Question.objects.all().delete()
    assert _load() == first  # the same on every load
