"""Reads of the audit log. Scope is decided by the caller (orgs.selectors.audit_for_user)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from tuyengiao.core.models import AuditEntry, OutboxMessage
from tuyengiao.core.text import search_terms


def audit_entries(
    *,
    unit_ids: QuerySet[Any] | None,
    actor: str = "",
    action: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries about the given units (all entries when `unit_ids` is None), filtered."""
    entries = AuditEntry.objects.select_related("actor", "unit")
    if unit_ids is not None:
        entries = entries.filter(unit_id__in=unit_ids)
    if actor:
        entries = entries.filter(actor__username__iexact=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    if text:
        entries = entries.filter(Q(object_repr__icontains=text) | Q(reason__icontains=text))
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by().values_list("action", flat=True).distinct())


def outbox_messages(query: str = "") -> QuerySet[OutboxMessage]:
    """The outbox, newest first, searched without diacritics (every word must match). Who may
    read it is decided by the caller (administrators and provincial staff)."""
    found = OutboxMessage.objects.select_related("sent_by").order_by("-created_at", "-id")
    for term in search_terms(query):
        found = found.filter(search_key__contains=term)
    return found
