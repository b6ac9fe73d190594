"""The records issue 14 found false, each reproduced, plus the rules that keep them true:
a check-in window, attended hours, and a ticket that belongs to whoever scanned."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.models import CheckIn, PracticeLog, SessionKind
from lms.services import checkin as services
from lms.services import salons as salon_services
from talent.models import CEHourEntry, Role
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def scan_and_confirm_url(client, session) -> str:
    """What a phone does: open the projector's URL, land on the confirm page."""
    url = reverse("lms:checkin_scan", args=[session.pk]) + "?t=" + services.token_for(session)
    response = client.get(url)
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def mentor_session(mentoring, start, length=2 * HOUR):
    return services.open_session(
        actor=mentoring["mentor_user"],
        kind=SessionKind.MENTOR_SESSION,
        title="导师帮带：入户走访",
        planned_start=start,
        planned_end=start + length,
    )


def class_session(organiser, unit, start, length=2 * HOUR):
    return services.open_session(
        actor=organiser,
        kind=SessionKind.CLASS,
        title="社工实务课",
        planned_start=start,
        planned_end=start + length,
        unit=unit,
    )


# Check-in window ---------------------------------------------------------------


def test_a_salon_seven_weeks_ahead_refuses_a_scan_today_and_says_when_it_opens(
    client, centre, district, user_with_role
):
    """False record: a new user checked in on 2026-12-04 to a salon planned for 2027-01-21."""
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = salon_services.draft_next_salon(centre=centre["centre"])
    salon.starts_at = timezone.now() + datetime.timedelta(weeks=7)
    salon.ends_at = salon.starts_at + 2.5 * HOUR
    salon.save()
    salon = salon_services.publish_salon(actor=organiser, salon=salon)
    newcomer = PersonFactory(unit=district["panlong"], user=UserFactory())
    client.force_login(newcomer.user)
    url = reverse("lms:checkin_scan", args=[salon.check_in_session.pk])
    response = client.get(url + "?t=" + services.token_for(salon.check_in_session))
    if response.status_code == 302:  # today's main hands out a ticket and checks in
        client.post(response["Location"])
    assert not CheckIn.objects.exists()
    page = response.content.decode()
    opens = timezone.localtime(salon.starts_at - 30 * MINUTE)
    assert "签到尚未开始" in page and opens.strftime("%Y-%m-%d %H:%M") in page


def test_window_opens_lead_time_before_start_and_closes_grace_after_end(district, organiser):
    start = timezone.now().replace(microsecond=0) + 3 * HOUR
    session = class_session(organiser, district["jl"], start)
    person = PersonFactory(unit=district["panlong"])
    with pytest.raises(services.CheckInRefused) as early:
        services.check_in(session=session, person=person, at=start - 31 * MINUTE)
    assert early.value.code == "not_yet"
    with pytest.raises(services.CheckInRefused) as late:
        services.check_in(session=session, person=person, at=start + 2 * HOUR + 16 * MINUTE)
    assert late.value.code == "window_closed"
    assert "签到已于" in late.value.messages[0]
    assert not CheckIn.objects.exists()
    assert services.check_in(session=session, person=person, at=start - 30 * MINUTE).created


def test_the_scan_page_outside_the_window_writes_nothing_and_says_it_closed(
    client, district, organiser
):
    start = timezone.now() - 4 * HOUR
    session = class_session(organiser, district["jl"], start)
    client.force_login(PersonFactory(unit=district["panlong"], user=UserFactory()).user)
    url = reverse("lms:checkin_scan", args=[session.pk]) + "?t=" + services.token_for(session)
    response = client.get(url)
    assert response.status_code == 409
    closes = timezone.localtime(session.planned_end + 15 * MINUTE)
    assert f"签到已于 {closes:%Y-%m-%d %H:%M} 截止" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_lead_and_grace_come_from_the_editable_rule(district, organiser):
    from lms.models import CheckInRule

    CheckInRule.objects.filter(kind=SessionKind.CLASS).update(lead_minutes=5, grace_minutes=0)
    start = timezone.now() + HOUR
    session = class_session(organiser, district["jl"], start)
    assert session.checkin_opens_at == start - 5 * MINUTE
    assert session.checkin_closes_at == session.planned_end


def test_owner_opens_early_on_purpose_and_it_is_audited(district, organiser):
    from wagtail.models import ModelLogEntry

    start = timezone.now() + 3 * HOUR
    session = class_session(organiser, district["jl"], start)
    person = PersonFactory(unit=district["panlong"])
    with pytest.raises(services.CheckInRefused):
        services.check_in(session=session, person=person)
    with pytest.raises(Exception, match="负责人"):
        services.open_early(actor=UserFactory(), session=session)
    session = services.open_early(actor=organiser, session=session)
    assert services.check_in(session=session, person=person).created
    assert ModelLogEntry.objects.filter(action="lms.checkin.open_early").count() == 1


