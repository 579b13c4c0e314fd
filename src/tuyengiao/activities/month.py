"""A month as weeks of days (Monday first, as Vietnamese calendars are), for the calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from tuyengiao.activities.models import Activity
from tuyengiao.activities.selectors import CalendarMonth


@dataclass
class Day:
    date: dt.date
    in_month: bool
    activities: list[Activity] = field(default_factory=list)  # those the cell shows
    count: int = 0  # every activity running that day

    @property
    def more(self) -> int:
        return self.count - len(self.activities)


def month_grid(year: int, month: int, found: CalendarMonth) -> list[list[Day]]:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [
        [
            Day(day, day.month == month, found.days.get(day, []), found.counts.get(day, 0))
            for day in week
        ]
        for week in weeks
    ]
