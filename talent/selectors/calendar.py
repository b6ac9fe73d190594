"""Working days: Monday–Friday, except the holidays and worked weekend days
(调休) recorded as ``CalendarDay`` rows. One query per call."""

from __future__ import annotations

import datetime

from talent.models import CalendarDay


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    )


def is_working_day(day: datetime.date, exceptions: dict[datetime.date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def working_days_from(start: datetime.date, count: int) -> tuple[datetime.date, datetime.date]:
    """The first working day on or after ``start`` and the ``count``-th working
    day counting it: a period of ``count`` working days (``count`` ≥ 1)."""
    count = max(1, count)
    # Long holidays (Spring Festival, National Day) add at most a few weeks.
    horizon = start + datetime.timedelta(days=count * 2 + 40)
    exceptions = _exceptions(start, horizon)
    day, first, seen = start, None, 0
    while True:
        if is_working_day(day, exceptions):
            first = first or day
            seen += 1
            if seen == count:
                return first, day
        day += datetime.timedelta(days=1)
        if day > horizon:  # a calendar with no working days at all: extend the look-up
            horizon += datetime.timedelta(days=60)
            exceptions.update(_exceptions(day, horizon))


def working_days_between(first: datetime.date, last: datetime.date) -> int:
    """How many working days ``first``..``last`` holds, both included."""
    if last < first:
        return 0
    exceptions = _exceptions(first, last)
    days = (last - first).days + 1
    return sum(is_working_day(first + datetime.timedelta(days=n), exceptions) for n in range(days))
