"""Legal questions, the officers' side: the inbox of the unions in scope (waiting first, oldest
first, filters), answering with optimistic locking, spam, publishing an edited copy (only once
answered, personal details flagged), each view of an asker's contact logged, the time taken to
answer per union; someone outside the scope is refused and nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.voice import question_selectors as selectors
from tuyengiao.voice import question_services as services
from tuyengiao.voice.models import Question, QuestionStatus, QuestionTopic

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _ask(unit: str = "GD", text: str = "Giáo viên hợp đồng có được đóng bảo hiểm không?", **more):
    data = services.QuestionInput(
        unit_code=unit, topic=more.pop("topic", QuestionTopic.INSURANCE), text=text, **more
    )
    return services.question_ask(data=data, sender=services.sender_key("192.0.2.1"), limit=False)


@pytest.fixture
def question(tree):
    return _ask(anonymous=False, asker_name="Phạm Thị Dung", contact="0987 654 321")


def _post(client: Client, name: str, question: Question, **data):
    url = reverse(f"questions:{name}", kwargs={"question_id": question.pk})
    return client.post(url, {"version": question.version, **data})


def test_the_inbox_lists_the_unions_in_scope_waiting_and_oldest_first(
    tree, upper_officer, outsider, province_officer
):
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, tzinfo=HCM)):
        older = _ask(text="Câu hỏi cũ")
    with time_machine.travel(dt.datetime(2026, 3, 5, 8, tzinfo=HCM)):
        newer = _ask(text="Câu hỏi mới")
        answered = _ask(text="Đã trả lời")
        services.question_answer(None, question=answered, answer="Trả lời", version=1)
        elsewhere = _ask(unit="YK", text="Hỏi ở Yên Khánh")
    url = reverse("questions:inbox")
    mine = client_for(upper_officer).get(url)
    assert mine.status_code == 200
    assert [q.pk for q in mine.context["page_obj"]] == [older.pk, newer.pk, answered.pk]
    theirs = client_for(outsider).get(url).context["page_obj"]
    assert [q.pk for q in theirs] == [elsewhere.pk]
    province = client_for(province_officer)
    assert len(province.get(url).context["page_obj"]) == 4
    assert [q.pk for q in province.get(url, {"unit": "YK"}).context["page_obj"]] == [elsewhere.pk]
    assert [q.pk for q in province.get(url, {"status": "answered"}).context["page_obj"]] == [
        answered.pk
    ]
    assert [q.pk for q in province.get(url, {"q": "cau hoi cu"}).context["page_obj"]] == [older.pk]
    assert not list(province.get(url, {"topic": QuestionTopic.UNION}).context["page_obj"])


def test_the_inbox_needs_an_account(tree):
    response = Client().get(reverse("questions:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsiders_get_403_on_the_page_and_every_action_and_nothing_changes(
    question, outsider, upper_officer
):
    services.question_answer(upper_officer, question=question, answer="Có.", version=1)
    question.refresh_from_db()
    client = client_for(outsider)
    page = client.get(reverse("questions:manage", kwargs={"question_id": question.pk}))
    assert page.status_code == 403
    assert "0987 654 321" not in page.content.decode()
    actions = {
        "answer": {"answer": "Không"},
        "publish": {"public_question": "Hỏi", "public_answer": "Đáp"},
        "unpublish": {},
        "spam": {},
        "restore": {},
    }
    for name, data in actions.items():
        assert _post(client, name, question, **data).status_code == 403, name
    stored = Question.objects.get()
    assert (stored.version, stored.answer, stored.published) == (2, "Có.", False)
    assert not AuditEntry.objects.filter(actor=outsider).exists()
    with pytest.raises(PermissionDenied):
        services.question_answer(outsider, question=question, answer="Không", version=2)


def test_a_read_only_leader_reads_but_cannot_answer(question, leader):
    client = client_for(leader)
    page = client.get(reverse("questions:manage", kwargs={"question_id": question.pk}))
    assert page.status_code == 200 and not page.context["can_answer"]
    assert _post(client, "answer", question, answer="Có").status_code == 403
    assert Question.objects.get().status == QuestionStatus.NEW


def test_an_unknown_question_is_not_found(tree, province_officer):
    url = reverse("questions:manage", kwargs={"question_id": 999})
    assert client_for(province_officer).get(url).status_code == 404


def test_answering_records_who_and_when_and_a_stale_version_is_refused(question, upper_officer):
    client = client_for(upper_officer)
    done = _post(client, "answer", question, answer="Giáo viên hợp đồng được đóng bảo hiểm.")
    assert done.status_code == 302
    stored = Question.objects.get()
    assert stored.status == QuestionStatus.ANSWERED and stored.answered_by == upper_officer
    first_answer = stored.answered_at
    # Someone else loaded version 1 and answers too: told, nothing overwritten.
    stale = _post(client, "answer", question, answer="Câu trả lời khác")
    assert stale.status_code == 400 and stale.context["answer_form"].errors
    assert "Câu trả lời khác" in stale.content.decode()  # what they typed is kept
    stored.refresh_from_db()
    assert stored.answer == "Giáo viên hợp đồng được đóng bảo hiểm." and stored.version == 2
    # A correction keeps the time of the first answer.
    services.question_answer(upper_officer, question=stored, answer="Sửa lại", version=2)
    stored.refresh_from_db()
    assert stored.answered_at == first_answer and stored.answer == "Sửa lại"
    assert AuditEntry.objects.filter(action="question.answer").count() == 2


def test_publishing_needs_an_answer_and_both_public_texts(question, upper_officer):
    client = client_for(upper_officer)
    data = {"public_question": "Giáo viên hợp đồng có được đóng bảo hiểm?", "public_answer": "Có."}
    refused = _post(client, "publish", question, **data)
    assert refused.status_code == 400 and not Question.objects.get().published
    with pytest.raises(ValidationError):
        services.question_publish(
            upper_officer, question=question, public_question="Hỏi", public_answer="Đáp", version=1
        )
    services.question_answer(upper_officer, question=question, answer="Có.", version=1)
    question.refresh_from_db()
    empty = _post(client, "publish", question, public_question=" ", public_answer="")
    assert empty.status_code == 400
    assert set(empty.context["publish_form"].errors) >= {"public_question", "public_answer"}
    with pytest.raises(ValidationError) as blank:
        services.question_publish(
            upper_officer, question=question, public_question=" ", public_answer=" ", version=2
        )
    assert set(blank.value.message_dict) == {"public_question", "public_answer"}
    assert _post(client, "publish", question, **data).status_code == 302
    stored = Question.objects.get()
    assert stored.published and stored.public_question == data["public_question"]
    assert stored.search_key == "giao vien hop dong co duoc dong bao hiem? co."


def test_personal_details_in_the_public_texts_are_flagged_and_need_confirmation(
    question, upper_officer
):
    services.question_answer(upper_officer, question=question, answer="Gọi 0987.654.321", version=1)
    question.refresh_from_db()
    client = client_for(upper_officer)
    page = client.get(reverse("questions:manage", kwargs={"question_id": question.pk}))
    assert "0987.654.321" in page.context["findings"]
    texts = {
        "public_question": "Tôi là Phạm Thị Dung, email dung.pham@example.org, hỏi về bảo hiểm",
        "public_answer": "Liên hệ +84 912 345 678.",
    }
    refused = _post(client, "publish", question, **texts)
    assert refused.status_code == 400 and not Question.objects.get().published
    findings = refused.context["findings"]
    assert {"Phạm Thị Dung", "dung.pham@example.org", "+84 912 345 678"} <= set(findings)
    assert _post(client, "publish", question, **texts, confirm="on").status_code == 302
    assert Question.objects.get().published


def test_personal_details_finder():
    found = services.personal_details(
        "Em tên là Nguyễn Văn Tùng, sđt 0912345678 hoặc 024 3826 1234. Công ty TNHH ABC.",
        asker_name="nguyễn văn tùng",
    )
    assert found == ["0912345678", "024 3826 1234", "Nguyễn Văn Tùng", "nguyễn văn tùng"]
    assert services.personal_details("Lương tháng 12/2025 được trả 7.500.000 đồng") == []


def test_each_view_of_an_askers_contact_is_logged_and_anonymous_ones_are_not(
    question, province_officer
):
    client = client_for(province_officer)
    url = reverse("questions:manage", kwargs={"question_id": question.pk})
    for _ in range(2):
        assert "0987 654 321" in client.get(url).content.decode()
    views = AuditEntry.objects.filter(action="question.contact_view", object_id=str(question.pk))
    assert views.count() == 2 and {v.actor for v in views} == {province_officer}
    anonymous = _ask(text="Hỏi ẩn danh")
    client.get(reverse("questions:manage", kwargs={"question_id": anonymous.pk}))
    assert views.count() == 2
    assert not AuditEntry.objects.filter(object_id=str(anonymous.pk), action__endswith="view")


def test_spam_is_set_aside_and_restored_but_a_published_question_is_not_spam(
    question, upper_officer
):
    client = client_for(upper_officer)
    assert _post(client, "spam", question).status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.SPAM
    assert _post(client, "restore", question).status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    services.question_answer(upper_officer, question=question, answer="Có", version=3)
    question.refresh_from_db()
    services.question_publish(
        upper_officer, question=question, public_question="Hỏi", public_answer="Có", version=4
    )
    question.refresh_from_db()
    assert _post(client, "spam", question).status_code == 400
    assert _post(client, "unpublish", question).status_code == 302
    question.refresh_from_db()
    assert not question.published and question.status == QuestionStatus.ANSWERED
    assert Client().get(reverse("questions:public", args=[question.pk])).status_code == 404


def _dated(unit: str, asked: dt.datetime, hours: float | None = None, spam: bool = False):
    question = _ask(unit=unit)
    answered = None
    if hours is not None:
        services.question_answer(None, question=question, answer="Trả lời", version=1)
        answered = asked + dt.timedelta(hours=hours)
    if spam:
        services.question_mark_spam(None, question=question, version=question.version)
    Question.objects.filter(pk=question.pk).update(asked_at=asked, answered_at=answered)


def test_time_to_answer_per_union(tree, province_officer, upper_officer):
    start = dt.datetime(2026, 5, 4, 8, tzinfo=HCM)
    _dated("GD", start, hours=2)
    _dated("GD", start, hours=10)
    _dated("GD", start, hours=30)
    _dated("GD", start + dt.timedelta(days=3))  # waiting
    _dated("GD", start, spam=True)  # not counted
    _dated("YK", start, hours=5)
    _dated("YK", start, hours=7)
    _dated("YK", start + dt.timedelta(days=1))
    _dated("YK", start + dt.timedelta(days=2))
    with time_machine.travel(dt.datetime(2026, 5, 10, 8, tzinfo=HCM), tick=False):
        rows = selectors.answer_times(province_officer)
        page = client_for(province_officer).get(reverse("questions:inbox"))
    figures = {
        (r.unit.code if r.unit else "total"): (r.asked, r.answered, r.median_hours, r.waiting)
        for r in rows
    }
    assert figures == {
        "YK": (4, 2, Decimal("6.0"), 2),
        "GD": (4, 3, Decimal("10.0"), 1),
        "total": (8, 5, Decimal("7.0"), 3),
    }
    assert [r.unit.code if r.unit else None for r in rows] == ["YK", "GD", None]  # oldest first
    assert rows[0].oldest_waiting == start + dt.timedelta(days=1)
    assert rows[2].oldest_waiting == start + dt.timedelta(days=1)
    assert page.context["times"] == rows
    assert 'id="answer-times"' in page.content.decode()
    only_mine = selectors.answer_times(upper_officer)
    assert [(r.unit.code if r.unit else None, r.asked) for r in only_mine] == [("GD", 4)]


def test_the_inbox_query_count_does_not_grow_with_questions(
    tree, province_officer, django_assert_max_num_queries
):
    for n in range(30):
        _ask(text=f"Câu hỏi {n}", unit="GD" if n % 2 else "YK")
    client = client_for(province_officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("questions:inbox")).status_code == 200
