"""The review's account of hearing workers and of media work: cases, legal questions, problems
and news of the years covered, from the records of the units under the unit, in the DOCX and
in the XLSX appendix."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from tuyengiao.media.news_services import NewsInput, news_record
from tuyengiao.reviews import selectors
from tuyengiao.reviews.draft_voice import hearing_for
from tuyengiao.reviews.drafting import draft_documents
from tuyengiao.reviews.models import ReviewKind
from tuyengiao.voice import case_services, question_services
from tuyengiao.voice.models import Question
from tuyengiao.voice.problem_services import ProblemInput, problem_report


def _news(unit, channel, day, views=None, title="Tin hoạt động"):
    data = NewsInput(channel=channel, title=title, kind="news", published_on=day, views=views)
    return news_record(None, unit=unit, data=data)


def _question(unit_code, asked, answered=None):
    data = question_services.QuestionInput(unit_code=unit_code, topic="labour", text="Hỏi lương")
    question = question_services.question_ask(data=data, sender="k", limit=False)
    Question.objects.filter(pk=question.pk).update(asked_at=asked, answered_at=answered)


@pytest.fixture
def heard(tree, plan):
    with time_machine.travel(dt.datetime(2025, 12, 20, 9, tzinfo=dt.UTC), tick=False):
        wage = case_services.case_open(
            None,
            unit=tree.garment,
            data=case_services.CaseInput(
                kind="wages", title="Nợ lương", workers_affected=300,
                started_on=dt.date(2025, 9, 1),
            ),
        )  # fmt: skip
        case_services.case_escalate(None, case=wage, reason="Cần huyện hỗ trợ", version=1)
        other = case_services.case_open(
            None,
            unit=tree.school_a,
            data=case_services.CaseInput(
                kind="other", title="Phòng học nóng", workers_affected=40,
                started_on=dt.date(2025, 6, 1),
            ),
        )  # fmt: skip
        case_services.case_resolve(
            None, case=other, outcome="Đã lắp quạt", resolved_on=dt.date(2025, 6, 20), version=1
        )
        problem_report(
            None, unit=tree.education, data=ProblemInput(title="Thiếu tài liệu", text="…")
        )
        _news(tree.school_a, "facebook", dt.date(2025, 3, 1), views=1000)
        _news(tree.school_a, "facebook", dt.date(2025, 4, 1), views=500)
        _news(tree.garment, "lao_dong", dt.date(2025, 5, 1))
        _news(tree.garment, "lao_dong", dt.date(2024, 5, 1))  # another year
    at = dt.datetime(2025, 3, 2, 8, tzinfo=dt.UTC)
    _question("NB", at, at + dt.timedelta(hours=10))
    _question("GD", at, at + dt.timedelta(hours=30))
    _question("GD", at)


def test_the_figures_come_from_the_records_of_the_years_covered(tree, heard):
    found = hearing_for(tree.province, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (found.cases_opened, found.cases_resolved, found.cases_escalated) == (2, 1, 1)
    assert (found.workers_affected, found.cases_open_now) == (340, 1)
    assert (found.questions, found.answered, found.median_answer_hours) == (3, 2, 20.0)
    assert (found.problems, found.problems_dealt_with) == (1, 0)
    assert [(n.label, n.items, n.views) for n in found.news] == [
        ("Báo Lao Động", 1, 0),  # in the order of the channels
        ("Trang Facebook", 2, 1500),
    ]
    education = hearing_for(tree.education, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (education.cases_opened, education.questions, education.news_total) == (1, 2, 2)


def test_the_document_and_the_appendix_tell_it(tree, heard, province_officer):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        review = selectors.review_or_blank(tree.province, ReviewKind.YEARLY, 2025)
        drafted = draft_documents(province_officer, review)
    text = "\n".join(p.text for p in Document(io.BytesIO(drafted.docx)).paragraphs)
    assert "4. Tiếng nói người lao động và công tác truyền thông" in text
    assert "theo dõi 2 vụ việc bức xúc, ảnh hưởng đến 340 người lao động" in text
    assert "một nửa trong số đó trong vòng 20 giờ" in text
    assert "Các công đoàn đã đăng 3 tin, bài:" in text
    book = load_workbook(io.BytesIO(drafted.xlsx), read_only=True)
    rows = list(book["Tiếng nói NLĐ, truyền thông"].iter_rows(values_only=True))
    assert ("Tin, bài: Trang Facebook", 2, 1500) in [tuple(r[:3]) for r in rows]
