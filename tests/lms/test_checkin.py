import datetime
import io
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms.models import (
    CheckIn,
    CheckInSession,
    LogStatus,
    PracticeLog,
    SessionKind,
    SessionStatus,
    SignMethod,
)
from lms.services import checkin as services
from talent.models import CEHourEntry
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import CheckInSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mentoring):
    start = timezone.now() - datetime.timedelta(minutes=30)
    return services.open_session(
        actor=mentoring["mentor_user"],
        kind=SessionKind.MENTOR_SESSION,
        title="导师帮带：入户走访",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
    )


def scan_url(session, token=None):
    return (
        reverse("lms:checkin_scan", args=[session.pk])
        + "?t="
        + (token or services.token_for(session))
    )


# Tokens ---------------------------------------------------------------------


def test_current_and_previous_window_tokens_are_accepted(session):
    now = time.time()
    previous = services.token_for(session, now=now - services.WINDOW_SECONDS)
    assert services.verify_token(session, services.token_for(session, now=now), now=now)
    assert services.verify_token(session, previous, now=now)


def test_token_two_windows_old_is_expired(session):
    now = time.time()
    old = services.token_for(session, now=now - 2 * services.WINDOW_SECONDS)
    with pytest.raises(services.CheckInRefused) as refused:
        services.verify_token(session, old, now=now)
    assert refused.value.code == "expired"


@pytest.mark.parametrize("token", ["", "abc", "123-", "-abc", "99999999999-deadbeef"])
def test_malformed_or_forged_tokens_are_refused(session, token):
    with pytest.raises(services.CheckInRefused) as refused:
        services.verify_token(session, token)
    assert refused.value.code == "forged"


def test_token_of_another_session_is_refused(session, mentoring):
    other = CheckInSessionFactory(owner=mentoring["mentor_user"], unit=session.unit)
    with pytest.raises(services.CheckInRefused) as refused:
        services.verify_token(session, services.token_for(other))
    assert refused.value.code == "forged"


def test_future_window_is_refused(session):
    now = time.time()
    future = services.token_for(session, now=now + 5 * services.WINDOW_SECONDS)
    with pytest.raises(services.CheckInRefused):
        services.verify_token(session, future, now=now)


def test_tokens_differ_between_sessions_in_the_same_window(session, mentoring):
    other = CheckInSessionFactory(owner=mentoring["mentor_user"], unit=session.unit)
    now = time.time()
    assert services.token_for(session, now=now) != services.token_for(other, now=now)
    assert session.secret != other.secret


# Scanning -------------------------------------------------------------------


def test_scan_then_confirm_checks_in_once(client, session, mentoring):
    client.force_login(mentoring["mentees"][0].user)
    response = client.get(scan_url(session))
    assert response.status_code == 302
    confirm = response["Location"]
    page = client.get(confirm)
    assert "确认签到" in page.content.decode()
    assert CheckIn.objects.count() == 0  # GET writes nothing
    done = client.post(confirm)
    assert "签到成功" in done.content.decode()
    again = client.post(confirm)
    assert again.status_code == 200
    assert "您已签到" in again.content.decode()
    assert CheckIn.objects.filter(session=session).count() == 1


def test_the_scan_post_is_five_queries_and_offers_check_out_on_the_same_page(
    client, session, mentoring, django_assert_max_num_queries
):
    """The hot path of a room of phones: login session, user, check-in
    session, person and one conditional insert; nothing for the page chrome."""
    client.force_login(mentoring["mentees"][0].user)
    confirm = client.get(scan_url(session))["Location"]
    with django_assert_max_num_queries(5):
        done = client.post(confirm)
    page = done.content.decode()
    assert "签到成功" in page and 'class="tabbar"' not in page
    assert f'href="{confirm}"' in page  # check-out is one tap away, by GET
    again = client.get(confirm).content.decode()
    assert "您已签到" in again
    assert reverse("lms:checkin_out", args=[session.pk]) in again
    assert CheckIn.objects.filter(session=session).count() == 1


def test_anonymous_scan_survives_login(client, session, mentoring):
    response = client.get(scan_url(session))
    confirm = response["Location"]
    login_redirect = client.get(confirm)
    assert login_redirect.status_code == 302
    assert reverse("login") in login_redirect["Location"]
    client.force_login(mentoring["mentees"][1].user)
    assert client.post(confirm).status_code == 200
    assert CheckIn.objects.filter(person=mentoring["mentees"][1]).exists()


