"""Reads about sign-ups: a person's status, the queue, and who signed up but never came."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from lms.models import CheckIn, CheckInSession, SignUp, SignUpStatus
from talent import api as talent


def registered_count(session: CheckInSession) -> int:
    return SignUp.objects.filter(session=session, status=SignUpStatus.REGISTERED).count()


def event_url(session: CheckInSession) -> str:
    """Where a person reads about the event: the salon page, or the session's sign-up page."""
    salon = getattr(session, "salon", None)
    if salon is not None:
        return reverse("lms:salon_detail", args=[salon.pk])
    return reverse("lms:session_signup", args=[session.pk])


@dataclass(frozen=True)
class SignUpState:
    """What the phone page shows: the person's status and the places left."""

    sign_up: SignUp | None
    waitlist_position: int | None
    registered: int
    capacity: int | None

    @property
    def status(self) -> str | None:
        if self.sign_up is None or self.sign_up.status == SignUpStatus.CANCELLED:
            return None
        return self.sign_up.status

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.registered >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.registered, 0)


def sign_up_state(session: CheckInSession, person: talent.Person | None) -> SignUpState:
    row = None
    position = None
    if person is not None:
        row = SignUp.objects.filter(session=session, person=person).first()
    if row is not None and row.status == SignUpStatus.WAITLISTED:
        position = (
            SignUp.objects.filter(
                session=session, status=SignUpStatus.WAITLISTED, joined_at__lte=row.joined_at
            )
            .exclude(joined_at=row.joined_at, id__gt=row.id)
            .count()
        )
    return SignUpState(row, position, registered_count(session), session.capacity)


def registered_people(session: CheckInSession) -> list[talent.Person]:
    return [
        row.person
        for row in SignUp.objects.filter(session=session, status=SignUpStatus.REGISTERED)
        .select_related("person__unit")
        .order_by("person__staff_no")
    ]


def no_shows(session: CheckInSession) -> list[talent.Person]:
    """People registered who never checked in, once the event is over (closed,
    or past its planned end); before that nobody is a no-show yet."""
    if session.is_open and timezone.now() < session.planned_end:
        return []
    checked_in = CheckIn.objects.filter(session=session).values("person_id")
    return [
        row.person
        for row in SignUp.objects.filter(session=session, status=SignUpStatus.REGISTERED)
        .exclude(person_id__in=checked_in)
        .select_related("person__unit")
        .order_by("person__staff_no")
    ]
