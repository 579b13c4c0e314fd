"""Legal questions, the public side: a worker asks without an account and reads the answer back
with the reference code; robots (honeypot, too fast), floods (per sender and in all), huge texts
and markup are refused or made harmless; the FAQ shows only the published copies, searchable
without diacritics, and never who asked."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.models import UnitKind
from tuyengiao.voice import question_selectors as selectors
from tuyengiao.voice import question_services as services
from tuyengiao.voice.models import Question, QuestionStatus, QuestionTopic
from tuyengiao.voice.question_forms import new_stamp

ASK = reverse("questions:ask")
FAQ = reverse("questions:faq")
TEXT = "Công ty chậm đóng bảo hiểm thất nghiệp cho tôi ba tháng nay, tôi phải làm gì?"
SCRIPT = "<script>alert('x')</script> Lương có được trả chậm không?"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Each test starts with empty rate-limit counters and the default limits."""
    from django.core.cache import cache

    cache.clear()
    settings.QUESTIONS_PER_HOUR = 5
    settings.QUESTIONS_PER_MINUTE = 30
    settings.QUESTION_MIN_FILL_SECONDS = 3
    settings.TRUST_X_FORWARDED_FOR = False
    yield
    cache.clear()


def _form(**changes):
    fields = {
        "topic": QuestionTopic.INSURANCE,
        "unit": "NB",
        "text": TEXT,
        "anonymous": "yes",
        "asker_name": "",
        "contact": "",
        "website": "",
        "stamp": new_stamp(time.time() - 60),
    }
    return fields | changes


def _ask(client: Client | None = None, address: str = "198.51.100.7", **changes):
    return (client or Client()).post(ASK, _form(**changes), REMOTE_ADDR=address)


def _answered(question: Question, *, published: bool = False, **public: str) -> Question:
    services.question_answer(
        None, question=question, answer="Bạn liên hệ công đoàn cơ sở.", version=question.version
    )
    question.refresh_from_db()
    if published:
        services.question_publish(
            None,
            question=question,
            public_question=public.get("public_question", question.text),
            public_answer=public.get("public_answer", question.answer),
            version=question.version,
            confirmed=True,
        )
        question.refresh_from_db()
    return question


def test_a_question_is_stored_with_a_hashed_sender_and_read_back_with_its_code(tree):
    page = Client().get(ASK)
    assert page.status_code == 200
    assert page.context["form"]["unit"].value() == "NB"  # the province by default

    response = _ask()

    question = Question.objects.get()
    code = selectors.reference_code(question.pk)
    assert response.status_code == 302 and response["Location"].endswith(f"/da-gui/{code}/")
    assert question.unit == tree.province and question.status == QuestionStatus.NEW
    assert question.text == TEXT and question.anonymous and not question.contact
    assert len(question.sender_key) == 64 and "198.51.100.7" not in question.sender_key
    sent = Client().get(response["Location"])
    assert code in sent.content.decode()
    own = Client().get(reverse("questions:private", kwargs={"code": code.lower()}))
    assert own.status_code == 200 and TEXT in own.content.decode()
    assert AuditEntry.objects.filter(action="question.ask").count() == 1


def test_reference_codes_are_opaque_and_refuse_tampering():
    codes = {selectors.reference_code(n) for n in range(1, 200)}
    assert len(codes) == 199
    for number in (1, 2, 77, 10**9):
        code = selectors.reference_code(number)
        assert selectors.question_id_from_code(code) == number
        assert selectors.question_id_from_code(code.replace("-", " ").lower()) == number
        tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
        assert selectors.question_id_from_code(tampered) is None
    assert selectors.question_id_from_code("not a code") is None


def test_an_unknown_code_is_not_found(tree):
    assert (
        Client().get(reverse("questions:private", kwargs={"code": "AAAA-AAAA-AAAA"})).status_code
        == 404
    )
    lookup = Client().get(reverse("questions:lookup"), {"code": "AAAA-AAAA-AAAA"})
    assert lookup.status_code == 404
    _ask()
    code = selectors.reference_code(Question.objects.get().pk)
    found = Client().get(reverse("questions:lookup"), {"code": code.replace("-", "")})
    assert found.status_code == 302 and code in found["Location"]


