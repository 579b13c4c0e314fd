"""Dates of validity: [valid_from, valid_to) intervals, a far-future end for "still valid"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# A real date rather than NULL keeps interval queries to two indexed comparisons.
OPEN_END = dt.date(9999, 12, 31)


def today() -> dt.date:
    return timezone.localdate()


def valid_on(date: dt.date, prefix: str = "") -> dict[str, dt.date]:
    """Filter kwargs selecting rows whose [valid_from, valid_to) interval contains `date`."""
    return {f"{prefix}valid_from__lte": date, f"{prefix}valid_to__gt": date}
