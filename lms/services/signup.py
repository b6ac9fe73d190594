"""Sign-up 报名 for salons and classes: capacity, waitlist, promotion, reminders.

A sign-up takes a place while the session has one (``capacity`` empty means
no limit), else a place on the waitlist. Counting places locks the session row
(``select_for_update``), so two last-minute sign-ups cannot both take the last
place on PostgreSQL. Cancelling a place promotes the first on the waitlist and
tells them. The day before the event each registered person is reminded once:
the reminder task claims a row by setting ``reminded_at`` where it is empty.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import CheckInSession, SessionKind, SessionStatus, SignUp, SignUpStatus
from lms.permissions import require_self
from lms.selectors.signup import event_url, registered_count
from talent import api as talent

from .checkin import format_local

SIGNUP_KINDS = (SessionKind.SALON, SessionKind.CLASS)


def signup_refusal(session: CheckInSession, *, at: datetime.datetime | None = None) -> str:
    """Why this session takes no sign-up or cancellation now ('' when it does).
    The phone page asks this before offering the button."""
    at = at or timezone.now()
    if session.kind not in SIGNUP_KINDS or not session.signup_enabled:
        return _("本活动不开放报名。")
    if session.status != SessionStatus.OPEN or at >= session.planned_start:
        return _("报名已截止。")
    return ""


def _require_signup_open(session: CheckInSession) -> None:
    reason = signup_refusal(session)
    if reason:
        raise ValidationError(reason, code="signup_closed")


def _lock(session: CheckInSession) -> CheckInSession:
    return CheckInSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def sign_up(*, actor, session: CheckInSession, person: talent.Person) -> SignUp:
    """Sign ``person`` up, by themselves only: a place while one is free, else
    the end of the waitlist. Signing up twice returns the existing sign-up."""
    require_self(actor, person)
    session = _lock(session)
    _require_signup_open(session)
    now = timezone.now()
    existing = SignUp.objects.filter(session=session, person=person).first()
    if existing is not None and existing.status != SignUpStatus.CANCELLED:
        return existing
    full = session.capacity is not None and registered_count(session) >= session.capacity
    status = SignUpStatus.WAITLISTED if full else SignUpStatus.REGISTERED
    if existing is None:
        row = SignUp.objects.create(session=session, person=person, status=status, joined_at=now)
    else:
        row = existing
        row.status, row.joined_at = status, now
        row.cancelled_at = row.promoted_at = row.reminded_at = None
        row.save(
            update_fields=["status", "joined_at", "cancelled_at", "promoted_at", "reminded_at"]
        )
    talent.record_audit(
        actor=actor, action="lms.signup.create", obj=session, after={"status": status}
    )
    return row


@transaction.atomic
def cancel_sign_up(*, actor, session: CheckInSession, person: talent.Person) -> SignUp | None:
    """Cancel ``person``'s own sign-up. A freed place goes to the first on the
    waitlist, who is told. Returns the promoted sign-up, if any."""
    require_self(actor, person)
    session = _lock(session)
    _require_signup_open(session)
    row = SignUp.objects.filter(session=session, person=person).exclude(
        status=SignUpStatus.CANCELLED
    )
    row = row.first()
    if row is None:
        raise ValidationError(_("您没有报名本活动。"), code="not_signed_up")
    was = row.status
    row.status, row.cancelled_at = SignUpStatus.CANCELLED, timezone.now()
    row.save(update_fields=["status", "cancelled_at"])
    talent.record_audit(
        actor=actor, action="lms.signup.cancel", obj=session, before={"status": was}
    )
    if was == SignUpStatus.REGISTERED:
        return _promote_first(actor=actor, session=session)
    return None


def _promote_first(*, actor, session: CheckInSession) -> SignUp | None:
    if session.capacity is not None and registered_count(session) >= session.capacity:
        return None
    first = (
        SignUp.objects.select_related("person__user")
        .filter(session=session, status=SignUpStatus.WAITLISTED)
        .order_by("joined_at", "id")
        .first()
    )
    if first is None:
        return None
    first.status, first.promoted_at = SignUpStatus.REGISTERED, timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    talent.record_audit(
        actor=actor,
        action="lms.signup.promote",
        obj=session,
        after={"person": first.person.name, "status": first.status},
    )
    if first.person.user_id:
        talent.notify(
            recipient=first.person.user,
            title=_("候补成功：%(title)s") % {"title": session.title},
            body=_("有人取消了报名，您已由候补转为正式报名。活动时间：%(start)s。")
            % {"start": format_local(session.planned_start)},
            url=event_url(session),
        )
    return first


def remind_sign_ups(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone registered for an event that starts tomorrow (local date).

    Each reminder claims its row with a conditional update (``reminded_at``
    empty) in the same transaction as the notification, so running the task
    twice, or twice at once, reminds a person once per event.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    rows = (
        SignUp.objects.filter(
            status=SignUpStatus.REGISTERED,
            reminded_at__isnull=True,
            session__status=SessionStatus.OPEN,
            session__signup_enabled=True,
            session__planned_start__date=tomorrow,
        )
        .select_related("session", "person__user")
        .order_by("id")
    )
    sent = 0
    for row in rows:
        with transaction.atomic():
            claimed = SignUp.objects.filter(pk=row.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed or not row.person.user_id:
                continue
            session = row.session
            talent.notify(
                recipient=row.person.user,
                title=_("明天参加：%(title)s") % {"title": session.title},
                body=_("您报名的活动将于 %(start)s 开始，请准时到场扫码签到。")
                % {"start": format_local(session.planned_start)},
                url=event_url(session),
            )
            sent += 1
    return sent
