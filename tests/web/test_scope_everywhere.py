"""Every page, walked from the URL map: an officer of a sibling branch is refused every object
of the other branch and sees none of it in any list. A new view without a gate fails here."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from tests.activities.conftest import describe
from tests.conftest import client_for
from tuyengiao.activities.campaign_services import campaign_create
from tuyengiao.activities.models import ActivityFile
from tuyengiao.activities.services import activity_create
from tuyengiao.media.item_case_services import case_open as item_case_open
from tuyengiao.media.models_monitoring import ClassifierModel, Source, Topic
from tuyengiao.media.news_services import NewsInput, news_record
from tuyengiao.media.pipeline import Found, ingest
from tuyengiao.orgs.people_services import person_create
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reviews.models import DocumentState, ReviewDocument
from tuyengiao.reviews.services import ReviewInput, review_save
from tuyengiao.voice import question_services
from tuyengiao.voice.case_services import CaseInput, case_open
from tuyengiao.voice.problem_services import ProblemInput, problem_report
from tuyengiao.web.reference import load_reference

OTHER_BRANCH_NAMES = ["GD-001", "Trường THPT Hoa Lư A", "Lê Thị Hồng"]
# Object pages are named by their URL keyword; the values are objects of the other branch.
# Bound to the uploader's own session and file; its refusal is tested in tests/orgs/test_excel.py.
SESSION_BOUND = {
    "orgs_io:preview",
    "reports_excel:preview",
    "activities_cultural:excel_preview",
    "media:source_import_preview",
}
# Public by design: read by the sender's secret reference code, or published for everyone; the
# privacy of unpublished questions is tested in tests/voice/test_questions.py.
PUBLIC = {"questions:sent", "questions:private", "questions:public"}


def _patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_patterns(entry, inner))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def _web_patterns() -> list[tuple[str, URLPattern]]:
    return [(name, p) for name, p in _patterns(get_resolver()) if not name.startswith("api")]


def _keywords(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _text(response) -> str:
    """What a person would read in the response: the page, or every cell of a workbook."""
    if "spreadsheetml" in response.get("Content-Type", ""):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.content.decode()


@pytest.fixture
def other_branch(tree, grassroots_officer):
    """Objects of the education branch, by URL keyword; per app where a keyword differs."""
    person = person_create(None, full_name="Lê Thị Hồng", sex="female", unit=tree.school_a)
    spec = parse_plan(SEED_PLAN.read_text(encoding="utf-8"))
    plan_load(None, spec=spec.model_copy(update={"code": "KH-GD"}), unit=tree.education)
    load_reference()
    course = activity_create(
        None,
        data=describe(
            tree.school_a, title="Tập huấn Trường THPT Hoa Lư A", kind="training",
            training_kind="reporters",
        ),
    )  # fmt: skip
    photo = ActivityFile.objects.create(
        activity=course, kind="photo", name="anh.jpg", content_type="image/jpeg", size=1,
        file="activities/anh.jpg",
    )  # fmt: skip
    campaign = campaign_create(
        None, code="GD-2025", name="Tháng cao điểm Trường THPT Hoa Lư A", kind="other",
        unit=tree.education, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 31),
    )  # fmt: skip
    review = review_save(
        None,
        unit=tree.education,
        kind="yearly",
        year=2026,
        data=ReviewInput(achievements="Trường THPT Hoa Lư A làm tốt"),
        version=0,
    )
    drafted = ReviewDocument.objects.create(review=review, state=DocumentState.DONE)
    return {
        **_voice(tree),
        "": {
            "code": "GD-001",
            "person_id": person.pk,
            "account_id": grassroots_officer.pk,
            "activity_id": course.pk,
            "file_id": photo.pk,
        },
        "activities_campaigns": {"code": campaign.code},
        "plans": {"code": "KH-GD"},
        "reports": {"dataset": "BC-NAM-CS", "period": "2025", "code": "GD-001"},
        "reviews": {
            "code": "GD",
            "kind": "yearly",
            "year": 2026,
            "document_id": drafted.pk,
            "fmt": "docx",
            "number": review.revisions.get().number,
        },
    }


def _voice(tree) -> dict[str, dict[str, object]]:
    """A case, a problem, a question and a news item of the education branch."""
    case = case_open(
        None,
        unit=tree.school_a,
        data=CaseInput(
            kind="wages", title="Trường THPT Hoa Lư A chậm lương", workers_affected=3,
            started_on=dt.date(2026, 10, 1),
        ),
    )  # fmt: skip
    problem = problem_report(
        None, unit=tree.school_a, data=ProblemInput(title="Trường THPT Hoa Lư A", text="Khó")
    )
    question = question_services.question_ask(
        data=question_services.QuestionInput(
            unit_code="GD", topic="labour", text="Lê Thị Hồng hỏi về lương"
        ),
        sender=question_services.sender_key("192.0.2.9"),
        limit=False,
    )
    news = news_record(
        None,
        unit=tree.school_a,
        data=NewsInput(
            channel="facebook", title="Trường THPT Hoa Lư A đưa tin", kind="news",
            published_on=dt.date(2026, 10, 1),
        ),
    )  # fmt: skip
    model = ClassifierModel.objects.create(field="sentiment")  # the installation's: staff only
    return {
        "media": {"post_id": news.pk, "model_id": model.pk, **_monitoring(tree)},
        "voice": {"case_id": case.pk},
        "problems": {"problem_id": problem.pk},
        "questions": {"question_id": question.pk},
    }


def _monitoring(tree) -> dict[str, object]:
    """An online item of the education branch, its case and a topic."""
    source = Source.objects.create(unit=tree.school_a, name="Trang Trường THPT Hoa Lư A")
    topic = Topic.objects.create(unit=tree.school_a, name="Trường THPT Hoa Lư A", query="luong")
    found = ingest(source, [Found("Trường THPT Hoa Lư A chậm lương giáo viên ba tháng")])
    case = item_case_open(None, item=found.created[0])
    return {
        "item_id": found.created[0].pk,
        "case_id": case.pk,
        "topic_id": topic.pk,
        "source_id": source.pk,
    }


def _objects(other_branch: dict[str, dict[str, object]], name: str) -> dict[str, object]:
    return other_branch[""] | other_branch.get(name.split(":")[0], {})


@pytest.mark.parametrize(
    "name",
    [n for n, p in _web_patterns() if _keywords(p) and n not in SESSION_BOUND | PUBLIC],
)
def test_outsider_is_refused_every_object_page(name, other_branch, outsider):
    pattern = dict(_web_patterns())[name]
    kwargs = {key: _objects(other_branch, name)[key] for key in _keywords(pattern)}
    client = client_for(outsider)
    url = reverse(name, kwargs=kwargs)
    read, write = client.get(url).status_code, client.post(url, {}).status_code
    # Each method is refused, and the one the view accepts reaches its gate (403).
    assert {read, write} <= {403, 405} and 403 in {read, write}, (url, read, write)


@pytest.mark.parametrize("name", [n for n, p in _web_patterns() if not _keywords(p)])
def test_outsider_lists_show_nothing_of_the_other_branch(name, other_branch, outsider):
    response = client_for(outsider).get(reverse(name), follow=True)
    assert response.status_code in {200, 403, 405}, name
    body = _text(response)
    for text in OTHER_BRANCH_NAMES:
        assert text not in body, f"{name} shows {text}"


def test_outsider_exports_refuse_the_other_branch(other_branch, outsider):
    client = client_for(outsider)
    assert client.get(reverse("orgs_io:export"), {"unit": "GD-001"}).status_code == 403
    assert client.get(reverse("people:export"), {"unit": "GD-001"}).status_code in {200, 403}
