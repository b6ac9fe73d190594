"""Reads about check-in sessions: what the owner's screens show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, QuerySet

from lms.models import (
    CheckIn,
    CheckInRule,
    CheckInSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
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
    registered: bool = False  # signed up (报名) and holding a place

    @property
    def present(self) -> bool:
        return self.check_in is not None


def attendance(session: CheckInSession) -> list[AttendanceRow]:
    """Everyone expected, signed up or present, absentees first, in three queries.
    A person who holds a sign-up place is expected."""
    present = {row.person_id: row for row in check_ins(session)}
    expected = {p.pk: p for p in session.expected.select_related("unit")}
    registered = {
        row.person_id: row.person
        for row in SignUp.objects.filter(
            session=session, status=SignUpStatus.REGISTERED
        ).select_related("person__unit")
    }
    people = {**registered, **expected}
    rows = [
        AttendanceRow(p, present.get(pk), True, registered=pk in registered)
        for pk, p in people.items()
    ]
    rows += [
        AttendanceRow(row.person, row, False)
        for row in present.values()
        if row.person_id not in people
    ]
    rows.sort(key=lambda r: (r.present, r.person.staff_no))
    return rows


@dataclass(frozen=True)
class ClosingRow:
    """What closing a session credits one check-in: the close screen's preview
    and ``close_session`` read the same rows."""

    check_in: CheckIn
    attended: Decimal  # hours attended, unrounded
    credited: Decimal | None  # hours written at close; None when the kind credits nothing
    refused: str = ""  # why nothing is credited although the kind credits (the owner's own)

    @property
    def attended_minutes(self) -> int:
        return int(self.attended * 60)


def closing_rows(
    session: CheckInSession, *, closed_at: datetime.datetime, unsigned_only: bool = False
) -> list[ClosingRow]:
    """Each check-in's attended and credited hours if the session closed at
    ``closed_at``: practice hours for mentor and placement sessions, the salon's
    continuing-education hours in proportion for a salon, nothing for a class."""
    rule = CheckInRule.for_kind(session.kind)
    salon = getattr(session, "salon", None)
    planned = session.planned_hours
    if session.produces_practice_logs:
        full_credit = planned
    elif salon is not None and salon.ce_hours > 0:
        full_credit = Decimal(salon.ce_hours)
    else:
        full_credit = None
    rows = CheckIn.objects.filter(session=session).select_related("person__unit")
    if unsigned_only:
        rows = rows.filter(practice_log__isnull=True)
    # Closing signs the hours off: never the owner's own (separation of duties).
    decision = (
        talent.Decision.SIGN_OFF if session.produces_practice_logs else talent.Decision.CE_HOURS
    )
    result = []
    for row in rows.order_by("checked_in_at", "id"):
        row.session = session
        attended = row.attended_hours(closed_at=closed_at)
        credited, refused = None, ""
        if full_credit is not None:
            refused = talent.self_decision_refusal(session.owner, row.person, decision) or ""
            if not refused:
                credited = rule.credit(planned=planned, attended=attended, full_credit=full_credit)
        result.append(ClosingRow(row, attended, credited, refused))
    return result


def rule_for(session: CheckInSession) -> CheckInRule:
    return CheckInRule.for_kind(session.kind)
