"""Writes of reviews: saving what people write (each save kept as a revision, optimistic
locking against a colleague's save), submitting for approval, returning with a reason, and
approving. Figures are never written here: a review's figures are drafted from the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean, clean_block
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reviews.drafting import draft_documents
from tuyengiao.reviews.models import (
    NARRATIVE_LIMIT,
    NARRATIVE_PARTS,
    DocumentState,
    Review,
    ReviewDocument,
    ReviewRevision,
    ReviewStatus,
)
from tuyengiao.reviews.selectors import can_approve, can_write, review_or_blank, system_reader

PARTICULARS = (
    "number",
    "place",
    "issued_on",
    "signer_title",
    "signer_position",
    "signer_name",
    "recipients",
)


@dataclass
class ReviewInput:
    """What people write in a review: the document's particulars and the narrative parts."""

    number: str = ""
    place: str = ""
    issued_on: dt.date | None = None
    signer_title: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: str = ""
    achievements: str = ""
    shortcomings: str = ""
    causes: str = ""
    lessons: str = ""
    tasks_ahead: str = ""


def _cleaned(data: ReviewInput) -> ReviewInput:
    """Pasted text made plain (paragraphs kept), short fields on one line, and each narrative
    part within its limit."""
    errors: dict[str, list[str]] = {}
    values = {}
    for item in fields(data):
        value = getattr(data, item.name)
        if item.name in NARRATIVE_PARTS or item.name == "recipients":
            value = clean_block(value)
        elif isinstance(value, str):
            value = clean(value)
        if item.name in NARRATIVE_PARTS and len(value) > NARRATIVE_LIMIT:
            message = _(
                "This part has %(length)s characters; keep it under %(limit)s (about ten pages): "
                "the rest belongs in an annex."
            )
            errors[item.name] = [message % {"length": len(value), "limit": NARRATIVE_LIMIT}]
        values[item.name] = value
    if errors:
        raise ValidationError(errors)
    return ReviewInput(**values)


def _narrative(review: Review) -> dict[str, str]:
    return {part: getattr(review, part) for part in NARRATIVE_PARTS}


def _require_draft(review: Review) -> None:
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError(
            _("This review has been submitted: it can be changed once it is returned.")
        )


@transaction.atomic
def review_save(
    actor: User | None,
    *,
    unit: OrgUnit,
    kind: str,
    year: int,
    data: ReviewInput,
    version: int,
    reason: str = "",
) -> Review:
    """Save the review as written (`version`: the one the writer loaded, 0 for a new one). A
    changed narrative is kept as a new revision; a submitted or approved review is read-only.
    `reason` goes to the audit entry (a restored revision says which)."""
    access.require(actor is None or can_write(actor, unit))
    data = _cleaned(data)
    stored = (
        Review.objects.select_for_update()
        .filter(unit=unit, kind=kind, year=year)
        .select_related("plan")
        .first()
    )
    if stored is None:
        if version != 0:
            check_version(Review(version=0), version)
        stored = review_or_blank(unit, kind, year)
        stored.created_by = actor
    else:
        check_version(stored, version)
        _require_draft(stored)
    before = snapshot(stored, [*PARTICULARS, *NARRATIVE_PARTS]) if stored.pk else None
    old_narrative = _narrative(stored) if stored.pk else None
    for item in fields(data):
        setattr(stored, item.name, getattr(data, item.name))
    written = [*PARTICULARS, *NARRATIVE_PARTS, "updated_at"]
    stored.full_clean(validate_constraints=False)  # lengths of the particulars
    if stored.pk is None:
        stored.save()
    else:
        save_versioned(stored, version, written)
    if _narrative(stored) != old_narrative:
        last = stored.revisions.order_by("-number").values_list("number", flat=True).first()
        ReviewRevision.objects.create(
            review=stored, number=(last or 0) + 1, narrative=_narrative(stored), saved_by=actor
        )
    audit_record(
        actor,
        action="review.save",
        obj=stored,
        unit=unit,
        before=before,
        after=snapshot(stored, [*PARTICULARS, *NARRATIVE_PARTS]),
        reason=reason,
    )
    return stored


@transaction.atomic
def review_restore(actor: User | None, *, review: Review, number: int, version: int) -> Review:
    """Bring back the narrative of revision `number` (the particulars stay as they are now):
    saved by review_save like any text, so it is refused once submitted, checked against the
    version the user saw, audited, and kept as a new revision — nothing is rewritten."""
    stored = _locked(review, version)
    access.require(actor is None or can_write(actor, stored.unit))
    _require_draft(stored)
    revision = ReviewRevision.objects.filter(review=stored, number=number).first()
    if revision is None:
        raise ValidationError(_("There is no revision %(number)s.") % {"number": number})
    kept = revision.narrative if isinstance(revision.narrative, dict) else {}
    narrative = {part: str(kept.get(part, "")) for part in NARRATIVE_PARTS}
    if narrative == _narrative(stored):
        raise ValidationError(_("This revision is the text as it is now: nothing to restore."))
    written: dict[str, Any] = {name: getattr(stored, name) for name in PARTICULARS} | narrative
    return review_save(
        actor,
        unit=stored.unit,
        kind=stored.kind,
        year=stored.year,
        data=ReviewInput(**written),
        version=version,
        reason=_("Restored revision %(number)s") % {"number": number},
    )


