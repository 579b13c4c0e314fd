"""The monitoring of public online information (TASK-8): the sources watched, the items found in
them (normalised, deduplicated, matched against the staff's topic queries and classified), the
decisions people make on them (labels, the training data of the next model), the cases opened
from them and the steps taken, and the classifier models the app trained.

Principles (docs/architecture.md): public content only, with its address; no profiling of
authors — the author shown by an item is kept with the item only and dropped when it expires;
every output is work for a person, nothing acts on the outside world by itself."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.text import search_key

NAME_LIMIT = 200


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS or Atom feed")
    PAGE = "page", _("Web page")
    EXPORT = "export", _("Export file (CSV or JSON)")
    MANUAL = "manual", _("Submitted by collaborators")


# The kinds the worker fetches on a schedule; the others receive what people upload or paste.
POLLED = (SourceKind.FEED, SourceKind.PAGE)


class Source(models.Model):
    """Where items come from, watched for a unit (usually a provincial federation)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("watched for"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=NAME_LIMIT)
    kind = models.CharField(_("kind"), max_length=8, choices=SourceKind.choices)
    address = models.URLField(_("address"), max_length=1000, blank=True)
    active = models.BooleanField(_("active"), default=True)
    poll_minutes = models.PositiveIntegerField(_("check every (minutes)"), default=60)
    # Conditional requests: what the server said last time, sent back to save a download.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("last success"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row: the backoff grows with them
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A boolean keyword query staff wrote (media.query), matched against every new item."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("watched for"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=NAME_LIMIT)
    query = models.TextField(_("query"))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Grievance(models.TextChoices):
    # The values are the default classifier's labels (media/data/training).
    WAGES = "unpaid_wages", _("Unpaid wages")
    INSURANCE = "unpaid_insurance", _("Unpaid social insurance")
    LAYOFFS = "layoffs", _("Layoffs")
    OVERTIME = "overtime", _("Overtime")
    ACCIDENT = "accident", _("Accident")
    FOOD = "unsafe_food", _("Unsafe food")
    SCAM = "scam", _("Scam targeting workers")
    MISINFORMATION = "misinformation", _("Misinformation about union or insurance policy")
    OTHER = "other", _("Other")
    NONE = "none", _("None")


class Item(models.Model):
    """One piece of public content: what it says (normalised), where it is, what it matched and
    how it was classified; a near-duplicate points at the item it repeats."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey(  # the source's, kept here for scoped reads without a join
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    address = models.URLField(_("address"), max_length=1000, blank=True)
    canonical = models.CharField(max_length=1000, blank=True)  # media.dedupe.canonical_url
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    truncated = models.BooleanField(default=False)
    author = models.CharField(_("author shown"), max_length=NAME_LIMIT, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True, db_index=True)
    screenshot = models.ImageField(_("screenshot"), upload_to="monitoring/%Y/%m/", blank=True)
    fingerprint = models.BigIntegerField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    topics = models.ManyToManyField(Topic, related_name="items", blank=True)
    relevant = models.BooleanField(_("relevant"), null=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=8, choices=Sentiment.choices, blank=True
    )
    toxic = models.BooleanField(_("toxic or offensive"), null=True)
    grievance = models.CharField(
        _("grievance"), max_length=16, choices=Grievance.choices, blank=True
    )
    scores = models.JSONField(default=dict, blank=True)  # the classifier's probabilities
    severity = models.PositiveSmallIntegerField(_("severity"), default=0)
    dismissed = models.BooleanField(_("dismissed"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Title and text without diacritics, for the queue's search (the author is left out: no
    # looking people up). Derived on every save, whichever path writes the item.
    search_key = models.TextField(default="", blank=True, editable=False)

    class Meta:
        ordering = ["-severity", "-found_at", "-id"]
        verbose_name = _("online item")
        verbose_name_plural = _("online items")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "canonical"], condition=~models.Q(canonical=""), name="item_once"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "dismissed", "-severity", "-found_at"]),
            # The triage queue's rows in its order (media.queue_selectors); the last two
            # columns let SQLite count the queue from the index alone.
            models.Index(
                fields=["unit", "-severity", "-found_at", "-id", "dismissed", "duplicate_of"],
                condition=models.Q(dismissed=False, duplicate_of__isnull=True),
                name="item_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(f"{self.title} {self.text}")
        fields = kwargs.get("update_fields")
        if fields is not None and {"title", "text"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_key"}
        super().save(*args, **kwargs)


class ItemBand(models.Model):
    """The item's MinHash bands (media.dedupe.bands): an item sharing one is a near-duplicate
    candidate, confirmed by comparing fingerprints."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bands")
    value = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "value"], name="band_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"


class LabelField(models.TextChoices):
    RELEVANT = "relevant", _("Relevant")
    SENTIMENT = "sentiment", _("Sentiment")
    TOXIC = "toxic", _("Toxic or offensive")
    GRIEVANCE = "grievance", _("Grievance")


class Label(models.Model):
    """A decision a person made on an item (relevant? negative? which grievance?): it corrects
    the item and is kept as training data for the next model."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="labels")
    field = models.CharField(max_length=10, choices=LabelField.choices)
    value = models.CharField(max_length=16)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["field", "-made_at"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.field}={self.value}"


class ItemCaseState(models.TextChoices):
    NEW = "new", _("New")
    VERIFYING = "verifying", _("Verifying")
    RESPONDING = "responding", _("Responding")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_ITEM_CASES = (ItemCaseState.NEW, ItemCaseState.VERIFYING, ItemCaseState.RESPONDING)


class ItemCase(models.Model):
    """The work an item calls for: a collaborator assigned, a due time, the steps taken."""

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="case")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ItemCaseState.choices, default=ItemCaseState.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    first_action_at = models.DateTimeField(null=True, blank=True)  # time to first response
    closed_at = models.DateTimeField(null=True, blank=True)  # time to resolution
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("online case")
        verbose_name_plural = _("online cases")

    def __str__(self) -> str:
        return str(self.item)


class StepKind(models.TextChoices):
    CORRECTION = "correction", _("Correction or rebuttal published")
    PLATFORM = "platform", _("Reported to the platform")
    REFERRED = "referred", _("Referred to the union concerned")
    NOTE = "note", _("Note")
    STATE = "state", _("State changed")


class ItemCaseStep(models.Model):
    case = models.ForeignKey(ItemCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("what was done"), max_length=10, choices=StepKind.choices)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class TrainingState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Training")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ClassifierModel(models.Model):
    """A model the app trained from its users' labels for one field, with the evaluation made
    when it was trained; staff switch to it after reading that evaluation. The row exists from
    the moment a training is asked for, so that the page can follow its progress."""

    field = models.CharField(max_length=10, choices=LabelField.choices)
    file = models.FileField(upload_to="classifiers/", blank=True)
    state = models.CharField(
        max_length=8, choices=TrainingState.choices, default=TrainingState.DONE
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    metrics = models.JSONField(default=dict)
    labels_used = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["field"], condition=models.Q(active=True), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} ({self.trained_at:%d/%m/%Y})"
