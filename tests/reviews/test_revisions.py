"""Old revisions of a review's narrative: listed on the review page (who, when, paginated),
read on their own page with the parts changed since marked, and restored as a new revision
through review_save (locking, audit, refusal once submitted); outsiders get 403 everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.reviews.models import Review, ReviewRevision
from tuyengiao.reviews.services import ReviewInput, review_restore, review_save, review_submit


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 5, tzinfo=dt.UTC), tick=False):
        yield


def _save(actor, unit, version, **text):
    data = ReviewInput(number="12/BC-CĐN", **text)
    return review_save(actor, unit=unit, kind="yearly", year=2026, data=data, version=version)


@pytest.fixture
def review(tree, plan, upper_officer):
    """Two revisions: the first with strengths only, the second with causes added and the
    strengths rewritten."""
    _save(upper_officer, tree.education, 0, achievements="Bản đầu tiên")
    return _save(
        upper_officer,
        tree.education,
        1,
        achievements="Bản thứ hai",
        causes="Thiếu cán bộ chuyên trách.",
    )


def _url(name="review", *args):
    return reverse(f"reviews:{name}", args=["GD", "yearly", 2026, *args])


def test_the_review_page_lists_who_saved_each_revision_and_when(review, upper_officer):
    upper_officer.first_name = "Trần Thị Bình"
    upper_officer.save()
    html = client_for(upper_officer).get(_url()).content.decode()
    assert "Phiên bản 2" in html and "Phiên bản 1" in html
    assert html.index("Phiên bản 2") < html.index("Phiên bản 1")  # newest first
    assert "Trần Thị Bình" in html
    assert "20/11/2026 16:05" in html  # local time, dd/mm/yyyy HH:MM
    assert _url("revision", 1) in html


def test_a_revision_is_read_with_the_parts_changed_since_marked(review, upper_officer):
    response = client_for(upper_officer).get(_url("revision", 1))
    assert response.status_code == 200
    parts = {part.name: part for part in response.context["data"].parts}
    assert parts["achievements"].text == "Bản đầu tiên" and parts["achievements"].changed
    assert parts["causes"].text == "" and parts["causes"].changed
    assert not parts["lessons"].changed
    html = response.content.decode()
    assert "Bản đầu tiên" in html and html.count("tag change") == 2
    assert "Khôi phục phiên bản này" in html
    latest = client_for(upper_officer).get(_url("revision", 2)).content.decode()
    assert "Khôi phục phiên bản này" not in latest  # it is the text as it is now
    assert client_for(upper_officer).get(_url("revision", 9)).status_code == 404


def test_restoring_saves_the_old_text_as_a_new_revision(review, upper_officer):
    client = client_for(upper_officer)
    response = client.post(_url("restore", 1), {"version": review.version})
    assert response.status_code == 302 and response["Location"] == _url()
    restored = Review.objects.get()
    assert (restored.achievements, restored.causes) == ("Bản đầu tiên", "")
    assert restored.number == "12/BC-CĐN" and restored.version == review.version + 1
    newest = ReviewRevision.objects.order_by("-number").first()
    assert newest is not None and newest.number == 3
    assert (newest.narrative["achievements"], newest.saved_by) == ("Bản đầu tiên", upper_officer)
    entry = AuditEntry.objects.filter(action="review.save").latest("id")
    assert entry.reason == "Khôi phục phiên bản 1"
    assert entry.before["achievements"] == "Bản thứ hai"
    # The text restored over is kept too: it can be brought back in turn.
    client.post(_url("restore", 2), {"version": restored.version})
    assert Review.objects.get().achievements == "Bản thứ hai"


def test_restoring_over_a_colleagues_save_is_refused(review, upper_officer, tree):
    _save(upper_officer, tree.education, review.version, achievements="Của đồng nghiệp")
    response = client_for(upper_officer).post(
        _url("restore", 1), {"version": review.version}, follow=True
    )
    assert "Người khác đã sửa" in response.content.decode()
    assert Review.objects.get().achievements == "Của đồng nghiệp"


def test_a_submitted_review_is_not_restored(review, upper_officer):
    submitted = review_submit(upper_officer, review=review, version=review.version)
    with pytest.raises(ValidationError, match="đã được trình"):
        review_restore(upper_officer, review=submitted, number=1, version=submitted.version)
    page = client_for(upper_officer).get(_url("revision", 1)).content.decode()
    assert "Khôi phục phiên bản này" not in page
    response = client_for(upper_officer).post(
        _url("restore", 1), {"version": submitted.version}, follow=True
    )
    assert "đã được trình" in response.content.decode()
    assert Review.objects.get().achievements == "Bản thứ hai"
    assert ReviewRevision.objects.count() == 2


def test_outsiders_get_403_on_the_revision_and_its_restore(review, outsider, leader):
    other = client_for(outsider)
    assert other.get(_url("revision", 1)).status_code == 403
    assert other.post(_url("restore", 1), {"version": review.version}).status_code == 403
    # A leader over the unit reads the revisions but does not write the review.
    reader = client_for(leader)
    page = reader.get(_url("revision", 1))
    assert page.status_code == 200 and "Khôi phục phiên bản này" not in page.content.decode()
    assert reader.post(_url("restore", 1), {"version": review.version}).status_code == 403
    with pytest.raises(PermissionDenied):
        review_restore(outsider, review=review, number=1, version=review.version)
    assert Review.objects.get().achievements == "Bản thứ hai"
    assert ReviewRevision.objects.count() == 2
    assert AuditEntry.objects.filter(action="review.save").count() == 2


def test_a_long_list_of_revisions_is_paginated(review, upper_officer):
    ReviewRevision.objects.bulk_create(
        ReviewRevision(review=review, number=n, narrative={}, saved_by=upper_officer)
        for n in range(3, 26)
    )
    client = client_for(upper_officer)
    first = client.get(_url())
    assert [r.number for r in first.context["revisions"]] == list(range(25, 5, -1))
    assert "Trang 1 / 2" in first.content.decode()
    second = client.get(_url(), {"page": 2})
    assert [r.number for r in second.context["revisions"]] == [5, 4, 3, 2, 1]
