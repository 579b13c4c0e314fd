"""The audit log: one row for every write made through a service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    # The unit the change concerns, so that the log can be scoped like everything else.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class OutboxMessage(models.Model):
    """A message the embedded mode keeps instead of sending (no mail server configured): the
    outbox page shows what would have gone out. Written by `core.mail.OutboxBackend` only."""

    to = models.TextField(_("to"))  # the recipients, comma-separated
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Recipients, subject and body without diacritics, for the outbox search.
    search_key = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.to}: {self.subject}"
