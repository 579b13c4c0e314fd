"""Review pages: writing and saving with errors next to the fields, submitting, returning and
approving, the documents drafted in the background and downloaded (audited), the overview of
the units under a unit, and every refusal (403 outside scope, 404 for what does not exist)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from tests.conftest import _user, client_for
from tuyengiao.accounts.models import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.reviews.models import DocumentState, Review, ReviewDocument, ReviewStatus
from tuyengiao.reviews.services import ReviewInput, review_save


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def leader(tree):
    return _user("chutich", Role.LEADER, tree.province)


def _url(code="GD", kind="yearly", year=2026, action=""):
    name = f"reviews:{action}" if action else "reviews:review"
    return reverse(name, args=[code, kind, year])


def _post(version=0, **changes):
    data = {
        "number": "12/BC-CĐN",
        "place": "Ninh Bình",
        "issued_on": "05/12/2026",
        "signer_title": "TM. Ban Thường vụ",
        "signer_position": "Chủ tịch",
        "signer_name": "Trần Thị Bình",
        "recipients": "LĐLĐ tỉnh;\nCác CĐCS trực thuộc;",
        "achievements": "Bám sát kế hoạch của LĐLĐ tỉnh.",
        "shortcomings": "",
        "causes": "",
        "lessons": "",
        "tasks_ahead": "Tiếp tục đổi mới hình thức tuyên truyền.",
        "version": version,
    }
    return data | changes


def test_the_review_is_written_and_saved_from_its_page(tree, plan, upper_officer):
    client = client_for(upper_officer)
    page = client.get(_url())
    assert page.status_code == 200
    assert "Sơ kết năm 2026" in page.content.decode()
    saved = client.post(_url(), _post())
    assert saved.status_code == 302 and saved["Location"] == _url()
    review = Review.objects.get()
    assert (review.unit, review.issued_on, review.status) == (
        tree.education,
        dt.date(2026, 12, 5),
        ReviewStatus.DRAFT,
    )
    shown = client.get(_url()).content.decode()
    assert "Bám sát kế hoạch của LĐLĐ tỉnh." in shown and 'value="05/12/2026"' in shown


def test_mistakes_and_a_colleagues_save_are_shown_and_nothing_is_lost(tree, plan, upper_officer):
    client = client_for(upper_officer)
    client.post(_url(), _post())
    bad = client.post(_url(), _post(version=1, issued_on="31/02/2026", causes="x" * 20_001))
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"issued_on"}
    too_long = client.post(_url(), _post(version=1, causes="x" * 20_001))
    assert "khoảng mười trang" in too_long.context["form"].errors["causes"][0]
    stale = client.post(_url(), _post(version=0, achievements="Bản cũ"))
    assert "Người khác đã sửa" in stale.content.decode()
    # What was typed stays in the form.
    assert "Bản cũ" in stale.content.decode()
    assert Review.objects.get().achievements == "Bám sát kế hoạch của LĐLĐ tỉnh."


def test_submit_return_approve_and_the_approved_documents(
    tree, plan, upper_officer, leader, media, django_capture_on_commit_callbacks
):
    writer, approver = client_for(upper_officer), client_for(leader)
    writer.post(_url(), _post())
    writer.post(_url(action="submit"), {"version": 1})
    assert Review.objects.get().status == ReviewStatus.SUBMITTED
    page = writer.get(_url()).content.decode()
    assert 'name="achievements"' not in page  # read-only once submitted
    assert "Bám sát kế hoạch" in page
    returned = approver.post(_url(action="return"), {"version": 2, "reason": ""}, follow=True)
    assert "Hãy ghi rõ cần sửa gì." in returned.content.decode()
    approver.post(_url(action="return"), {"version": 2, "reason": "Bổ sung số liệu"})
    assert Review.objects.get().status == ReviewStatus.DRAFT
    writer.post(_url(), _post(version=3, causes="Thiếu cán bộ chuyên trách."))
    writer.post(_url(action="submit"), {"version": 4})
    with django_capture_on_commit_callbacks(execute=True):
        approver.post(_url(action="approve"), {"version": 5})
    review = Review.objects.get()
    assert (review.status, review.approved_by) == (ReviewStatus.APPROVED, leader)
    document = ReviewDocument.objects.get()
    assert (document.approved, document.state, document.progress) == (True, "done", 100)
    report = approver.get(reverse("reviews:download", args=[document.pk, "docx"]))
    text = "\n".join(
        p.text for p in Document(io.BytesIO(b"".join(report.streaming_content))).paragraphs
    )
    assert "Thiếu cán bộ chuyên trách." in text
    entry = AuditEntry.objects.get(action="review.download")
    assert entry.actor == leader and entry.after["format"] == "docx"


def test_documents_are_drafted_in_the_background_with_their_progress(
    tree, plan, upper_officer, media, django_capture_on_commit_callbacks
):
    client = client_for(upper_officer)
    client.post(_url(), _post())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(action="documents"))
    assert response.status_code == 302
    document = ReviewDocument.objects.get()
    assert document.state == DocumentState.DONE and document.docx.name.endswith(".docx")
    fragment = client.get(reverse("reviews:document", args=[document.pk])).content.decode()
    assert "hx-get" not in fragment  # done: the page stops asking
    assert "Báo cáo (.docx)" in fragment
    appendix = client.get(reverse("reviews:download", args=[document.pk, "xlsx"]))
    assert appendix["Content-Disposition"].endswith('yearly-2026-GD.xlsx"')


def test_a_drafting_under_way_shows_its_progress_and_asks_again(tree, plan, upper_officer):
    client = client_for(upper_officer)
    client.post(_url(), _post())
    review = Review.objects.get()
    running = ReviewDocument.objects.create(
        review=review, state=DocumentState.RUNNING, progress=40, step="Nhiệm vụ TASK-3"
    )
    fragment = client.get(reverse("reviews:document", args=[running.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment
    assert "Nhiệm vụ TASK-3" in fragment
    assert client.get(reverse("reviews:download", args=[running.pk, "docx"])).status_code == 404


def test_the_overview_shows_which_units_under_it_have_reviews(
    tree, plan, province_officer, upper_officer
):
    review_save(
        upper_officer,
        unit=tree.education,
        kind="yearly",
        year=2026,
        data=ReviewInput(achievements="Ngành Giáo dục"),
        version=0,
    )
    response = client_for(province_officer).get(
        reverse("reviews:overview"), {"unit": "NB", "kind": "yearly", "year": 2026}
    )
    data = response.context["data"]
    assert [(c.unit.code, c.review is not None) for c in data.children] == [
        ("GD", True),
        ("YK", False),
    ]
    assert (data.drafts, data.missing) == (1, 1)
    assert _url() in response.content.decode()
    found = client_for(province_officer).get(
        reverse("reviews:overview"), {"unit": "NB", "year": 2026, "q": "yen khanh"}
    )
    assert [c.unit.code for c in found.context["page_obj"]] == ["YK"]


def test_outsiders_are_refused_and_unknowns_not_found(
    tree, plan, upper_officer, outsider, grassroots_officer, media
):
    client_for(upper_officer).post(_url(), _post())
    review = Review.objects.get()
    document = ReviewDocument.objects.create(review=review, state=DocumentState.DONE)
    other = client_for(outsider)
    assert other.get(_url()).status_code == 403
    assert other.post(_url(), _post(version=1)).status_code == 403
    assert other.post(_url(action="submit"), {"version": 1}).status_code == 403
    assert other.get(reverse("reviews:document", args=[document.pk])).status_code == 403
    assert other.get(reverse("reviews:download", args=[document.pk, "docx"])).status_code == 403
    # A grassroots officer reads the review of the level above? No: it is outside their scope.
    assert client_for(grassroots_officer).get(_url()).status_code == 403
    # Writing needs an upper-level role: the grassroots officer's own unit is refused too.
    refused = client_for(grassroots_officer).post(_url(code="GD-001"), _post())
    assert refused.status_code == 403
    client = client_for(upper_officer)
    assert client.get(_url(code="XX")).status_code == 404
    assert client.get(_url(kind="weekly")).status_code == 404
    assert client.get(reverse("reviews:document", args=[999])).status_code == 404
    assert Review.objects.get().version == 1


def test_a_year_the_plan_does_not_allow_says_why(tree, plan, upper_officer):
    response = client_for(upper_officer).get(_url(kind="final", year=2026))
    assert response.status_code == 400
    assert "Tổng kết là của năm cuối kế hoạch, 2028." in response.content.decode()


def test_a_failed_drafting_is_recorded_and_shown(tree, plan, upper_officer, media, monkeypatch):
    from tuyengiao.reviews import services as review_services

    client = client_for(upper_officer)
    client.post(_url(), _post())
    review = Review.objects.get()
    queued = ReviewDocument.objects.create(review=review, state=DocumentState.QUEUED)

    def broken(*args, **kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(review_services, "draft_documents", broken)
    with pytest.raises(RuntimeError):
        review_services.document_make(queued.pk)
    queued.refresh_from_db()
    assert (queued.state, queued.error) == (DocumentState.FAILED, "ổ đĩa đầy")
    assert queued.finished_at is not None and not queued.docx
    fragment = client.get(reverse("reviews:document", args=[queued.pk])).content.decode()
    assert "hx-get" not in fragment and "không thành công" in fragment