def test_the_sixth_question_in_an_hour_gets_429_nothing_stored_and_another_address_works(tree):
    client = Client()
    for _ in range(5):
        assert _ask(client).status_code == 302
    refused = _ask(client, text="Câu hỏi thứ sáu về nghỉ phép năm")
    assert refused.status_code == 429
    assert "Câu hỏi thứ sáu về nghỉ phép năm" in refused.content.decode()  # what was typed stays
    assert Question.objects.count() == 5
    assert _ask(client, address="203.0.113.9").status_code == 302
    assert Question.objects.count() == 6


def test_the_hourly_limit_holds_on_the_stored_questions_when_the_cache_forgets(tree):
    """In the embedded mode each web process has its own memory cache: the stored questions
    (by sender key) still stop the sixth."""
    from django.core.cache import cache

    for _ in range(5):
        assert _ask().status_code == 302
    cache.clear()  # another process, another cache
    assert _ask().status_code == 429
    assert Question.objects.count() == 5


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(tree, settings):
    settings.QUESTIONS_PER_HOUR = 1
    client = Client()
    assert client.post(ASK, _form(), HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 302
    # Not trusted: a forged header does not make a new sender.
    assert client.post(ASK, _form(), HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429
    settings.TRUST_X_FORWARDED_FOR = True
    assert client.post(ASK, _form(), HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.3").status_code == 302
    keys = set(Question.objects.values_list("sender_key", flat=True))
    assert len(keys) == 2


def test_the_global_cap_per_minute_stops_a_flood_from_many_addresses(tree, settings):
    settings.QUESTIONS_PER_MINUTE = 3
    statuses = [_ask(address=f"203.0.113.{n}").status_code for n in range(1, 6)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Question.objects.count() == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"website": "http://spam.example"},  # the honeypot
        {"stamp": "now"},  # sent as soon as it was shown
        {"stamp": "forged"},
        {"stamp": ""},
    ],
    ids=["honeypot", "too-fast", "forged-stamp", "no-stamp"],
)
def test_robots_are_refused_and_nothing_is_stored(tree, changes):
    if changes.get("stamp") == "now":
        changes = {"stamp": new_stamp()}
    response = _ask(**changes)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert TEXT in response.content.decode()
    assert not Question.objects.exists()


def test_an_expired_form_is_refused_and_shown_again_with_a_fresh_stamp(tree):
    old = new_stamp(time.time() - 2 * 24 * 3600)
    response = _ask(stamp=old)
    assert response.status_code == 400 and not Question.objects.exists()
    assert old not in response.content.decode()


def test_a_hundred_kilobytes_of_text_is_refused_with_a_message_on_the_field(tree):
    response = _ask(text="a" * 100 * 1024)
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not Question.objects.exists()
    assert _ask(text="  \n ").status_code == 400


def test_anonymous_askers_details_are_never_stored(tree):
    _ask(anonymous="yes", asker_name="Nguyễn Văn An", contact="0912345678")
    question = Question.objects.get()
    assert question.anonymous and question.asker_name == "" and question.contact == ""


def test_a_named_asker_must_leave_a_phone_or_an_email(tree):
    assert _ask(anonymous="no", asker_name="Nguyễn Văn An").status_code == 400
    assert _ask(anonymous="no", contact="gọi cho tôi").status_code == 400
    assert not Question.objects.exists()
    assert (
        _ask(anonymous="no", asker_name="Nguyễn Văn An", contact="0912 345 678").status_code == 302
    )
    assert Question.objects.get().contact == "0912 345 678"


def test_only_living_upper_unions_can_be_asked(tree):
    codes = [unit.code for unit in selectors.askable_units()]
    assert codes[0] == "NB" and "GD" in codes and "YK" in codes
    org_services.unit_dissolve(
        None,
        unit=tree.district,
        effective_date=dt.date(2025, 9, 1),
        transfer_to=tree.province,
        reason="Kết thúc hoạt động cấp huyện",
    )
    codes = [unit.code for unit in selectors.askable_units()]
    assert "YK" not in codes and _ask(unit="YK").status_code == 400
    assert "GD-001" not in codes and "VN" not in codes
    assert all(u.kind != UnitKind.GRASSROOTS for u in selectors.askable_units())
    assert _ask(unit="GD-001").status_code == 400
    assert _ask(unit="VN").status_code == 400
    assert not Question.objects.exists()


def test_markup_is_stored_as_text_and_shown_escaped_on_every_page(tree, province_officer):
    response = _ask(text=SCRIPT)
    question = Question.objects.get()
    assert question.text == SCRIPT
    question = _answered(
        question, published=True, public_question=SCRIPT, public_answer=f"Trả lời {SCRIPT}"
    )
    code = selectors.reference_code(question.pk)
    officer = client_for(province_officer)
    pages = [
        Client().get(response["Location"]),
        Client().get(reverse("questions:private", kwargs={"code": code})),
        Client().get(FAQ),
        Client().get(FAQ, {"q": "luong"}),
        Client().get(reverse("questions:public", kwargs={"question_id": question.pk})),
        officer.get(reverse("questions:inbox")),
        officer.get(reverse("questions:manage", kwargs={"question_id": question.pk})),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html


def test_public_pages_never_show_who_asked(tree):
    _ask(anonymous="no", asker_name="Trần Thị Bình", contact="binh.tran@example.org")
    named = Question.objects.get()
    _answered(
        named,
        published=True,
        public_question="Công ty chậm đóng bảo hiểm thất nghiệp, người lao động phải làm gì?",
    )
    code = selectors.reference_code(named.pk)
    pages = [
        Client().get(FAQ),
        Client().get(FAQ, {"q": "bao hiem"}),
        Client().get(reverse("questions:public", kwargs={"question_id": named.pk})),
        Client().get(reverse("questions:private", kwargs={"code": code})),
        Client().get(reverse("questions:sent", kwargs={"code": code})),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "binh.tran@example.org" not in html and "Trần Thị Bình" not in html


def test_faq_search_needs_no_diacritics_and_reads_only_published_copies(tree):
    _ask(text="Tôi là Lê Văn Cường, hỏi về bảo hiểm thất nghiệp khi nghỉ việc.")
    _ask(text="Hỏi về nghỉ phép năm", topic=QuestionTopic.LABOUR)
    _ask(text="Câu hỏi chưa trả lời về bảo hiểm thất nghiệp")
    first, second, waiting = Question.objects.order_by("id")
    _answered(
        first,
        published=True,
        public_question="Khi nghỉ việc có được hưởng bảo hiểm thất nghiệp không?",
    )
    _answered(second, published=True)
    results = Client().get(FAQ, {"q": "bao hiem that nghiep"}).context["page_obj"]
    assert [q.pk for q in results] == [first.pk]
    assert not list(Client().get(FAQ, {"q": "Cuong"}).context["page_obj"])  # edited out
    labour = Client().get(FAQ, {"topic": QuestionTopic.LABOUR}).context["page_obj"]
    assert [q.pk for q in labour] == [second.pk]
    assert Client().get(reverse("questions:public", args=[waiting.pk])).status_code == 404
    assert Client().get(reverse("questions:public", args=[first.pk])).status_code == 200


def test_the_faq_is_paginated(tree, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        _ask(text=f"Câu hỏi số {n}", address=f"203.0.113.{n}")
    for question in Question.objects.all():
        _answered(question, published=True)
    first = Client().get(FAQ).context["page_obj"]
    assert len(first) == 2 and first.paginator.count == 3
    assert len(Client().get(FAQ, {"page": 2}).context["page_obj"]) == 1
