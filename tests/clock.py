"""Pinning the clock: a test whose data is built around a fixed day says so here.

time-machine moves every clock Python reads (``timezone.now()``, ``localdate()``,
``date.today()``) to a local time on that day and lets it tick on from there, so the
views and services the test calls agree with the data it built, whatever day the
suite runs on.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def pinned(day: datetime.date, hour: int = 10, minute: int = 0):
    """A marker (for ``pytestmark`` or one test) that runs at ``hour:minute`` Asia/Shanghai."""
    return pytest.mark.time_machine(local(day, hour, minute), tick=True)
