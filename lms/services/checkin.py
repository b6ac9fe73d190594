"""QR check-in: rotating tokens, checking in exactly once, closing a session.

A token is ``<window>-<mac>`` where ``window`` counts ``WINDOW_SECONDS`` since
the epoch and ``mac`` is an HMAC of the window under the session's own secret.
The current and the previous window are accepted, nothing older, so a photo
of the projector is useless after at most two windows. Scanning exchanges the
token for a short-lived *ticket* (signed with the same secret) that survives
a login; the ticket, not the token, is what the confirm form posts.

A ticket is bound to the scanning browser's device cookie and, when the scan
was made logged in, to that user: a forwarded link checks nobody in (ADR 0010).
Scans count only inside the session's window: ``lead_minutes`` before the
planned start (or since the owner opened early) to ``grace_minutes`` after the
planned end, and only while the session is open.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.models import (
    CheckIn,
    CheckInRule,
    CheckInSession,
    LogStatus,
    Mentorship,
    PracticeLog,
    SessionKind,
    SessionStatus,
    SignMethod,
)
from lms.selectors.checkin import closing_rows
from talent import api as talent

from .practice import after_signing

WINDOW_SECONDS = 10
TICKET_MAX_AGE = 180  # seconds a scan stays valid while the person logs in
_TOKEN_SALT = "lms.checkin.qr"
_TICKET_SALT = "lms.checkin.ticket"
_CODE_SALT = "lms.checkin.code"
CODE_DIGITS = 6
DEVICE_COOKIE = "academy_device"


class CheckInRefused(ValidationError):
    """A scan that must write nothing; ``message`` says why, in Chinese."""


def _forged() -> CheckInRefused:
    return CheckInRefused(_("二维码无效，请扫描现场大屏上的签到二维码。"), code="forged")


def format_local(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


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
    require_accepting(session, _moment(now))
    return window


def _moment(now: float | None) -> datetime.datetime:
    if now is None:
        return timezone.now()
    return datetime.datetime.fromtimestamp(now, tz=datetime.UTC)


def code_for(
    session: CheckInSession, *, now: float | None = None, window: int | None = None
) -> str:
    """The short code shown beside the QR, rotating with it, for phones that cannot scan."""
    window = current_window(now) if window is None else window
    mac = salted_hmac(
        _CODE_SALT, f"{session.pk}:{window}", secret=session.secret, algorithm="sha256"
    ).hexdigest()
    return f"{int(mac[:12], 16) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def verify_code(code: str, *, now: float | None = None) -> tuple[CheckInSession, int]:
    """The session whose projector shows ``code`` now (or a window ago), and that window.

    Only sessions taking scans right now are candidates, a handful at a time,
    so the code can stay short; a wrong or stale code says so and finds nothing.
    """
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    moment = _moment(now)
    window = current_window(now)
    if len(code) == CODE_DIGITS:
        candidates = CheckInSession.objects.filter(
            status=SessionStatus.OPEN, planned_end__gte=moment - datetime.timedelta(days=1)
        ).select_related("unit")
        for session in candidates:
            if not session.accepts_scans(moment):
                continue
            for candidate in (window, window - 1):
                if constant_time_compare(code, code_for(session, window=candidate)):
                    return session, candidate
    raise CheckInRefused(
        _("签到码不正确或已过期，请输入大屏上最新的 6 位签到码。"), code="bad_code"
    )


def ticket_for(
    session: CheckInSession, window: int, *, device: str, user_id: int | None = None
) -> str:
    """A scan's ticket, bound to the scanning browser (and user, if logged in)."""
    data = {"s": session.pk, "w": window, "d": device}
    if user_id is not None:
        data["u"] = user_id
    return signing.dumps(data, key=session.secret, salt=_TICKET_SALT)


def _forwarded() -> CheckInRefused:
    return CheckInRefused(
        _(
            "这个签到链接是在另一部手机上扫码生成的，转发的链接不能签到。"
            "请用您自己的手机扫描现场大屏上的二维码。"
        ),
        code="forwarded",
    )


def verify_ticket(session: CheckInSession, ticket: str, *, device: str, user_id: int) -> None:
    """Refuse a ticket that is forged, stale, of another session, or forwarded:
    minted for another browser, or for another logged-in user."""
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
    if not device or not constant_time_compare(str(data.get("d", "")), device):
        raise _forwarded()
    if "u" in data and data["u"] != user_id:
        raise _forwarded()
    require_accepting(session, timezone.now())


