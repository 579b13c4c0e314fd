"""The news a union published, counted for the indicators engine (reporting.derived): every
item (`news_posts`) and those in the press — newspapers, radio and television
(`news_posts_press`) — by the unit that published them, per year. The services recount in the
item's own transaction; a count of nothing is no figure (None), not 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tuyengiao.media.models import PRESS, NewsPost
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import derived
from tuyengiao.reporting.models import Period

ALL = "news_posts"
IN_PRESS = "news_posts_press"


def _published(unit: OrgUnit, period: Period) -> int | None:
    found = NewsPost.objects.filter(
        unit=unit, published_on__gte=period.start, published_on__lt=period.end
    )
    return found.count() or None


def _in_press(unit: OrgUnit, period: Period) -> int | None:
    found = NewsPost.objects.filter(
        unit=unit, channel__in=PRESS, published_on__gte=period.start, published_on__lt=period.end
    )
    return found.count() or None


def register_all() -> None:
    derived.register(ALL, _published)
    derived.register(IN_PRESS, _in_press)


def refresh(unit: OrgUnit, days: Iterable[dt.date]) -> int:
    """Recount the unit's figures for the years of `days` (an item's date before and after)."""
    return derived.refresh_many([ALL, IN_PRESS], unit=unit, days=days)
