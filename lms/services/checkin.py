"""QR check-in: rotating tokens, checking in exactly once, closing a session.

A token is ``<window>-<mac>`` where ``window`` counts ``WINDOW_SECONDS`` since
the epoch and ``mac`` is an HMAC of the window under the session's own secret.
The current and the previous window are accepted, nothing older, so a photo
of the projector is useless after at most two windows. Scanning exchanges the
token for a short-lived *ticket* (signed with the same secret) that survives
a login; the ticket, not the token, is what the confirm form posts.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from lms.models import (
    CheckIn,
    CheckInSession,
    LogStatus,
    Mentorship,
    PracticeLog,
    SessionKind,
    SessionStatus,
    SignMethod,
)
from talent import api as talent

from .practice import after_signing

WINDOW_SECONDS = 10
TICKET_MAX_AGE = 180  # seconds a scan stays valid while the person logs in
_TOKEN_SALT = "lms.checkin.qr"
_TICKET_SALT = "lms.checkin.ticket"


class CheckInRefused(ValidationError):
    """A scan that must write nothing; ``message`` says why, in Chinese."""


def _forged() -> CheckInRefused:
    return CheckInRefused(_("二维码无效，请扫描现场大屏上的签到二维码。"), code="forged")


# Tokens ---------------------------------------------------------------------


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _mac(session: CheckInSession, window: int) -> str:
    return salted_hmac(
        _TOKEN_SALT, f"{session.pk}:{window}", secret=session.secret, algorithm="sha256"
    ).hexdigest()[:32]


def token_for(session: CheckInSession, *, now: float | None = None) -> str:
    window = current_window(now)
    return f"{window}-{_mac(session, window)}"


def verify_token(session: CheckInSession, token: str, *, now: float | None = None) -> int:
    """Return the token's window, or raise ``CheckInRefused`` with the reason."""
    window_text, _sep, mac = (token or "").partition("-")
    if not window_text.isdigit() or not mac:
        raise _forged()
    window = int(window_text)
    if not constant_time_compare(mac, _mac(session, window)):
        raise _forged()
    now_window = current_window(now)
    if window > now_window:
        raise _forged()
    if window < now_window - 1:
        raise CheckInRefused(_("二维码已过期，请重新扫描大屏上最新的二维码。"), code="expired")
    _require_open(session)
    return window


def ticket_for(session: CheckInSession, window: int) -> str:
    return signing.dumps({"s": session.pk, "w": window}, key=session.secret, salt=_TICKET_SALT)


def verify_ticket(session: CheckInSession, ticket: str) -> None:
    try:
        data = signing.loads(ticket, key=session.secret, salt=_TICKET_SALT, max_age=TICKET_MAX_AGE)
    except signing.SignatureExpired:
        raise CheckInRefused(
            _("扫码后等待时间过长，请重新扫描大屏上的二维码。"), code="expired"
        ) from None
    except signing.BadSignature:
        raise CheckInRefused(
            _("二维码无效，请扫描现场大屏上的签到二维码。"), code="forged"
        ) from None
    if data.get("s") != session.pk:
        raise _forged()
    _require_open(session)


