"""A placement shift 实习/轮岗班次 at the host: the intern checks in with the QR
session, the owner closes it, and the signed log counts toward the placement."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from lms import api as lms
from lms.models import SessionKind
from lms.services import checkin as checkin_services
from talent.services import placements as svc
from tests.factories import PersonFactory
from tests.talent.conftest import bases, students  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def running(bases, students):  # noqa: F811
    today = timezone.localdate()
    placement = svc.propose_placement(
        actor=bases["swu_partner"],
        person=students[0],
        base=bases["panlong"],
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=60),
        required_hours=100,
    )
    svc.approve_placement(actor=bases["coordinator"], placement=placement)
    return svc.start_placement(actor=bases["coordinator"], placement=placement)


def test_closing_a_shift_signs_logs_attached_to_the_placement(bases, running, district):  # noqa: F811
    today = timezone.localdate()
    session = checkin_services.open_session(
        actor=bases["coordinator"],
        kind=SessionKind.PLACEMENT_SHIFT,
        title="盘龙社区实习班次",
        planned_start=at(today, 9),
        planned_end=at(today, 13),
        unit=district["panlong"],
    )
    visitor = PersonFactory(unit=district["panlong"])  # no placement: log without one
    checkin_services.check_in(session=session, person=running.person, at=at(today, 9))
    checkin_services.check_in(session=session, person=visitor, at=at(today, 9))
    with time_machine.travel(at(today, 13), tick=False):
        logs = checkin_services.close_session(actor=bases["coordinator"], session=session)
    by_person = {log.person_id: log for log in logs}
    assert by_person[running.person_id].placement_id == running.pk
    assert by_person[visitor.pk].placement_id is None
    assert lms.signed_hours_by_placement([running.pk]) == {running.pk: Decimal("4.0")}
    assert [log.hours for log in lms.signed_logs_for_placement(running.pk)] == [Decimal("4.0")]


def test_a_shift_elsewhere_does_not_count_toward_the_placement(bases, running, district):  # noqa: F811
    today = timezone.localdate()
    session = checkin_services.open_session(
        actor=bases["coordinator"],
        kind=SessionKind.PLACEMENT_SHIFT,
        title="龙泉社区班次",
        planned_start=at(today, 14),
        planned_end=at(today, 17),
        unit=district["longquan"],
    )
    checkin_services.check_in(session=session, person=running.person, at=at(today, 14))
    with time_machine.travel(at(today, 17), tick=False):
        [log] = checkin_services.close_session(actor=bases["coordinator"], session=session)
    assert log.placement_id is None
    assert lms.signed_hours_by_placement([running.pk]) == {running.pk: Decimal("0.0")}
