"""The outbox of the embedded mode: the backend keeps messages instead of sending them, and
only administrators and provincial staff read them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.mail import send_mail
from django.test import override_settings
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.core.mail import SentByEmail
from tuyengiao.core.models import OutboxMessage

OUTBOX = override_settings(EMAIL_BACKEND="tuyengiao.core.mail.OutboxBackend")


@OUTBOX
def test_backend_keeps_messages_and_who_sent_them(db, province_officer):
    send_mail("Nhắc nộp báo cáo", "Nội dung thư", None, ["a@example.org", "b@example.org"])
    SentByEmail(
        "Thư thứ hai", "Kính gửi đơn vị", to=["c@example.org"], sent_by_id=province_officer.pk
    ).send()
    assert not mail.outbox  # nothing went through the test backend
    first, second = OutboxMessage.objects.order_by("id")
    assert (first.to, first.subject, first.body) == (
        "a@example.org, b@example.org",
        "Nhắc nộp báo cáo",
        "Nội dung thư",
    )
    assert first.sent_by is None and second.sent_by == province_officer
    assert second.search_key == "c@example.org thu thu hai kinh gui don vi"


@pytest.fixture
def messages(db):
    with OUTBOX:
        for day in range(1, 4):
            with time_machine.travel(dt.datetime(2026, 1, day, 9, tzinfo=dt.UTC), tick=False):
                send_mail(f"Nhắc nộp báo cáo số {day}", f"Đường dẫn {day}", None, ["x@a.vn"])
        send_mail("Thư về Đoàn viên", "Xin chào", None, ["doanvien@a.vn"])


@pytest.mark.parametrize("persona", ["admin_user", "province_officer"])
def test_administrators_and_provincial_staff_read_the_outbox(persona, messages, request):
    response = client_for(request.getfixturevalue(persona)).get(reverse("core:outbox"))
    assert response.status_code == 200
    page = response.content.decode()
    # Newest first; each body is in the page, folded under its subject.
    assert page.index("Thư về Đoàn viên") < page.index("số 3") < page.index("số 1")
    assert "<details>" in page and "Đường dẫn 2" in page


@pytest.mark.parametrize("persona", ["upper_officer", "grassroots_officer", "outsider", "leader"])
def test_other_roles_are_refused(persona, messages, request):
    response = client_for(request.getfixturevalue(persona)).get(reverse("core:outbox"))
    assert response.status_code == 403
    assert "Nhắc nộp" not in response.content.decode()


def test_anonymous_is_sent_to_login(messages, client):
    response = client.get(reverse("core:outbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_without_diacritics_and_pages(messages, admin_user, settings):
    client = client_for(admin_user)
    page = client.get(reverse("core:outbox"), {"q": "doan vien"}).content.decode()
    assert "Thư về Đoàn viên" in page and "Nhắc nộp" not in page
    settings.PAGE_SIZE = 2
    first = client.get(reverse("core:outbox")).content.decode()
    second = client.get(reverse("core:outbox"), {"page": 2}).content.decode()
    assert "số 3" in first and "số 1" not in first
    assert "số 1" in second and "số 3" not in second