# Attended hours ------------------------------------------------------------------


def test_closing_a_two_hour_session_after_forty_minutes_does_not_credit_two_hours(mentoring):
    """False record: a mentor closed a 2-hour session after 40 minutes and every
    attendee got the full 2.0 hours."""
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        session = mentor_session(mentoring, start)
        for mentee in mentoring["mentees"]:
            services.check_in(session=session, person=mentee)
    with time_machine.travel(start + 40 * MINUTE, tick=False):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    # 40 of 120 minutes is below the 50 % minimum share: no hours at all
    assert not PracticeLog.objects.filter(hours=2).exists()
    assert not PracticeLog.objects.exists()


def test_early_close_and_late_arrival_credit_what_was_attended(mentoring):
    start = timezone.now().replace(microsecond=0)
    on_time, late = mentoring["mentees"]
    with time_machine.travel(start - 10 * MINUTE, tick=False):
        session = mentor_session(mentoring, start)
        services.check_in(session=session, person=on_time)  # early: counts from the start
    with time_machine.travel(start + 35 * MINUTE, tick=False):
        services.check_in(session=session, person=late)
    with time_machine.travel(start + 100 * MINUTE, tick=False):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    hours = {log.person_id: log.hours for log in PracticeLog.objects.all()}
    assert hours == {on_time.pk: Decimal("1.5"), late.pk: Decimal("1.0")}  # 100 and 65 min


def test_hours_are_capped_at_the_planned_length_and_checkout_ends_them(mentoring):
    start = timezone.now().replace(microsecond=0) - 3 * HOUR
    stays, leaves = mentoring["mentees"]
    with time_machine.travel(start, tick=False):
        session = mentor_session(mentoring, start)
        services.check_in(session=session, person=stays)
        services.check_in(session=session, person=leaves)
    with time_machine.travel(start + 75 * MINUTE, tick=False):
        services.check_out(session=session, person=leaves)
    with time_machine.travel(start + 2 * HOUR + 10 * MINUTE, tick=False):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    hours = {log.person_id: log.hours for log in PracticeLog.objects.all()}
    assert hours == {stays.pk: Decimal("2.0"), leaves.pk: Decimal("1.5")}  # 75 min ≈ 1.5


def test_rounding_step_and_minimum_share_are_data(mentoring):
    from lms.models import CheckInRule, Rounding

    CheckInRule.objects.filter(kind=SessionKind.MENTOR_SESSION).update(
        rounding_step=Decimal("1.0"), rounding=Rounding.DOWN, min_share_percent=25
    )
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        session = mentor_session(mentoring, start)
        services.check_in(session=session, person=mentoring["mentees"][0])
    with time_machine.travel(start + 110 * MINUTE, tick=False):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    assert PracticeLog.objects.get().hours == Decimal("1.0")  # 1 h 50 min, rounded down


def test_a_salon_credits_ce_hours_by_the_share_attended(centre, district, user_with_role):
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = salon_services.draft_next_salon(centre=centre["centre"])
    salon = salon_services.publish_salon(actor=organiser, salon=salon)  # 2.5 h, 3 CE hours
    whole, half = PersonFactory.create_batch(2, unit=district["panlong"])
    with time_machine.travel(salon.starts_at, tick=False):
        services.check_in(session=salon.check_in_session, person=whole)
    with time_machine.travel(salon.starts_at + 75 * MINUTE, tick=False):
        services.check_in(session=salon.check_in_session, person=half)
    with time_machine.travel(salon.ends_at, tick=False):
        services.close_session(actor=organiser, session=salon.check_in_session)
    credited = {e.person_id: e.hours for e in CEHourEntry.objects.filter(source="salon")}
    assert credited == {whole.pk: Decimal("3.0"), half.pk: Decimal("1.5")}


