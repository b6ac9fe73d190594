"""Separation of duties in lms: no sign-off of one's own hours, no mentorship one
is part of, mentors hold the mentor role, and closing a session credits
everyone but its owner."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lms.models import CheckIn, LogStatus, Mentorship, PracticeLog, SessionKind
from lms.selectors.checkin import closing_rows
from lms.services import checkin as checkin_services
from lms.services import practice as services
from talent.models import CEHourEntry, Role
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import MentorshipFactory, PracticeLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_with_person(jl_hr, district):
    PersonFactory(unit=district["panlong"], name="任人事", user=jl_hr)
    return jl_hr


def test_signing_ones_own_log_is_refused(mentoring, district):
    """A mentor who is also someone's mentee cannot sign their own hours."""
    mentor = mentoring["mentor"]
    elder = PersonFactory(unit=district["jl"], name="老导师")
    own = PracticeLogFactory(mentorship=MentorshipFactory(mentor=elder, mentee=mentor))
    with pytest.raises(ValidationError, match="职责分离：不能签核本人的实践学时"):
        services.sign_off(actor=mentoring["mentor_user"], log_ids=[own.pk])
    own.refresh_from_db()
    assert own.status == LogStatus.PENDING and own.signed_by is None
    assert not CEHourEntry.objects.exists()


def test_hr_cannot_make_themselves_a_mentor(hr_with_person, people):
    with pytest.raises(ValidationError, match="职责分离：不能安排本人参与的导师帮带"):
        services.create_mentorship(
            actor=hr_with_person,
            mentor=hr_with_person.person,
            mentee=people["panlong"],
            started_on=timezone.localdate(),
        )
    assert not Mentorship.objects.exists()


def test_hr_cannot_make_themselves_a_mentee(hr_with_person, mentoring):
    with pytest.raises(ValidationError, match="职责分离"):
        services.create_mentorship(
            actor=hr_with_person,
            mentor=mentoring["mentor"],
            mentee=hr_with_person.person,
            started_on=timezone.localdate(),
        )
    assert not Mentorship.objects.filter(mentee=hr_with_person.person).exists()


def test_a_mentor_must_hold_the_mentor_role(hr_with_person, people, district):
    colleague = PersonFactory(unit=district["longquan"], name="无角色", user=UserFactory())
    with pytest.raises(ValidationError, match="无角色 未被授予导师角色"):
        services.create_mentorship(
            actor=hr_with_person,
            mentor=colleague,
            mentee=people["panlong"],
            started_on=timezone.localdate(),
        )
    assert not Mentorship.objects.exists()


def test_a_mentor_outside_the_actors_scope_is_refused(hr_with_person, people, mentoring):
    other_mentor = mentoring["other_mentor_user"].person  # 杨家坪街道
    with pytest.raises(ValidationError, match="该导师不在您的管辖范围内"):
        services.create_mentorship(
            actor=hr_with_person,
            mentor=other_mentor,
            mentee=people["panlong"],
            started_on=timezone.localdate(),
        )
    assert not Mentorship.objects.filter(mentor=other_mentor, mentee=people["panlong"]).exists()


def test_a_mentor_with_the_role_in_scope_is_paired(hr_with_person, people, mentoring):
    pairing = services.create_mentorship(
        actor=hr_with_person,
        mentor=mentoring["mentor"],
        mentee=people["panlong"],
        started_on=timezone.localdate(),
    )
    assert pairing.mentor == mentoring["mentor"]


def test_mentorship_form_offers_only_mentors_and_never_oneself(
    client, hr_with_person, people, mentoring, district
):
    PersonFactory(unit=district["longquan"], name="无角色", user=UserFactory())
    client.force_login(hr_with_person)
    response = client.get(reverse("lms_mentorship:add"))
    mentor_field = response.context["form"].fields["mentor"]
    assert list(mentor_field.queryset) == [mentoring["mentor"]]
    assert hr_with_person.person not in response.context["form"].fields["mentee"].queryset
    response = client.post(
        reverse("lms_mentorship:add"),
        {
            "mentor": hr_with_person.person.pk,
            "mentee": people["panlong"].pk,
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not Mentorship.objects.filter(mentee=people["panlong"]).exists()


def test_closing_a_shift_signs_everyone_but_its_owner(district, user_with_role):
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    own = PersonFactory(unit=district["jl"], name="组织者本人", user=organiser)
    guest = PersonFactory(unit=district["panlong"], name="来宾")
    start = timezone.now() - datetime.timedelta(minutes=5)
    session = checkin_services.open_session(
        actor=organiser,
        kind=SessionKind.PLACEMENT_SHIFT,
        title="实践值班",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
        unit=district["panlong"],
    )
    for person in (own, guest):
        checkin_services.check_in(session=session, person=person, at=start)
    with time_machine.travel(session.planned_end, tick=False):
        rows = {r.check_in.person_id: r for r in closing_rows(session, closed_at=timezone.now())}
        assert rows[own.pk].credited is None and "职责分离" in rows[own.pk].refused
        assert rows[guest.pk].credited == Decimal(2)
        checkin_services.close_session(actor=organiser, session=session)
    assert list(PracticeLog.objects.values_list("person_id", flat=True)) == [guest.pk]
    assert CheckIn.objects.filter(session=session).count() == 2