def _require_open(session: CheckInSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise CheckInRefused(_("本次签到已结束。"), code="closed")


# Opening and checking in -----------------------------------------------------


def _require_owner(actor, session: CheckInSession) -> None:
    if not (actor.is_superuser or session.owner_id == actor.pk):
        raise PermissionDenied(_("只有签到活动的负责人可以执行此操作。"))


@transaction.atomic
def open_session(
    *,
    actor,
    kind: str,
    title: str,
    planned_start: datetime.datetime,
    planned_end: datetime.datetime,
    unit: talent.OrgUnit | None = None,
    expected: list[talent.Person] | None = None,
) -> CheckInSession:
    """Open a check-in session owned by ``actor``.

    A mentor session belongs to the mentor's own unit and expects their current
    mentees; other kinds need a unit in the actor's organiser scope.
    """
    person = talent.person_for_user(actor)
    if kind == SessionKind.MENTOR_SESSION:
        if not (actor.is_superuser or talent.Role.MENTOR in talent.user_roles(actor)):
            raise PermissionDenied(_("只有导师可以发起帮带签到。"))
        if person is None:
            raise PermissionDenied(_("此账号尚未关联人员档案，不能发起帮带签到。"))
        unit = person.unit
        if expected is None:
            expected = list(
                talent.Person.objects.filter(
                    mentorships__in=Mentorship.objects.current().filter(mentor=person)
                ).distinct()
            )
    elif unit is None or not talent.scope_for(actor, roles=talent.ORGANISER_ROLES).contains_unit(
        unit
    ):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    if planned_end <= planned_start:
        raise ValidationError(_("结束时间必须晚于开始时间。"))
    session = CheckInSession.objects.create(
        kind=kind,
        title=title,
        owner=actor,
        unit=unit,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    if expected:
        session.expected.set(expected)
    talent.record_audit(
        actor=actor,
        action="lms.checkin.open",
        obj=session,
        after={"kind": kind, "title": title, "unit": unit.name},
    )
    return session


def may_attend(session: CheckInSession, person: talent.Person) -> bool:
    """Who may check in: anyone to salons and classes; to a mentor session only
    the owner's current mentees (or people the owner listed as expected)."""
    if session.kind != SessionKind.MENTOR_SESSION:
        return True
    if session.expected.filter(pk=person.pk).exists():
        return True
    return Mentorship.objects.current().filter(mentor__user=session.owner, mentee=person).exists()


def _insert_while_open(session: CheckInSession, person: talent.Person, at) -> int | None:
    """Insert the check-in in one statement, only while the session is open.

    Returns the new row's id, or ``None`` when the session is closed or the
    person is already checked in (the ``check_in_once`` constraint).

    One ``INSERT ... SELECT`` makes the open check and the insert a single
    atomic step without an explicit transaction, so SQLite's write lock is
    held inside SQLite for microseconds rather than across Python work that
    other threads can pre-empt (ADR 0009). On PostgreSQL the ``FOR SHARE``
    row lock makes ``close_session``'s ``select_for_update`` wait for
    in-flight check-ins, so every committed check-in gets its practice log.
    The ORM cannot express a conditional insert, hence the SQL.
    """
    quote = connection.ops.quote_name
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    sql = (
        f"INSERT INTO {quote(CheckIn._meta.db_table)}"  # noqa: S608 - names from _meta
        " (session_id, person_id, checked_in_at, checked_out_at)"
        f" SELECT id, %s, %s, NULL FROM {quote(CheckInSession._meta.db_table)}"
        f" WHERE id = %s AND status = %s{lock}"
        " ON CONFLICT (session_id, person_id) DO NOTHING RETURNING id"
    )
    params = [person.pk, connection.ops.adapt_datetimefield_value(at), session.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, SessionStatus.OPEN])
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    created: bool


def check_in(
    *, session: CheckInSession, person: talent.Person, at: datetime.datetime | None = None
) -> CheckInResult:
    """Check ``person`` in once. A second scan (or a concurrent one) returns the
    existing row with ``created=False``: the unique constraint decides, never
    a read-then-write in Python. A session closed in the meantime refuses.
    """
    _require_open(session)
    if not may_attend(session, person):
        raise CheckInRefused(_("您不在本次活动的签到名单中。"), code="not_expected")
    at = at or timezone.now()
    pk = _insert_while_open(session, person, at)
    if pk is not None:
        fields = ["id", "session_id", "person_id", "checked_in_at", "checked_out_at"]
        row = CheckIn.from_db(connection.alias, fields, [pk, session.pk, person.pk, at, None])
        row.session, row.person = session, person
        return CheckInResult(row, True)
    existing = CheckIn.objects.filter(session=session, person=person).first()
    if existing is None:
        raise CheckInRefused(_("本次签到已结束。"), code="closed")
    return CheckInResult(existing, False)


@transaction.atomic
def check_out(*, session: CheckInSession, person: talent.Person) -> CheckIn:
    """Record leaving (optional). Only the first check-out counts."""
    _require_open(session)
    row = CheckIn.objects.select_for_update().filter(session=session, person=person).first()
    if row is None:
        raise CheckInRefused(_("您还没有签到，不能签退。"), code="not_checked_in")
    if row.checked_out_at is None:
        row.checked_out_at = timezone.now()
        row.save(update_fields=["checked_out_at"])
    return row


# Closing --------------------------------------------------------------------

HALF_HOUR = Decimal("0.5")


def _round_half_hours(delta: datetime.timedelta) -> Decimal:
    hours = Decimal(delta.total_seconds()) / Decimal(3600)
    rounded = (hours / HALF_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HALF_HOUR
    return min(max(rounded, HALF_HOUR), Decimal(24))


def hours_for(session: CheckInSession, row: CheckIn) -> Decimal:
    """Hours from check-in to check-out when both exist, else the session's length."""
    if row.checked_out_at:
        return _round_half_hours(row.checked_out_at - row.checked_in_at)
    return _round_half_hours(session.planned_end - session.planned_start)


def practice_links(session: CheckInSession, rows: list[CheckIn]) -> dict[int, dict]:
    """What each check-in's practice log links to, keyed by check-in id.

    The one place that knows how a session relates to a log: a mentor session
    links the mentee's current mentorship with the owner; a placement shift links
    each attendee's approved or active placement at the session's unit.
    """
    links: dict[int, dict] = {row.pk: {} for row in rows}
    if session.kind == SessionKind.MENTOR_SESSION:
        day = timezone.localdate(session.planned_start)
        mentorships = {
            m.mentee_id: m
            for m in Mentorship.objects.current(day).filter(
                mentor__user=session.owner, mentee_id__in=[r.person_id for r in rows]
            )
        }
        for row in rows:
            links[row.pk]["mentorship"] = mentorships.get(row.person_id)
    elif session.kind == SessionKind.PLACEMENT_SHIFT:
        # a shift at the host counts toward each attendee's placement there
        day = timezone.localdate(session.planned_start)
        placements = talent.placements_on_shift(session.unit, day, [r.person_id for r in rows])
        for row in rows:
            links[row.pk]["placement"] = placements.get(row.person_id)
    return links


@transaction.atomic
def close_session(*, actor, session: CheckInSession) -> list[PracticeLog]:
    """Close a session in one transaction. A mentor or placement session turns
    every check-in into a signed practice log (method: session); a salon
    credits its continuing-education hours to everyone who checked in.
    """
    _require_owner(actor, session)
    session = CheckInSession.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CLOSED:
        raise ValidationError(_("本次签到已结束。"))
    now = timezone.now()
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.save(update_fields=["status", "closed_at"])
    rows = list(
        CheckIn.objects.filter(session=session, practice_log__isnull=True).select_related("person")
    )
    logs: list[PracticeLog] = []
    if session.produces_practice_logs and rows:
        links = practice_links(session, rows)
        day = timezone.localdate(session.planned_start)
        logs = PracticeLog.objects.bulk_create(
            [
                PracticeLog(
                    person=row.person,
                    date=day,
                    hours=hours_for(session, row),
                    activity=session.title[:200],
                    check_in=row,
                    status=LogStatus.SIGNED,
                    signed_by=actor,
                    sign_method=SignMethod.SESSION,
                    signed_at=now,
                    created_by=actor,
                    **links[row.pk],
                )
                for row in rows
            ]
        )
        after_signing(actor=actor, logs=logs)
    salon = getattr(session, "salon", None)
    if salon is not None and salon.ce_hours > 0:
        for row in rows:
            talent.credit_ce_hours(
                person=row.person,
                hours=salon.ce_hours,
                source=talent.CESource.SALON,
                source_ref=f"salon:{salon.pk}",
                earned_on=timezone.localdate(salon.starts_at),
                description=salon.title[:200],
                actor=actor,
            )
    talent.record_audit(
        actor=actor,
        action="lms.checkin.close",
        obj=session,
        after={"check_ins": len(rows), "practice_logs": len(logs)},
    )
    return logs