def test_the_close_screen_previews_each_persons_hours_before_confirming(client, mentoring):
    start = timezone.now().replace(microsecond=0)
    a, b = mentoring["mentees"]
    with time_machine.travel(start, tick=False):
        session = mentor_session(mentoring, start)
        services.check_in(session=session, person=a)
    client.force_login(mentoring["mentor_user"])
    with time_machine.travel(start + 90 * MINUTE, tick=False):
        page = client.get(reverse("lms:session_close", args=[session.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert a.name in text and "1.5" in text
        assert b.name in text and "未到" in text  # the absentees are listed too
        assert not PracticeLog.objects.exists()  # a preview writes nothing
        client.post(reverse("lms:session_close", args=[session.pk]))
    assert PracticeLog.objects.get().hours == Decimal("1.5")


# Anti-proxy ------------------------------------------------------------------------


def test_a_forwarded_ticket_link_checks_nobody_in(session_now, mentoring):
    """False record: a check-in link forwarded by one learner checked in another,
    who got a signed log (and CE hours) at close."""
    sender, receiver = mentoring["mentees"]
    phone_a, phone_b = Client(), Client()
    phone_a.force_login(sender.user)
    confirm = scan_and_confirm_url(phone_a, session_now)
    phone_b.force_login(receiver.user)
    response = phone_b.post(confirm)
    assert not CheckIn.objects.filter(person=receiver).exists()
    assert response.status_code == 409
    assert "转发" in response.content.decode()
    assert phone_a.post(confirm).status_code == 200  # the scanner still can
    assert CheckIn.objects.filter(person=sender).exists()


def test_a_ticket_scanned_logged_in_belongs_to_that_person(session_now, mentoring):
    """Same phone, someone else logs in: the ticket was minted for the first person."""
    first, second = mentoring["mentees"]
    phone = Client()
    phone.force_login(first.user)
    confirm = scan_and_confirm_url(phone, session_now)
    phone.force_login(second.user)
    response = phone.post(confirm)
    assert response.status_code == 409
    assert not CheckIn.objects.exists()


def test_one_device_cannot_check_in_two_people_to_the_same_session(session_now, mentoring):
    first, second = mentoring["mentees"]
    phone = Client()
    phone.force_login(first.user)
    assert phone.post(scan_and_confirm_url(phone, session_now)).status_code == 200
    phone.force_login(second.user)  # the same browser, another account, a fresh scan
    response = phone.post(scan_and_confirm_url(phone, session_now))
    assert response.status_code == 409
    assert "一部手机只能为一人签到" in response.content.decode()
    assert list(CheckIn.objects.values_list("person_id", flat=True)) == [first.pk]


def test_an_anonymous_scan_then_login_on_the_same_phone_still_works(session_now, mentoring):
    phone = Client()
    confirm = scan_and_confirm_url(phone, session_now)
    phone.force_login(mentoring["mentees"][0].user)
    assert "签到成功" in phone.post(confirm).content.decode()


@pytest.fixture
def session_now(mentoring):
    return mentor_session(mentoring, timezone.now() - 10 * MINUTE)


# Live roster and fallback code ---------------------------------------------------


def test_the_short_code_beside_the_qr_checks_in_like_a_scan(client, session_now, mentoring):
    mentee = mentoring["mentees"][0]
    client.force_login(mentee.user)
    wrong = client.post(reverse("lms:checkin_code"), {"code": "000000"})
    if services.code_for(session_now) != "000000":
        assert "签到码不正确" in wrong.content.decode()
    response = client.post(reverse("lms:checkin_code"), {"code": services.code_for(session_now)})
    assert response.status_code == 302
    assert "签到成功" in client.post(response["Location"]).content.decode()
    assert CheckIn.objects.filter(person=mentee).exists()


def test_a_code_of_a_session_outside_its_window_finds_nothing(district, organiser):
    session = class_session(organiser, district["jl"], timezone.now() + 3 * HOUR)
    with pytest.raises(services.CheckInRefused):
        services.verify_code(services.code_for(session))


def test_the_live_roster_lists_who_has_and_has_not_checked_in(client, session_now, mentoring):
    here, away = mentoring["mentees"]
    services.check_in(session=session_now, person=here)
    client.force_login(mentoring["mentor_user"])
    page = client.get(reverse("lms:session_roster", args=[session_now.pk])).content.decode()
    assert here.name in page and away.name in page
    assert page.index(away.name) < page.index(here.name)  # absentees first
    assert page.count("未到") >= 2  # the count label and the absentee's badge
    client.force_login(here.user)
    assert client.get(reverse("lms:session_roster", args=[session_now.pk])).status_code == 404


def test_the_projector_shows_the_code_and_no_qr_before_the_window(client, district, organiser):
    later = class_session(organiser, district["jl"], timezone.now() + 3 * HOUR)
    client.force_login(organiser)
    data = client.get(reverse("lms:session_live", args=[later.pk])).json()
    assert data["qr"] == "" and data["code"] == "" and "签到将于" in data["window_note"]
    services.open_early(actor=organiser, session=later)
    before = services.current_window()
    data = client.get(reverse("lms:session_live", args=[later.pk])).json()
    # the code of the window the request fell in (it rotates every few seconds)
    shown = {
        services.code_for(later, window=w) for w in range(before, services.current_window() + 1)
    }
    assert data["qr"].startswith("<svg") and data["code"] in shown


def test_absences_are_exported(client, session_now, mentoring):
    import io

    from openpyxl import load_workbook

    services.check_in(session=session_now, person=mentoring["mentees"][0])
    client.force_login(mentoring["mentor_user"])
    response = client.get(reverse("lms:session_export", args=[session_now.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    absent = list(book["缺席名单"].iter_rows(values_only=True))
    assert [row[1] for row in absent[1:]] == [mentoring["mentees"][1].name]
