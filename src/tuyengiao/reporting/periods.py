"""Period codes and their dates: "2024" (year), "2024-H1" (half), "2024-Q3" (quarter),
"2024-05" (month), "2023-2028" (term). Pure functions; creating Period rows is a service."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tuyengiao.reporting.models import PeriodType

_PATTERNS = {
    PeriodType.YEAR: re.compile(r"^(\d{4})$"),
    PeriodType.HALF: re.compile(r"^(\d{4})-H([12])$"),
    PeriodType.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodType.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    PeriodType.TERM: re.compile(r"^(\d{4})-(\d{4})$"),
}
# Months per period for the kinds that split a year.
_MONTHS = {PeriodType.HALF: 6, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}


@dataclass(frozen=True)
class Bounds:
    code: str
    kind: str
    start: dt.date
    end: dt.date  # exclusive


def _month_start(year: int, month: int) -> dt.date:
    """The first day of month `month` counted from January of `year` (13 → next January)."""
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def months_before(day: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months before the month of `day` (0: its own)."""
    return _month_start(day.year, day.month - count)


def bounds(code: str) -> Bounds | None:
    """The kind and dates of a period code, or None if the code is not one."""
    code = code.strip().upper()
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(code)
        if match is None:
            continue
        year, part = int(match[1]), int(match[2]) if match.lastindex == 2 else 1
        if not 2000 <= year <= 2100:
            return None
        if kind == PeriodType.YEAR:
            return Bounds(code, kind, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        if kind == PeriodType.TERM:
            if not year < part <= year + 10:
                return None
            return Bounds(code, kind, dt.date(year, 1, 1), dt.date(part + 1, 1, 1))
        months = _MONTHS[kind]
        first = (part - 1) * months + 1
        return Bounds(code, kind, _month_start(year, first), _month_start(year, first + months))
    return None


def code_for(kind: str, day: dt.date) -> str:
    """The code of the period of `kind` that contains `day` (not for terms)."""
    if kind == PeriodType.YEAR:
        return str(day.year)
    if kind == PeriodType.HALF:
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    if kind == PeriodType.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == PeriodType.MONTH:
        return f"{day.year}-{day.month:02d}"
    raise ValueError(kind)


def previous_code(code: str) -> str | None:
    """The same kind of period one step earlier ("2024-H1" → "2023-H2"), for comparisons."""
    found = bounds(code)
    if found is None or found.kind == PeriodType.TERM:
        return None
    return code_for(found.kind, found.start - dt.timedelta(days=1))


def recent_codes(kind: str, day: dt.date, count: int) -> list[str]:
    """The `count` periods of `kind` up to the one containing `day`, latest first."""
    codes = [code_for(kind, day)]
    while len(codes) < count:
        codes.append(code_for(kind, bounds(codes[-1]).start - dt.timedelta(days=1)))  # type: ignore[union-attr]
    return codes
