"""Sign-up 报名: capacity, a waitlist that promotes on cancellation, a reminder the
day before (once), no-shows after the event, and who may do what."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_q.models import Schedule

from lms.models import CheckIn, SessionKind, SignUp, SignUpStatus
from lms.selectors import signup as selectors
from lms.services import checkin as checkin_services
from lms.services import signup as services
from lms.tasks import remind_tomorrows_sign_ups
from talent.models import Notification, Role
from tests.clock import local, pinned
from tests.factories import PersonFactory, UserFactory

DAY = datetime.date(2027, 3, 10)  # a Wednesday; the clock is pinned to 10:00 that day
pytestmark = [pytest.mark.django_db, pinned(DAY)]


@pytest.fixture
def session(organiser, district):
    """A class 课堂 tomorrow 14:00–16:00 in 九龙街道 with two places."""
    return checkin_services.open_session(
        actor=organiser,
        kind=SessionKind.CLASS,
        title="社工实务课",
        planned_start=local(DAY + datetime.timedelta(days=1), 14),
        planned_end=local(DAY + datetime.timedelta(days=1), 16),
        unit=district["jl"],
        signup_enabled=True,
        capacity=2,
    )


@pytest.fixture
def learners(district):
    return [
        PersonFactory(unit=district["panlong"], name=f"学员{i}", user=UserFactory())
        for i in range(4)
    ]


def sign_up(session, person):
    return services.sign_up(actor=person.user, session=session, person=person)


def test_places_fill_to_capacity_then_the_waitlist_takes_the_rest(session, learners):
    rows = [sign_up(session, p) for p in learners]
    assert [r.status for r in rows] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert selectors.sign_up_state(session, learners[3]).waitlist_position == 2
    state = selectors.sign_up_state(session, learners[0])
    assert state.full and state.places_left == 0 and state.status == "registered"


def test_signing_up_twice_keeps_one_sign_up(session, learners):
    sign_up(session, learners[0])
    again = sign_up(session, learners[0])
    assert again.status == SignUpStatus.REGISTERED
    assert SignUp.objects.filter(session=session).count() == 1


def test_a_cancellation_promotes_the_first_on_the_waitlist_and_tells_them(session, learners):
    for p in learners:
        sign_up(session, p)
    promoted = services.cancel_sign_up(actor=learners[0].user, session=session, person=learners[0])
    assert promoted.person == learners[2]
    statuses = dict(SignUp.objects.values_list("person__name", "status"))
    assert statuses == {
        "学员0": "cancelled",
        "学员1": "registered",
        "学员2": "registered",
        "学员3": "waitlisted",
    }
    note = Notification.objects.get(recipient=learners[2].user)
    assert "候补成功" in note.title and note.url == reverse("lms:session_signup", args=[session.pk])
    assert not Notification.objects.filter(recipient=learners[3].user).exists()
    assert selectors.sign_up_state(session, learners[3]).waitlist_position == 1


def test_cancelling_a_waitlist_place_promotes_nobody(session, learners):
    for p in learners[:3]:
        sign_up(session, p)
    assert (
        services.cancel_sign_up(actor=learners[2].user, session=session, person=learners[2]) is None
    )
    assert not Notification.objects.exists()


def test_signing_up_again_after_cancelling_joins_the_end_of_the_queue(session, learners):
    for p in learners[:3]:
        sign_up(session, p)
    services.cancel_sign_up(actor=learners[0].user, session=session, person=learners[0])
    assert sign_up(session, learners[0]).status == SignUpStatus.WAITLISTED


def test_sign_up_closes_when_the_event_starts(session, learners):
    with (
        time_machine.travel(session.planned_start, tick=False),
        pytest.raises(ValidationError, match="报名已截止"),
    ):
        sign_up(session, learners[0])


def test_a_session_without_sign_up_refuses_it(organiser, district, learners):
    plain = checkin_services.open_session(
        actor=organiser,
        kind=SessionKind.CLASS,
        title="不报名的课",
        planned_start=local(DAY, 14),
        planned_end=local(DAY, 16),
        unit=district["jl"],
    )
    with pytest.raises(ValidationError, match="不开放报名"):
        sign_up(plain, learners[0])


def test_the_reminder_goes_out_the_day_before_and_only_once(session, learners, organiser, district):
    for p in learners[:3]:
        sign_up(session, p)
    later = checkin_services.open_session(
        actor=organiser,
        kind=SessionKind.CLASS,
        title="下周的课",
        planned_start=local(DAY + datetime.timedelta(days=7), 14),
        planned_end=local(DAY + datetime.timedelta(days=7), 16),
        unit=district["jl"],
        signup_enabled=True,
    )
    sign_up(later, learners[0])
    assert remind_tomorrows_sign_ups() == 2  # the two places, not the waitlist, not next week
    assert remind_tomorrows_sign_ups() == 0
    assert services.remind_sign_ups() == 0
    reminded = Notification.objects.filter(title__startswith="明天参加")
    assert sorted(n.recipient_id for n in reminded) == sorted(p.user_id for p in learners[:2])


def test_the_reminder_is_scheduled_daily():
    schedule = Schedule.objects.get(name="lms.remind_tomorrows_sign_ups")
    assert schedule.func == "lms.tasks.remind_tomorrows_sign_ups"
    assert schedule.schedule_type == Schedule.DAILY


def test_no_shows_are_the_registered_who_never_checked_in_once_the_event_is_over(
    session, learners, client, organiser
):
    for p in learners[:3]:
        sign_up(session, p)
    assert selectors.no_shows(session) == []  # before the event nobody is a no-show
    with time_machine.travel(session.planned_start + datetime.timedelta(minutes=5)):
        checkin_services.check_in(session=session, person=learners[0])
        assert selectors.no_shows(session) == []
        client.force_login(organiser)
        close = client.get(reverse("lms:session_close", args=[session.pk])).content.decode()
        assert "学员1" in close and "已报名" in close  # absent, with their sign-up shown
        checkin_services.close_session(actor=organiser, session=session)
    session.refresh_from_db()
    assert selectors.no_shows(session) == [learners[1]]
    page = client.get(reverse("lms:session_detail", args=[session.pk])).content.decode()
    assert "报名未到 1 人" in page and "学员1" in page
    assert CheckIn.objects.count() == 1


def test_a_learner_cannot_sign_up_someone_else(session, learners, client):
    with pytest.raises(PermissionDenied):
        services.sign_up(actor=learners[0].user, session=session, person=learners[1])
    with pytest.raises(PermissionDenied):
        services.cancel_sign_up(actor=learners[0].user, session=session, person=learners[1])
    # the view has no person to choose: it signs up the logged-in learner only
    client.force_login(learners[0].user)
    client.post(reverse("lms:signup", args=[session.pk]), {"person": learners[1].pk})
    assert list(SignUp.objects.values_list("person", flat=True)) == [learners[0].pk]


def test_an_organiser_of_another_subdistrict_cannot_manage_the_session(
    session, client, yjp_organiser, organiser
):
    client.force_login(yjp_organiser)
    for name in ("lms:session_detail", "lms:session_roster", "lms:session_close"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert client.post(reverse("lms:session_close", args=[session.pk])).status_code == 404
    edit = client.get(f"/admin/lms/checkin-sessions/edit/{session.pk}/")
    assert edit.status_code in (302, 403, 404)
    with pytest.raises(PermissionDenied):
        checkin_services.close_session(actor=yjp_organiser, session=session)
    with pytest.raises(PermissionDenied):
        checkin_services.open_session(
            actor=yjp_organiser,
            kind=SessionKind.CLASS,
            title="越权的课",
            planned_start=session.planned_start,
            planned_end=session.planned_end,
            unit=session.unit,
        )


def test_an_organiser_creates_a_class_session_from_the_admin(client, organiser, district):
    client.force_login(organiser)
    assert client.get("/admin/lms/checkin-sessions/new/").status_code == 200
    response = client.post(
        "/admin/lms/checkin-sessions/new/",
        {
            "title": "个案管理课堂",
            "unit": district["jl"].pk,
            "planned_start": "2027-03-12 14:00",
            "planned_end": "2027-03-12 16:00",
            "lead_minutes": 30,
            "grace_minutes": 15,
            "signup_enabled": "on",
            "capacity": 30,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from lms.models import CheckInSession

    created = CheckInSession.objects.get(title="个案管理课堂")
    assert created.kind == SessionKind.CLASS and created.owner == organiser
    assert created.signup_enabled and created.capacity == 30
    edit = f"/admin/lms/checkin-sessions/edit/{created.pk}/"
    assert client.get(edit).status_code == 200


def test_the_admin_edits_only_class_sessions(client, organiser, mentoring):
    mentor_session = checkin_services.open_session(
        actor=mentoring["mentor_user"],
        kind=SessionKind.MENTOR_SESSION,
        title="导师帮带",
        planned_start=local(DAY, 10),
        planned_end=local(DAY, 12),
    )
    client.force_login(organiser)
    assert client.get(f"/admin/lms/checkin-sessions/edit/{mentor_session.pk}/").status_code == 404


def test_the_phone_page_shows_the_button_and_the_status(session, learners, client):
    client.force_login(learners[0].user)
    url = reverse("lms:session_signup", args=[session.pk])
    assert "报名" in client.get(url).content.decode()
    client.post(reverse("lms:signup", args=[session.pk]))
    page = client.get(url).content.decode()
    assert "已报名" in page and "取消报名" in page
    for p in learners[1:3]:
        sign_up(session, p)
    client.force_login(learners[2].user)
    assert "候补第1位" in client.get(url).content.decode()
    client.force_login(learners[3].user)
    page = client.get(url).content.decode()
    assert "已满" in page and "报名候补" in page
    client.force_login(learners[0].user)
    client.post(reverse("lms:signup_cancel", args=[session.pk]))
    client.force_login(learners[2].user)
    assert "已报名" in client.get(url).content.decode()


def test_a_published_salon_takes_sign_ups_on_its_page(client, centre, district, user_with_role):
    from lms.services import salons as salon_services

    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = salon_services.draft_next_salon(centre=centre["centre"], today=DAY)
    salon.capacity = 1
    salon.save()
    salon = salon_services.publish_salon(actor=organiser, salon=salon)
    assert salon.check_in_session.signup_enabled and salon.check_in_session.capacity == 1
    learner = PersonFactory(unit=district["panlong"], user=UserFactory())
    client.force_login(learner.user)
    url = reverse("lms:salon_detail", args=[salon.pk])
    assert "报名" in client.get(url).content.decode()
    response = client.post(reverse("lms:signup", args=[salon.check_in_session.pk]))
    assert response["Location"] == url
    assert "已报名" in client.get(url).content.decode()


def test_the_admin_lists_sign_ups_in_scope_read_only(
    session, learners, client, organiser, yjp_organiser
):
    sign_up(session, learners[0])
    client.force_login(organiser)
    listing = client.get("/admin/lms/sign-ups/")
    assert listing.status_code == 200 and "学员0" in listing.content.decode()
    row = SignUp.objects.get()
    assert client.get(f"/admin/lms/sign-ups/edit/{row.pk}/").status_code in (302, 403)
    client.force_login(yjp_organiser)
    assert "学员0" not in client.get("/admin/lms/sign-ups/").content.decode()
