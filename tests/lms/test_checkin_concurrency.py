"""Real threads, real transactions: the database decides who checks in."""

import contextlib
import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from lms.models import CheckIn, PracticeLog, SessionKind
from lms.services import checkin as services
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import CheckInSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def run_in_threads(targets):
    """Start every target together; return the exceptions they raised."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(target):
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def open_session(district):
    return CheckInSessionFactory(owner=UserFactory(), unit=district["jl"])


def test_n_people_checking_in_at_once_make_n_rows(open_session, district):
    people = PersonFactory.create_batch(THREADS, unit=district["panlong"])
    errors = run_in_threads(
        [lambda p=p: services.check_in(session=open_session, person=p) for p in people]
    )
    assert errors == []
    assert CheckIn.objects.filter(session=open_session).count() == THREADS


def test_one_person_scanning_at_once_makes_one_row_and_no_error(open_session, district):
    person = PersonFactory(unit=district["panlong"])
    results = []

    def scan():
        results.append(services.check_in(session=open_session, person=person).created)

    errors = run_in_threads([scan] * THREADS)
    assert errors == []
    assert CheckIn.objects.filter(session=open_session, person=person).count() == 1
    assert sorted(results) == [False] * (THREADS - 1) + [True]


def test_one_person_posting_the_confirm_page_concurrently(open_session, district, client):
    """Through the view: every response is a confirmation page, never an error."""
    from django.test import Client
    from django.urls import reverse

    user = UserFactory()
    PersonFactory(unit=district["panlong"], user=user)
    ticket = services.ticket_for(open_session, services.current_window(), device="phone-0123456789")
    url = reverse("lms:checkin_confirm", args=[open_session.pk, ticket])
    statuses = []

    def post():
        c = Client()
        c.cookies[services.DEVICE_COOKIE] = "phone-0123456789"
        c.force_login(user)
        response = c.post(url)
        statuses.append((response.status_code, "签到" in response.content.decode()))

    errors = run_in_threads([post] * 6)
    assert errors == []
    assert statuses == [(200, True)] * 6
    assert CheckIn.objects.filter(session=open_session).count() == 1


def test_close_racing_check_ins_leaves_no_check_in_without_its_log(mentoring):
    """Every check-in that commits is either before the close (and gets its
    signed log) or refused; none slips in after."""
    start = timezone.now() - datetime.timedelta(minutes=55)
    session = services.open_session(
        actor=mentoring["mentor_user"],
        kind=SessionKind.MENTOR_SESSION,
        title="并发结束",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=1),
    )
    extra = [PersonFactory(unit=mentoring["mentees"][0].unit) for _ in range(6)]
    session.expected.add(*extra)
    people = mentoring["mentees"] + extra

    def attempt(person):
        with contextlib.suppress(services.CheckInRefused):
            services.check_in(session=session, person=person, at=start)

    targets = [lambda p=p: attempt(p) for p in people]
    targets.append(lambda: services.close_session(actor=mentoring["mentor_user"], session=session))
    errors = run_in_threads(targets)
    assert errors == []
    rows = CheckIn.objects.filter(session=session).count()
    assert PracticeLog.objects.filter(check_in__session=session).count() == rows


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking settings")
def test_sqlite_threads_use_immediate_transactions():
    assert connection.transaction_mode == "IMMEDIATE"
