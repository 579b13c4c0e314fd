"""Mail in the embedded mode: with no mail server configured, messages are kept in the outbox
(a table an administrator can read) instead of being sent. Settings choose the backend:
`EMAIL_BACKEND = "tuyengiao.core.mail.OutboxBackend"` when `EMAIL_HOST` is empty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from tuyengiao.core.models import OutboxMessage
from tuyengiao.core.text import search_key


def site_link(path: str) -> str:
    """A page of the site as a link to put in a message (SITE_URL, then the path)."""
    return f"{str(getattr(settings, 'SITE_URL', '')).rstrip('/')}{path}"


class SentByEmail(EmailMessage):
    """A message that remembers who had it sent (for the outbox; never sent over SMTP)."""

    def __init__(self, *args: Any, sent_by_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent_by_id = sent_by_id


def outbox_row(message: EmailMessage) -> OutboxMessage:
    to = ", ".join(message.recipients())
    subject, body = str(message.subject), str(message.body)
    return OutboxMessage(
        to=to,
        subject=subject,
        body=body,
        sent_by_id=getattr(message, "sent_by_id", None),
        search_key=search_key(f"{to} {subject} {body}"),
    )


class OutboxBackend(BaseEmailBackend):
    """Store every message in the outbox; nothing leaves the machine."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = [outbox_row(m) for m in email_messages if m.recipients()]
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)
