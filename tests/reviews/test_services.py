"""Writing a review: saves kept as revisions, a colleague's save never overwritten, pasted text
made plain, too much text refused by part, the review read-only once submitted, and who may
write, submit, return and approve it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import _user
from tuyengiao.accounts.models import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.reviews.models import NARRATIVE_LIMIT, Review, ReviewRevision, ReviewStatus
from tuyengiao.reviews.services import (
    ReviewInput,
    review_approve,
    review_return,
    review_save,
    review_submit,
)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def leader(tree):
    return _user("chutich", Role.LEADER, tree.province)


def _save(actor, unit, version=0, **text):
    data = ReviewInput(**text)
    return review_save(actor, unit=unit, kind="yearly", year=2026, data=data, version=version)


def test_each_save_of_the_narrative_is_kept_as_a_revision(tree, plan, province_officer):
    review = _save(province_officer, tree.province, achievements="Bản thứ nhất")
    assert (review.version, review.plan, review.created_by) == (1, plan, province_officer)
    review = _save(province_officer, tree.province, 1, achievements="Bản thứ hai", number="1/BC")
    review = _save(province_officer, tree.province, 2, achievements="Bản thứ hai", number="2/BC")
    revisions = list(ReviewRevision.objects.order_by("number").values_list("number", "narrative"))
    assert [n for n, _text in revisions] == [1, 2]  # the third save changed no narrative
    assert revisions[0][1]["achievements"] == "Bản thứ nhất"
    assert Review.objects.get().number == "2/BC"
    assert AuditEntry.objects.filter(action="review.save").count() == 3


def test_a_colleagues_save_is_never_overwritten(tree, plan, province_officer, upper_officer):
    _save(province_officer, tree.province, achievements="Của chị Lan")
    with pytest.raises(ValidationError, match="Người khác đã sửa"):
        _save(province_officer, tree.province, 0, achievements="Của anh Minh")
    assert Review.objects.get().achievements == "Của chị Lan"


def test_pasted_text_is_made_plain_and_too_much_is_refused(tree, plan, province_officer):
    pasted = "Đoạn\u00a0một\t\tcó  tab\r\n\r\n\r\n\u200b• Gạch đầu dòng\u2028tiếp\x07"
    review = _save(province_officer, tree.province, achievements=pasted)
    assert review.achievements == "Đoạn một có tab\n\n• Gạch đầu dòng\ntiếp"
    with pytest.raises(ValidationError) as refused:
        _save(province_officer, tree.province, 1, lessons="x" * (NARRATIVE_LIMIT + 1))
    assert list(refused.value.message_dict) == ["lessons"]
    assert "20000" in refused.value.message_dict["lessons"][0].replace(".", "")
    assert Review.objects.get().lessons == ""


def test_a_submitted_review_is_read_only_until_returned(tree, plan, province_officer, leader):
    review = _save(province_officer, tree.province, achievements="Đủ nội dung")
    review = review_submit(province_officer, review=review, version=review.version)
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    with pytest.raises(ValidationError, match="đã được trình"):
        _save(province_officer, tree.province, review.version, achievements="Sửa sau khi trình")
    with pytest.raises(ValidationError) as no_reason:
        review_return(leader, review=review, version=review.version, reason="  ")
    assert list(no_reason.value.message_dict) == ["reason"]
    review = review_return(leader, review=review, version=review.version, reason="Bổ sung số")
    assert review.status == ReviewStatus.DRAFT
    assert AuditEntry.objects.get(action="review.draft").reason == "Bổ sung số"
    review = _save(province_officer, tree.province, review.version, achievements="Đã bổ sung")
    review = review_submit(province_officer, review=review, version=review.version)
    review = review_approve(leader, review=review, version=review.version)
    assert (review.status, review.approved_by) == (ReviewStatus.APPROVED, leader)


@pytest.mark.parametrize("persona", ["outsider", "grassroots_officer", "leader"])
def test_only_the_units_staff_and_levels_above_write_it(tree, plan, persona, request):
    with pytest.raises(PermissionDenied):
        _save(request.getfixturevalue(persona), tree.education, achievements="Không được")
    assert not Review.objects.exists()


def test_only_a_leader_over_the_unit_approves(tree, plan, upper_officer, province_officer):
    review = _save(upper_officer, tree.education, achievements="Ngành Giáo dục")
    review = review_submit(upper_officer, review=review, version=review.version)
    for refused in (upper_officer, province_officer, _user("ldyk", Role.LEADER, tree.district)):
        with pytest.raises(PermissionDenied):
            review_approve(refused, review=review, version=review.version)
    approved = review_approve(
        _user("ldtinh", Role.LEADER, tree.province), review=review, version=review.version
    )
    assert approved.status == ReviewStatus.APPROVED