def test_expired_token_shows_chinese_message_and_writes_nothing(client, session, mentoring):
    client.force_login(mentoring["mentees"][0].user)
    old = services.token_for(session, now=time.time() - 3 * services.WINDOW_SECONDS)
    response = client.get(scan_url(session, old))
    assert response.status_code == 400
    assert "二维码已过期" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_forged_ticket_is_refused(client, session, mentoring):
    client.force_login(mentoring["mentees"][0].user)
    url = reverse("lms:checkin_confirm", args=[session.pk, "forged:ticket"])
    response = client.post(url)
    assert response.status_code == 400
    assert "二维码无效" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_ticket_of_another_session_is_refused(client, session, mentoring):
    other = CheckInSessionFactory(owner=mentoring["mentor_user"], unit=session.unit)
    ticket = services.ticket_for(other, services.current_window(), device="d" * 22)
    client.cookies[services.DEVICE_COOKIE] = "d" * 22
    client.force_login(mentoring["mentees"][0].user)
    response = client.post(reverse("lms:checkin_confirm", args=[session.pk, ticket]))
    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


def test_non_mentee_cannot_check_in_to_a_mentor_session(client, session, mentoring):
    client.force_login(mentoring["outsider"].user)
    confirm = client.get(scan_url(session))["Location"]
    response = client.post(confirm)
    assert response.status_code == 409
    assert "不在本次活动的签到名单中" in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_closed_session_refuses_scans(client, session, mentoring):
    services.close_session(actor=mentoring["mentor_user"], session=session)
    client.force_login(mentoring["mentees"][0].user)
    response = client.get(scan_url(session))
    assert "本次签到已结束" in response.content.decode()
    with pytest.raises(services.CheckInRefused):
        services.check_in(session=session, person=mentoring["mentees"][0])


# Closing --------------------------------------------------------------------


def test_closing_a_mentor_session_signs_logs_in_one_go(session, mentoring):
    a, b = mentoring["mentees"]
    start = session.planned_start
    services.check_in(session=session, person=a, at=start)
    services.check_in(session=session, person=b, at=start)
    services.check_out(session=session, person=b)
    CheckIn.objects.filter(person=b).update(checked_out_at=start + datetime.timedelta(minutes=70))
    with time_machine.travel(session.planned_end, tick=False):
        logs = services.close_session(actor=mentoring["mentor_user"], session=session)
    assert len(logs) == 2
    by_person = {log.person_id: log for log in PracticeLog.objects.all()}
    assert by_person[a.pk].hours == 2  # the session's planned length
    assert by_person[b.pk].hours == 1  # check-in to check-out, nearest half hour
    for log in by_person.values():
        assert log.status == LogStatus.SIGNED
        assert log.sign_method == SignMethod.SESSION
        assert log.signed_by == mentoring["mentor_user"]
        assert log.mentorship.mentor == mentoring["mentor"]
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert a.user.notifications.filter(title__contains="已签核").exists()
    assert CEHourEntry.objects.filter(person=a, source="mentoring").exists()


def test_closing_twice_is_refused_and_creates_nothing_more(session, mentoring):
    services.check_in(session=session, person=mentoring["mentees"][0], at=session.planned_start)
    with time_machine.travel(session.planned_end, tick=False):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    with pytest.raises(Exception, match="已结束"):
        services.close_session(actor=mentoring["mentor_user"], session=session)
    assert PracticeLog.objects.count() == 1


def test_only_the_owner_closes(client, session, mentoring):
    client.force_login(mentoring["other_mentor_user"])
    response = client.post(reverse("lms:session_close", args=[session.pk]))
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.is_open


def test_class_session_close_writes_no_practice_logs(district, user_with_role):
    from talent.models import Role

    organiser = user_with_role(Role.ORGANISER, district["jl"])
    start = timezone.now()
    session = services.open_session(
        actor=organiser,
        kind=SessionKind.CLASS,
        title="社工实务课",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=1),
        unit=district["jl"],
    )
    services.check_in(session=session, person=PersonFactory(unit=district["panlong"]))
    assert services.close_session(actor=organiser, session=session) == []
    assert PracticeLog.objects.count() == 0


