"""Reads about check-in sessions: what the owner's screens show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet

from lms.models import CheckIn, CheckInSession, SessionStatus
from talent import api as talent


def session_for_scan(session_id: int, user) -> tuple[CheckInSession, talent.Person | None]:
    """The scanned session and the scanning user's person, in one query.

    A scan is the hot path (a room of phones at once, ADR 0009), and the ORM
    cannot fetch an unrelated row alongside, so this is SQL. The person comes
    back with only its id loaded; any other field loads on first use.
    Raises ``CheckInSession.DoesNotExist``.
    """
    quote = connection.ops.quote_name
    sql = (
        "SELECT s.*, (SELECT p.id FROM "  # noqa: S608 - table names from _meta
        f"{quote(talent.Person._meta.db_table)} p WHERE p.user_id = %s) AS scanner_id"
        f" FROM {quote(CheckInSession._meta.db_table)} s WHERE s.id = %s"
    )
    for session in CheckInSession.objects.raw(sql, [user.pk, session_id]):
        if session.scanner_id is None:
            return session, None
        return session, talent.Person.from_db(
            connection.alias, ["id", "user_id"], [session.scanner_id, user.pk]
        )
    raise CheckInSession.DoesNotExist(f"CheckInSession {session_id} does not exist")


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
