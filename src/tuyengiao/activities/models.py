"""The work itself: activities (propaganda, legal education, trainings, contests, arts and
sports…), the campaigns that group them (Workers' Month), training attendance, and the yearly
cultural-standard records of grassroots unions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    PROPAGANDA = "propaganda", _("Propaganda session")
    LEGAL = "legal", _("Legal education or counselling")
    TRAINING = "training", _("Training course")
    SEMINAR = "seminar", _("Seminar or dialogue")
    CONTEST = "contest", _("Contest")
    ARTS = "arts", _("Arts performance")
    SPORTS = "sports", _("Sports event")
    HONOURING = "honouring", _("Honouring ceremony")
    VISIT = "visit", _("Visit and gifts")
    OTHER = "other", _("Other")


# The kinds that are arts and sports events (T2.4) and carry an event kind and a level.
EVENT_KINDS = frozenset({ActivityKind.ARTS, ActivityKind.SPORTS})


class Venue(models.TextChoices):
    ENTERPRISE = "enterprise", _("At an enterprise")
    BOARDING_HOUSE = "boarding_house", _("At a workers' boarding house")
    ONLINE = "online", _("Online")
    UNION = "union", _("At the union")
    OTHER = "other", _("Elsewhere")


class TrainingKind(models.TextChoices):
    PROPAGANDA_SKILLS = "propaganda_skills", _("Propaganda skills for union officials")
    REPORTERS = "reporters", _("Skills for reporters and collaborators")
    ONLINE_RESPONSE = "online_response", _("For the team answering false information online")
    OTHER = "other", _("Other training")


class EventKind(models.TextChoices):
    BADMINTON = "badminton", _("Badminton")
    SOFT_VOLLEYBALL = "soft_volleyball", _("Soft volleyball")
    BALLROOM_DANCE = "ballroom_dance", _("Ballroom dance")
    MASS_DANCE = "mass_dance", _("Mass dance")
    SINGING_CONTEST = "singing_contest", _("Workers' singing contest")
    ARTS_FESTIVAL = "arts_festival", _("Arts festival")
    SPORTS_TOURNAMENT = "sports_tournament", _("Sports tournament")
    OTHER = "other", _("Other event")


class EventLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    LOCAL = "local", _("Below the province")


class CampaignKind(models.TextChoices):
    WORKERS_MONTH = "workers_month", _("Workers' Month and OSH Action Month")
    OTHER = "other", _("Other campaign")


class Topic(models.Model):
    """What an activity is about (the plan's list; staff may add more)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A period of concentrated work that groups activities, run by a unit for its subtree."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    description = models.TextField(_("description"), blank=True)
    search_key = models.CharField(max_length=400, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="campaign_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One piece of work done by a unit: who organised it, for whom, where, when, on what, how
    many took part, and under which plan task and campaign."""

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="+", blank=True)
    task = models.ForeignKey(
        "plans.PlanTask",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    organiser = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    venue = models.CharField(_("venue"), max_length=16, choices=Venue.choices)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    participants_members = models.PositiveIntegerField(
        _("of whom union members"), null=True, blank=True
    )
    participants_women = models.PositiveIntegerField(_("of whom women"), null=True, blank=True)
    document = models.CharField(_("document or programme implemented"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    training_kind = models.CharField(
        _("training kind"), max_length=20, choices=TrainingKind.choices, blank=True
    )
    event_kind = models.CharField(
        _("event kind"), max_length=20, choices=EventKind.choices, blank=True
    )
    event_level = models.CharField(
        _("level"), max_length=12, choices=EventLevel.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Title, audience, place and document without diacritics, for search.
    search_key = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # The list of a subtree, newest first, and the calendar of a month.
            # End date and kind ride along so that date-range and kind filters over a
            # subtree are decided in the index, before any row is read.
            models.Index(
                fields=["organiser", "-start_date", "end_date", "kind"],
                name="activity_organiser_date",
            ),
            models.Index(fields=["-start_date", "-id"], name="activity_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="activity_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(participants_members__lte=F("participants"))
                | Q(participants_members__isnull=True)
                | Q(participants__isnull=True),
                name="activity_members_within_participants",
            ),
            models.CheckConstraint(
                condition=Q(participants_women__lte=F("participants"))
                | Q(participants_women__isnull=True)
                | Q(participants__isnull=True),
                name="activity_women_within_participants",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityLink(models.Model):
    """A news item published about the activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "url"], name="activity_link_once"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class ActivityScope(models.Model):
    """An activity as the units above its organiser see it: one row for every unit the
    organiser was ever under (itself included), with the columns a list filters and sorts on.
    A subtree's list, count and calendar then read one index range of its top unit: at
    national scale a province of ~16,000 units otherwise probed the activities' index once per
    unit. Kept by activities.scope on every write and every change of the tree."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The unique constraint below, led by the activity, indexes this key.
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="scopes", db_index=False
    )
    start_date = models.DateField()
    end_date = models.DateField()
    kind = models.CharField(max_length=16)

    class Meta:
        indexes = [
            # Newest first; end date and kind ride along so that date and kind filters and
            # the count are answered from the index alone.
            models.Index(
                fields=["unit", "-start_date", "-activity", "end_date", "kind"],
                name="activity_scope_newest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "unit"], name="one_scope_row_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} @ {self.unit_id}"


class ActivityFile(models.Model):
    """A photo or a document of an activity, kept through Django's storage API and served only
    to those who may read the activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/", max_length=300)
    thumbnail = models.FileField(upload_to="activities/thumbs/%Y/%m/", max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """A person registered for a training course, and whether they attended."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["activity", "person__search_key"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.activity_id}"


class CulturalRecord(models.Model):
    """A grassroots union's year in the "cultural life" movement (TASK-6): whether its agency,
    unit or enterprise registered for and was recognised as meeting the cultural standard, and
    its member families and those recognised as cultural families. Feeds T2.3a–c."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    registered = models.BooleanField(_("registered for the cultural standard"), default=False)
    recognised = models.BooleanField(_("recognised as meeting the standard"), default=False)
    decision = models.CharField(_("recognition decision"), max_length=200, blank=True)
    families = models.PositiveIntegerField(_("member families"), null=True, blank=True)
    families_cultural = models.PositiveIntegerField(_("cultural families"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "unit__code"]
        verbose_name = _("cultural-standard record")
        verbose_name_plural = _("cultural-standard records")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="cultural_record_once_a_year"),
            models.CheckConstraint(
                condition=Q(families_cultural__lte=F("families"))
                | Q(families_cultural__isnull=True)
                | Q(families__isnull=True),
                name="cultural_families_within_families",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
