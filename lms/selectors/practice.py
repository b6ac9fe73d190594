"""Reads about mentorships and practice hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from lms.models import LogStatus, Mentorship, PracticeEvidence, PracticeLog
from lms.permissions import can_see_records_of


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


def logs_of(person) -> QuerySet[PracticeLog]:
    """A person's own logs, newest first, with what the list shows."""
    return (
        PracticeLog.objects.filter(person=person)
        .select_related("mentorship__mentor", "signed_by")
        .prefetch_related("evidence")
    )


def hour_totals(person) -> dict[str, Decimal]:
    """Hours by status for one person (one query)."""
    rows = dict(
        PracticeLog.objects.filter(person=person)
        .order_by()
        .values("status")
        .annotate(total=Sum("hours"))
        .values_list("status", "total")
    )
    return {status: rows.get(status) or Decimal("0") for status in LogStatus.values}


def pending_for_mentor(user) -> QuerySet[PracticeLog]:
    """Pending logs of the user's mentees, oldest first (the sign-off queue)."""
    return (
        PracticeLog.objects.filter(status=LogStatus.PENDING, mentorship__mentor__user=user)
        .select_related("person__unit", "mentorship")
        .prefetch_related("evidence")
        .order_by("date", "id")
    )


def mentees_of(user) -> QuerySet[Mentorship]:
    """The user's current mentorships with each mentee's signed hours."""
    return (
        Mentorship.objects.current()
        .filter(mentor__user=user)
        .select_related("mentee__unit")
        .annotate(
            signed_hours=Sum("logs__hours", filter=Q(logs__status=LogStatus.SIGNED)),
            pending_count=Count("logs", filter=Q(logs__status=LogStatus.PENDING)),
        )
        .order_by("mentee__name")
    )


def current_mentorships_of(person) -> QuerySet[Mentorship]:
    return Mentorship.objects.current().filter(mentee=person).select_related("mentor")


def can_see_log(user, log: PracticeLog) -> bool:
    """Whoever may see the person's records, and the mentor the log was logged
    with (who signs it, even once the mentorship has ended)."""
    mentorship = log.mentorship
    if mentorship is not None and user.is_authenticated and mentorship.mentor.user_id == user.pk:
        return True
    return can_see_records_of(user, log.person)


def evidence_for_user(user, pk: int) -> PracticeEvidence:
    """An evidence photo ``user`` may see. Every refusal, anonymous included, is
    the same 404 as an unknown id, so a probe learns nothing."""
    evidence = (
        PracticeEvidence.objects.select_related("log__person__unit", "log__mentorship__mentor")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not can_see_log(user, evidence.log):
        raise Http404
    return evidence
