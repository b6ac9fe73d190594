"""Reads about check-in sessions: what the owner's screens show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from lms.models import CheckIn, CheckInSession, SessionStatus
from talent import api as talent


def sessions_owned_by(user) -> QuerySet[CheckInSession]:
    return (
        CheckInSession.objects.filter(owner=user)
        .annotate(attendance=Count("check_ins"))
        .order_by("status", "-planned_start")
    )


def open_sessions_owned_by(user) -> QuerySet[CheckInSession]:
    return sessions_owned_by(user).filter(status=SessionStatus.OPEN)


def check_in_count(session: CheckInSession) -> int:
    return CheckIn.objects.filter(session=session).count()


def check_ins(session: CheckInSession) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(session=session)
        .select_related("person__unit", "practice_log")
        .order_by("-checked_in_at", "-id")
    )


@dataclass(frozen=True)
class AttendanceRow:
    person: talent.Person
    check_in: CheckIn | None
    expected: bool

    @property
    def present(self) -> bool:
        return self.check_in is not None


def attendance(session: CheckInSession) -> list[AttendanceRow]:
    """Everyone expected or present, absentees first, in two queries."""
    present = {row.person_id: row for row in check_ins(session)}
    expected = list(session.expected.select_related("unit").order_by("staff_no"))
    expected_ids = {p.pk for p in expected}
    rows = [AttendanceRow(p, present.get(p.pk), True) for p in expected]
    rows += [
        AttendanceRow(row.person, row, False)
        for row in sorted(present.values(), key=lambda r: r.person.staff_no)
        if row.person_id not in expected_ids
    ]
    rows.sort(key=lambda r: (r.present, r.person.staff_no))
    return rows
