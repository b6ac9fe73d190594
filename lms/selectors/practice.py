"""Reads about mentorships and practice hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from lms.models import LogStatus, PracticeLog


def signed_mentor_hours(
    person_ids: Iterable[int],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[int, Decimal]:
    """Signed hours under a mentorship (导师帮带) per person, in one query.

    ``start``/``end`` bound the log date, both inclusive. People without signed
    hours are present with ``Decimal("0")`` so callers can index freely.
    """
    ids = list(person_ids)
    logs = PracticeLog.objects.filter(
        person_id__in=ids, status=LogStatus.SIGNED, mentorship__isnull=False
    )
    if start is not None:
        logs = logs.filter(date__gte=start)
    if end is not None:
        logs = logs.filter(date__lte=end)
    totals = dict(
        logs.order_by()
        .values("person_id")
        .annotate(total=Sum("hours"))
        .values_list("person_id", "total")
    )
    return {pk: totals.get(pk) or Decimal("0") for pk in ids}