def _locked(review: Review, version: int) -> Review:
    stored = Review.objects.select_for_update().select_related("unit").get(pk=review.pk)
    check_version(stored, version)
    return stored


def _move(
    actor: User | None, stored: Review, status: str, version: int, reason: str = ""
) -> Review:
    before = {"status": stored.status}
    stored.status = status
    written = ["status", "updated_at"]
    if status == ReviewStatus.SUBMITTED:
        stored.submitted_at = timezone.now()
        written.append("submitted_at")
    if status == ReviewStatus.APPROVED:
        stored.approved_by, stored.approved_at = actor, timezone.now()
        written += ["approved_by", "approved_at"]
    save_versioned(stored, version, written)
    audit_record(
        actor,
        action=f"review.{status}",
        obj=stored,
        unit=stored.unit,
        before=before,
        after={"status": status},
        reason=reason,
    )
    return stored


@transaction.atomic
def review_submit(actor: User | None, *, review: Review, version: int) -> Review:
    """Send a draft for approval: it becomes read-only."""
    stored = _locked(review, version)
    access.require(actor is None or can_write(actor, stored.unit))
    if stored.status != ReviewStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    return _move(actor, stored, ReviewStatus.SUBMITTED, version)


@transaction.atomic
def review_return(actor: User | None, *, review: Review, version: int, reason: str) -> Review:
    """Send a submitted review back to its writers, saying why."""
    stored = _locked(review, version)
    access.require(actor is None or can_approve(actor, stored.unit))
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what should be changed.")})
    if stored.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be returned."))
    return _move(actor, stored, ReviewStatus.DRAFT, version, reason)


@transaction.atomic
def review_approve(actor: User | None, *, review: Review, version: int) -> Review:
    """Approve a submitted review: it stays as it is, and so do the documents made from it."""
    stored = _locked(review, version)
    access.require(actor is None or can_approve(actor, stored.unit))
    if stored.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be approved."))
    approved = _move(actor, stored, ReviewStatus.APPROVED, version)
    # The documents as approved: kept beside the review, downloadable as signed.
    document_request(actor, review=approved, approved=True)
    return approved


# --- documents ----------------------------------------------------------------------------------


@transaction.atomic
def document_request(
    actor: User | None, *, review: Review, approved: bool = False
) -> ReviewDocument:
    """Queue a drafting of the review's documents from the current data; the worker makes it
    (reviews.tasks) once this transaction has committed, and the page follows its progress."""
    access.require(actor is None or access.can_read(actor, review.unit))
    document = ReviewDocument.objects.create(
        review=review, state=DocumentState.QUEUED, requested_by=actor, approved=approved
    )
    from tuyengiao.reviews.tasks import make_documents  # the worker's module imports this one

    transaction.on_commit(lambda: make_documents(document.pk))
    return document


def document_progress(document_id: int, percent: int, step: str) -> None:
    """How far a drafting has gone, written at once (outside any transaction) for the page."""
    ReviewDocument.objects.filter(pk=document_id).update(
        state=DocumentState.RUNNING, progress=percent, step=step[:200]
    )


def document_make(document_id: int) -> ReviewDocument:
    """Draft the documents of a queued drafting, as the person who asked reads the data."""
    document = ReviewDocument.objects.select_related("review__unit", "review__plan").get(
        pk=document_id
    )
    reader = document.requested_by or system_reader()
    try:
        drafted = draft_documents(
            reader,
            document.review,
            lambda percent, step: document_progress(document_id, percent, step),
        )
    except Exception as error:
        ReviewDocument.objects.filter(pk=document_id).update(
            state=DocumentState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    stem = f"{document.review.kind}-{document.review.year}-{document.review.unit.code}"
    document.docx.save(f"{stem}.docx", ContentFile(drafted.docx), save=False)
    document.xlsx.save(f"{stem}.xlsx", ContentFile(drafted.xlsx), save=False)
    document.state, document.progress = DocumentState.DONE, 100
    document.finished_at = timezone.now()
    document.save(update_fields=["docx", "xlsx", "state", "progress", "finished_at"])
    return document


def document_downloaded(user: User, *, document: ReviewDocument, fmt: str) -> None:
    """Who took a review's document away, and which (personal data leaves with it)."""
    review = document.review
    audit_record(
        user,
        action="review.download",
        obj=review,
        unit=review.unit,
        after={"document": document.pk, "format": fmt, "approved": document.approved},
    )
