"""A month as weeks of days (Monday first, as Vietnamese calendars are), for the calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from tuyengiao.activities.models import Activity


@dataclass
class Day:
    date: dt.date
    in_month: bool
    activities: list[Activity] = field(default_factory=list)


def month_grid(year: int, month: int, days: dict[dt.date, list[Activity]]) -> list[list[Day]]:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(day, day.month == month, days.get(day, [])) for day in week] for week in weeks]
