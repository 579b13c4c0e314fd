"""Hearing workers (TASK-4 and the legal counselling of TASK-3): what grassroots unions write
about their members' situation each month, the pressing issues (vụ việc) followed until they
are resolved, the legal questions workers ask and their answers, and the problems units meet
while carrying out the plan (vướng mắc).

The figures of a situation report are a reporting form (reporting.Report of the monthly
situation form), so completeness, reminders and approval are those of every form; this app keeps
what a form cannot hold: the workers' mood and what they think and ask for."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The reporting form of the monthly situation report (reporting/data/datasets.yaml).
SITUATION_FORM = "BC-THANG-TT"
TEXT_LIMIT = 10_000  # characters of free text: pages, not a book


class Mood(models.TextChoices):
    STABLE = "stable", _("Stable")
    CONCERNED = "concerned", _("Concerned")
    TENSE = "tense", _("Tense")


class SituationNote(models.Model):
    """What a grassroots union writes beside the figures of its monthly situation report."""

    report = models.OneToOneField(
        "reporting.Report", on_delete=models.CASCADE, related_name="situation_note"
    )
    mood = models.CharField(_("workers' mood"), max_length=10, choices=Mood.choices, blank=True)
    thoughts = models.TextField(_("what workers are thinking about"), blank=True)
    requests = models.TextField(_("what workers ask for"), blank=True)
    search_key = models.TextField(blank=True)  # both texts without diacritics, for search
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("situation note")
        verbose_name_plural = _("situation notes")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.mood}"


class IssueKind(models.TextChoices):
    WAGES = "wages", _("Wages paid late or unpaid")
    INSURANCE = "insurance", _("Social insurance contributions owed")
    LAYOFFS = "layoffs", _("Layoffs")
    OVERTIME = "overtime", _("Overtime and working hours")
    STOPPAGE = "stoppage", _("Collective work stoppage")
    ACCIDENT = "accident", _("Occupational accident")
    FOOD_SAFETY = "food_safety", _("Food safety")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVING = "resolving", _("Being resolved")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")


# The states in which a case still needs someone's work.
OPEN_STATES = (CaseStatus.OPEN, CaseStatus.RESOLVING, CaseStatus.ESCALATED)


class CaseSource(models.TextChoices):
    REPORT = "report", _("A situation report")
    ONLINE = "online", _("An online item")
    MANUAL = "manual", _("Recorded by hand")


class Case(models.Model):
    """A pressing issue at a grassroots union's enterprise, followed until it is resolved: who
    handles it (the union itself, or the level above once escalated) and what was done."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=IssueKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    workers_affected = models.PositiveIntegerField(_("workers affected"))
    started_on = models.DateField(_("started on"))
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=CaseSource.choices, default=CaseSource.MANUAL
    )
    report = models.ForeignKey(
        "reporting.Report",
        verbose_name=_("situation report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The public address of the online item it came from (the media app's items, when linked).
    online_address = models.URLField(_("address of the online item"), max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_key = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "status"], name="case_unit_status"),
            models.Index(fields=["handled_by", "status"], name="case_handler_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class ActionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting with the employer")
    DIALOGUE = "dialogue", _("Dialogue at the workplace")
    INSPECTORATE = "inspectorate", _("Referred to the labour inspectorate")
    COMMITTEE = "committee", _("Referred to the people's committee")
    SUPPORT = "support", _("Support given")
    NOTE = "note", _("Note")
    # Written by the services as the case moves.
    OPENED = "opened", _("Case opened")
    ESCALATED = "escalated", _("Escalated to the upper level")
    STATUS = "status", _("Status changed")


# What a person records by hand; the others are the case's own history.
RECORDED_ACTIONS = (
    ActionKind.MEETING,
    ActionKind.DIALOGUE,
    ActionKind.INSPECTORATE,
    ActionKind.COMMITTEE,
    ActionKind.SUPPORT,
    ActionKind.NOTE,
)


class CaseAction(models.Model):
    """One step of a case's timeline: what was done, by which level, on which day."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("what was done"), max_length=12, choices=ActionKind.choices)
    done_on = models.DateField(_("date"))
    text = models.TextField(_("details"), blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "done_on", "id"]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.done_on}"


class QuestionTopic(models.TextChoices):
    LABOUR = "labour", _("Labour law")
    INSURANCE = "insurance", _("Social and health insurance")
    UNION = "union", _("Trade union matters")
    OTHER = "other", _("Other")


class QuestionStatus(models.TextChoices):
    NEW = "new", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    SPAM = "spam", _("Set aside as spam")


class Question(models.Model):
    """A legal question a worker asked on the public page, and the union's answer. Who asked
    is kept only if they chose to leave a contact; the published copy is an edited one, with
    personal details removed."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=10, choices=QuestionTopic.choices)
    text = models.TextField(_("question"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    asker_name = models.CharField(_("name"), max_length=120, blank=True)
    contact = models.CharField(_("phone or email"), max_length=120, blank=True)
    # A keyed hash of the sender's address, for rate limits: never the address itself.
    sender_key = models.CharField(max_length=64, blank=True, db_index=True)
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published = models.BooleanField(_("published in the FAQ"), default=False)
    public_question = models.TextField(_("question as published"), blank=True)
    public_answer = models.TextField(_("answer as published"), blank=True)
    search_key = models.TextField(blank=True)  # the published texts without diacritics
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("legal question")
        verbose_name_plural = _("legal questions")
        indexes = [models.Index(fields=["unit", "status"], name="question_unit_status")]

    def __str__(self) -> str:
        return self.text[:60]


class ProblemStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    FORWARDED = "forwarded", _("Forwarded")


class Problem(models.Model):
    """A problem a unit met while carrying out the plan, reported to the provincial propaganda
    department, which answers it or forwards it (to the Standing Committee, another department)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("the problem"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.SENT
    )
    answer = models.TextField(_("answer"), blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    search_key = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("implementation problem")
        verbose_name_plural = _("implementation problems")

    def __str__(self) -> str:
        return self.title


# Early warning. The situation report's figures the hotspot list reads.
TENSE_ELEMENT = "mood_tense"
WAGE_ARREARS_ELEMENT = "wage_arrears_workers"
INSURANCE_ARREARS_ELEMENT = "insurance_arrears_workers"
TENSE_WINDOW = 3  # tense months are counted over the three months ending at the latest report


class Hotspot(models.Model):
    """The signals of trouble at one grassroots union, rewritten in the same transaction as every
    write that changes them (a situation report submitted, a case opened or changed), so the
    early-warning list reads one small table rather than a year of reports. Which signals count
    is decided when the list is read, with the thresholds then in force; a union with no signal
    at all has no row."""

    unit = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="hotspot"
    )
    month = models.DateField(null=True, blank=True)  # of its latest situation report
    tense_months = models.PositiveSmallIntegerField(default=0)
    wage_workers = models.PositiveIntegerField(default=0)
    wage_workers_before = models.PositiveIntegerField(default=0)  # the month before `month`
    insurance_workers = models.PositiveIntegerField(default=0)
    insurance_workers_before = models.PositiveIntegerField(default=0)
    open_cases = models.PositiveIntegerField(default=0)
    escalated_cases = models.PositiveIntegerField(default=0)
    case_workers = models.PositiveIntegerField(default=0)  # affected by its open cases
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")

    def __str__(self) -> str:
        return str(self.unit_id)


class WarningThresholds(models.Model):
    """When a signal counts in the early-warning list: set by a provincial (or the national)
    federation for every union under it; without a setting, the defaults below apply."""

    unit = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="warning_thresholds"
    )
    report_months = models.PositiveSmallIntegerField(
        _("reports older than this many months no longer count"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    tense_months = models.PositiveSmallIntegerField(
        _("tense mood in at least this many of the last three months"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(TENSE_WINDOW)],
    )
    arrears_workers = models.PositiveIntegerField(
        _("workers owed wages or insurance: at least"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    arrears_rise = models.PositiveIntegerField(
        _("rise in workers owed since the month before: at least"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    open_cases = models.PositiveSmallIntegerField(
        _("open cases: at least"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    case_workers = models.PositiveIntegerField(
        _("workers affected by open cases: at least"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("warning thresholds")
        verbose_name_plural = _("warning thresholds")

    def __str__(self) -> str:
        return str(self.unit_id)