def test_organiser_cannot_open_a_session_outside_scope(district, user_with_role):
    from django.core.exceptions import PermissionDenied

    from talent.models import Role

    organiser = user_with_role(Role.ORGANISER, district["jl"])
    start = timezone.now()
    with pytest.raises(PermissionDenied):
        services.open_session(
            actor=organiser,
            kind=SessionKind.CLASS,
            title="越权",
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=1),
            unit=district["yjp"],
        )


# Owner screens --------------------------------------------------------------


def test_mentor_opens_a_session_from_the_phone(client, mentoring):
    client.force_login(mentoring["mentor_user"])
    response = client.post(reverse("lms:sessions"), {"title": "小组督导", "minutes": 90})
    assert response.status_code == 302
    session = mentoring["mentor_user"].checkin_sessions.get()
    assert set(session.expected.all()) == set(mentoring["mentees"])
    assert session.planned_end - session.planned_start == datetime.timedelta(minutes=90)


def test_live_json_gives_a_fresh_qr_and_the_count(client, session, mentoring):
    services.check_in(session=session, person=mentoring["mentees"][0])
    client.force_login(mentoring["mentor_user"])
    data = client.get(reverse("lms:session_live", args=[session.pk])).json()
    assert data["count"] == 1
    assert data["qr"].startswith("<svg")
    assert data["scan_url"].endswith(services.token_for(session))
    assert data["recent"][0]["name"] == mentoring["mentees"][0].name


def test_projector_and_live_are_owner_only(client, session, mentoring):
    client.force_login(mentoring["mentees"][0].user)
    assert client.get(reverse("lms:session_projector", args=[session.pk])).status_code == 404
    assert client.get(reverse("lms:session_live", args=[session.pk])).status_code == 404


def test_absentees_and_attendance_export(client, session, mentoring):
    services.check_in(session=session, person=mentoring["mentees"][0])
    client.force_login(mentoring["mentor_user"])
    page = client.get(reverse("lms:session_detail", args=[session.pk]))
    absent = [r.person for r in page.context["absent"]]
    assert absent == [mentoring["mentees"][1]]
    response = client.get(reverse("lms:session_export", args=[session.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("工号", "姓名")
    statuses = {row[1]: row[6] for row in rows[1:]}
    assert statuses == {"学员0": "已签到", "学员1": "缺席"}


def test_session_detail_queries_do_not_grow(client, district, django_assert_max_num_queries):
    owner = UserFactory()
    counts = []
    for n in (5, 60):
        session = CheckInSessionFactory(owner=owner, unit=district["jl"])
        people = PersonFactory.create_batch(n, unit=district["panlong"])
        session.expected.set(people[: n // 2])
        CheckIn.objects.bulk_create(
            CheckIn(session=session, person=p, checked_in_at=timezone.now()) for p in people
        )
        client.force_login(owner)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(reverse("lms:session_detail", args=[session.pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_check_out_from_the_phone_is_optional_and_once(client, session, mentoring):
    mentee = mentoring["mentees"][0]
    client.force_login(mentee.user)
    url = reverse("lms:checkin_out", args=[session.pk])
    refused = client.post(url)
    assert "还没有签到" in refused.content.decode()
    services.check_in(session=session, person=mentee)
    first = client.post(url)
    assert "签退时间" in first.content.decode()
    stamp = CheckIn.objects.get(person=mentee).checked_out_at
    client.post(url)
    assert CheckIn.objects.get(person=mentee).checked_out_at == stamp


@pytest.mark.django_db
def test_only_mentors_reach_the_mentor_desks_and_open_mentor_sessions(client, mentoring):
    learner = mentoring["mentees"][0].user
    client.force_login(learner)
    assert client.get("/learn/mentor/").status_code == 403
    assert client.get("/learn/mentor/cases/").status_code == 403
    page = client.get("/learn/sessions/")
    assert page.status_code == 200 and "发起帮带签到" not in page.content.decode()
    client.post("/learn/sessions/", {"title": "冒充导师", "minutes": 60})
    assert not CheckInSession.objects.filter(title="冒充导师").exists()
    client.force_login(mentoring["mentor_user"])
    assert client.get("/learn/mentor/").status_code == 200
    assert "发起帮带签到" in client.get("/learn/sessions/").content.decode()