def _require_open(session: CheckInSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise CheckInRefused(_("本次签到已结束。"), code="closed")


def require_accepting(session: CheckInSession, at: datetime.datetime) -> None:
    """Refuse a scan outside the session's window, saying when it opens or closed."""
    _require_open(session)
    if at < session.checkin_opens_at:
        raise CheckInRefused(
            _("签到尚未开始：活动于 %(start)s 开始，签到于 %(opens)s 开放。")
            % {
                "start": format_local(session.planned_start),
                "opens": format_local(session.checkin_opens_at),
            },
            code="not_yet",
        )
    if at > session.checkin_closes_at:
        raise CheckInRefused(
            _("签到已于 %(closes)s 截止。") % {"closes": format_local(session.checkin_closes_at)},
            code="window_closed",
        )


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
    signup_enabled: bool = False,
    capacity: int | None = None,
) -> CheckInSession:
    """Open a check-in session owned by ``actor``.

    A mentor session belongs to the mentor's own unit and expects their current
    mentees; other kinds need a unit in the actor's organiser scope. The
    check-in window's lead and grace come from the kind's ``CheckInRule``.
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
    rule = CheckInRule.for_kind(kind)
    session = CheckInSession.objects.create(
        kind=kind,
        title=title,
        owner=actor,
        unit=unit,
        planned_start=planned_start,
        planned_end=planned_end,
        lead_minutes=rule.lead_minutes,
        grace_minutes=rule.grace_minutes,
        signup_enabled=signup_enabled,
        capacity=capacity,
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


@transaction.atomic
def open_early(*, actor, session: CheckInSession) -> CheckInSession:
    """The owner opens check-in before the lead time, on purpose; audited."""
    _require_owner(actor, session)
    session = CheckInSession.objects.select_for_update().get(pk=session.pk)
    _require_open(session)
    now = timezone.now()
    if now >= session.checkin_opens_at:
        return session
    before = session.checkin_opens_at
    session.opened_early_at = now
    session.save(update_fields=["opened_early_at"])
    talent.record_audit(
        actor=actor,
        action="lms.checkin.open_early",
        obj=session,
        before={"opens": before.isoformat()},
        after={"opens": now.isoformat()},
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


def _insert_while_open(
    session: CheckInSession, person: talent.Person, at, device: str | None
) -> int | None:
    """Insert the check-in in one statement, only while the session is open.

    Returns the new row's id, or ``None`` when the session is closed, the
    person is already checked in (``check_in_once``) or the device already
    checked someone in (``check_in_once_per_device``): ``ON CONFLICT DO
    NOTHING`` without a target covers both constraints.

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
        " (session_id, person_id, checked_in_at, checked_out_at, device)"
        f" SELECT id, %s, %s, NULL, %s FROM {quote(CheckInSession._meta.db_table)}"
        f" WHERE id = %s AND status = %s{lock}"
        " ON CONFLICT DO NOTHING RETURNING id"
    )
    params = [person.pk, connection.ops.adapt_datetimefield_value(at), device, session.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, SessionStatus.OPEN])
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    created: bool


def check_in(
    *,
    session: CheckInSession,
    person: talent.Person,
    at: datetime.datetime | None = None,
    device: str | None = None,
) -> CheckInResult:
    """Check ``person`` in once, inside the session's window. A second scan (or
    a concurrent one) returns the existing row with ``created=False``: the unique
    constraints decide, never a read-then-write in Python. A device that already
    checked in someone else is refused; so is a session closed in the meantime.
    """
    at = at or timezone.now()
    require_accepting(session, at)
    if not may_attend(session, person):
        raise CheckInRefused(_("您不在本次活动的签到名单中。"), code="not_expected")
    pk = _insert_while_open(session, person, at, device)
    if pk is not None:
        fields = ["id", "session_id", "person_id", "checked_in_at", "checked_out_at", "device"]
        values = [pk, session.pk, person.pk, at, None, device]
        row = CheckIn.from_db(connection.alias, fields, values)
        row.session, row.person = session, person
        return CheckInResult(row, True)
    existing = CheckIn.objects.filter(session=session, person=person).first()
    if existing is not None:
        return CheckInResult(existing, False)
    if device and CheckIn.objects.filter(session=session, device=device).exists():
        raise CheckInRefused(
            _(
                "这部手机已为另一位人员签到本次活动，一部手机只能为一人签到。"
                "请用您自己的手机扫码签到。"
            ),
            code="device_used",
        )
    raise CheckInRefused(_("本次签到已结束。"), code="closed")


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
    """Close a session in one transaction, crediting attended hours.

    Each check-in earns what the person attended (``selectors.closing_rows``:
    check-in to check-out, or to now or the planned end, capped at the planned
    length, rounded and with a minimum share, by the kind's ``CheckInRule``). A
    mentor or placement session turns each credited check-in into a signed
    practice log (method: session); a salon credits its continuing-education
    hours in proportion. Below the minimum share nothing is credited.
    """
    _require_owner(actor, session)
    session = CheckInSession.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CLOSED:
        raise ValidationError(_("本次签到已结束。"))
    now = timezone.now()
    session.status = SessionStatus.CLOSED
    session.closed_at = now
    session.save(update_fields=["status", "closed_at"])
    rows = closing_rows(session, closed_at=now, unsigned_only=True)
    credited = [r for r in rows if r.credited]
    logs: list[PracticeLog] = []
    if session.produces_practice_logs and credited:
        links = practice_links(session, [r.check_in for r in credited])
        day = timezone.localdate(session.planned_start)
        logs = PracticeLog.objects.bulk_create(
            [
                PracticeLog(
                    person=r.check_in.person,
                    date=day,
                    hours=r.credited,
                    activity=session.title[:200],
                    check_in=r.check_in,
                    status=LogStatus.SIGNED,
                    signed_by=actor,
                    sign_method=SignMethod.SESSION,
                    signed_at=now,
                    created_by=actor,
                    **links[r.check_in.pk],
                )
                for r in credited
            ]
        )
        after_signing(actor=actor, logs=logs)
    salon = getattr(session, "salon", None)
    if salon is not None:
        for r in credited:
            talent.credit_ce_hours(
                person=r.check_in.person,
                hours=r.credited,
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
        after={
            "check_ins": len(rows),
            "credited": len(credited),
            "practice_logs": len(logs),
            "hours": {r.check_in.person.name: str(r.credited or 0) for r in rows},
            "not_credited_own": [r.check_in.person.name for r in rows if r.refused],
        },
    )
    return logs
