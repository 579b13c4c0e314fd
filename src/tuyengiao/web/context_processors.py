"""Values every page needs: whether the database holds demo data, whether mail goes to the
outbox (no mail server configured)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tuyengiao.orgs.selectors import demo_data_loaded

OUTBOX_BACKEND = "tuyengiao.core.mail.OutboxBackend"


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_data": demo_data_loaded(),
        "outbox_enabled": settings.EMAIL_BACKEND == OUTBOX_BACKEND,
    }
