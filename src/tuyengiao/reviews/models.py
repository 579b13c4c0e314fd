"""Reviews of the plan (section IV): each year a review (sơ kết năm), in 2026 the mid-term
review, in 2028 the final review (tổng kết), written by every level about its own subtree.

A review holds what people write (the narrative parts, versioned as they save) and the
particulars of the document (number, place, date, signer, recipients); its figures are never
stored with it but drafted from the data each time (reviews.draft), so they are the dashboard's
figures. Once a leader approves it, the documents made at that moment are kept as signed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly review")
    MIDTERM = "midterm", _("Mid-term review")
    FINAL = "final", _("Final review")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


# The narrative parts, in the order of the document.
NARRATIVE_PARTS = ("achievements", "shortcomings", "causes", "lessons", "tasks_ahead")
NARRATIVE_LIMIT = 20_000  # characters per part: pages of text, not a book


class Review(models.Model):
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # The document's particulars (Decree 30/2020/ND-CP layout).
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    signer_title = models.CharField(_("signing for"), max_length=120, blank=True)
    signer_position = models.CharField(_("position"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    # The narrative parts: what was done well, shortcomings, their causes, lessons, tasks ahead.
    achievements = models.TextField(_("achievements"), blank=True)
    shortcomings = models.TextField(_("shortcomings and limitations"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)
    tasks_ahead = models.TextField(_("tasks and solutions ahead"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "unit__code", "kind"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year"], name="one_review_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.unit_id}"


class ReviewRevision(models.Model):
    """The narrative as it was saved: every save keeps the one before."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    narrative = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} #{self.number}"


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being drafted")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReviewDocument(models.Model):
    """A drafting of the review into a DOCX report and its XLSX appendix, made in the
    background with its progress; those made when it was approved are the signed ones."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    state = models.CharField(max_length=10, choices=DocumentState.choices)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    docx = models.FileField(upload_to="reviews/%Y/", blank=True)
    xlsx = models.FileField(upload_to="reviews/%Y/", blank=True)
    approved = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.state} {self.progress}%"
