"""Media work: the news items and posts each union publishes about its work (TASK-3), counted
per unit, channel and period for the indicators and the reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_LIMIT = 300
ADDRESS_LIMIT = 500


class Channel(models.TextChoices):
    UNION_SITE = "union_site", _("Union website")
    PROVINCIAL_PAPER = "provincial_paper", _("Provincial newspaper")
    LAO_DONG = "lao_dong", _("Lao Động newspaper")
    NGUOI_LAO_DONG = "nguoi_lao_dong", _("Người Lao Động newspaper")
    BROADCAST = "broadcast", _("Radio or television")
    FACEBOOK = "facebook", _("Facebook page")
    ZALO = "zalo", _("Zalo official account")
    TIKTOK = "tiktok", _("TikTok")
    OTHER = "other", _("Other")


# The press (newspapers, radio and television) as against the unions' own online channels.
PRESS = (Channel.PROVINCIAL_PAPER, Channel.LAO_DONG, Channel.NGUOI_LAO_DONG, Channel.BROADCAST)


class NewsKind(models.TextChoices):
    NEWS = "news", _("News")
    ARTICLE = "article", _("Article")
    PHOTO_STORY = "photo_story", _("Photo story")
    VIDEO = "video", _("Video")


class NewsPost(models.Model):
    """One news item or post a union published: where, when, about what, and how far it went."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.URLField(_("address"), max_length=ADDRESS_LIMIT, blank=True)
    published_on = models.DateField(_("published on"))
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    kind = models.CharField(_("kind"), max_length=12, choices=NewsKind.choices)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity reported on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_posts",
    )
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("shares"), null=True, blank=True)
    search_key = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        constraints = [
            # The same item recorded twice (a double click, a second upload) is refused.
            models.UniqueConstraint(
                fields=["unit", "address"], condition=~Q(address=""), name="news_post_once"
            )
        ]
        indexes = [models.Index(fields=["unit", "published_on"])]

    def __str__(self) -> str:
        return self.title


# The monitoring of online information has its own module; Django finds its models here.
from tuyengiao.media.models_monitoring import (  # noqa: E402
    ClassifierModel,
    Item,
    ItemBand,
    ItemCase,
    ItemCaseStep,
    Label,
    Source,
    Topic,
)

__all__ = [
    "ClassifierModel",
    "Item",
    "ItemBand",
    "ItemCase",
    "ItemCaseStep",
    "Label",
    "NewsPost",
    "Source",
    "Topic",
]
