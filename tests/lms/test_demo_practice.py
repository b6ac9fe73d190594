import io

import pytest
from django.core.management import call_command

from lms.models import (
    CheckIn,
    CheckInSession,
    LogStatus,
    Mentorship,
    PracticeLog,
    RoadshowScore,
    Salon,
    SalonStatus,
    SessionStatus,
)
from lms.selectors.practice import signed_mentor_hours
from talent.models import CEHourEntry, Person

pytestmark = pytest.mark.django_db


def counts():
    return (
        Mentorship.objects.count(),
        PracticeLog.objects.count(),
        CheckInSession.objects.count(),
        CheckIn.objects.count(),
        Salon.objects.count(),
        RoadshowScore.objects.count(),
        CEHourEntry.objects.count(),
    )


def test_demo_practice_is_idempotent_and_covers_every_state(demo):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
    xueyuan = Person.objects.get(user__username="xueyuan")
    assert Mentorship.objects.filter(mentor__user__username="daoshi", mentee=xueyuan).exists()
    assert set(PracticeLog.objects.values_list("status", flat=True)) == set(LogStatus.values)
    assert signed_mentor_hours([xueyuan.pk])[xueyuan.pk] > 0
    open_session = CheckInSession.objects.get(owner__username="daoshi", status=SessionStatus.OPEN)
    assert open_session.check_ins.count() == 3
    assert not open_session.check_ins.filter(person=xueyuan).exists()
    published = Salon.objects.filter(status=SalonStatus.PUBLISHED)
    assert published.count() == 7  # six this year and the next one
    assert RoadshowScore.objects.exists()
    assert (
        CEHourEntry.objects.filter(source="salon").count() >= 5 * 45
    )  # the current cycle may still be ahead
