"""Every HR list and report runs the same number of queries at 3 and 40 people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from talent.models import AnnualAssessment, CEHourEntry, ExamAttempt, RegistrationPeriod
from talent.services import promotion as promotion_services
from talent.tasks import take_certification_snapshots
from tests.factories import PersonFactory
from tests.talent.factories_hr import certificate, place, target

URLS = [
    "talent_certificate:index",
    "talent_examattempt:index",
    "talent_assessment:index",
    "talent_gradechange:index",
    "talent_cehours:index",
    "talent_registration:index",
    "talent_target:index",
    "talent_review:index",
    "talent_reports:certification",
    "talent_reports:ladder",
    "talent_reports:ce_pace",
]


def add_people(unit, count):
    for _ in range(count):
        person = PersonFactory(unit=unit)
        cert = certificate(person, 1, obtained_on=datetime.date(2025, 1, 1))
        RegistrationPeriod.objects.create(
            person=person,
            certificate=cert,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2028, 1, 1),
            required_hours=72,
        )
        CEHourEntry.objects.create(
            person=person,
            hours=2,
            source="course",
            source_ref="c",
            earned_on=datetime.date(2025, 6, 1),
        )
        ExamAttempt.objects.create(person=person, year=2024, level=1, subject="practice", score=55)
        AnnualAssessment.objects.create(person=person, year=2025, result="competent")
        place(person, 2)


def counts(client):
    result = {}
    for name in URLS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name))
        assert response.status_code == 200, name
        result[name] = len(ctx.captured_queries)
    return result


@pytest.mark.django_db
def test_hr_lists_and_reports_do_not_grow_with_data(client, jl_hr, district):
    target(district["jl"])
    promotion_services.create_review(
        actor=jl_hr, unit=district["jl"], review_date=datetime.date(2026, 11, 1), title="评审"
    )
    client.force_login(jl_hr)
    add_people(district["panlong"], 3)
    counts(client)  # warm caches (content types, settings)
    small = counts(client)
    add_people(district["longquan"], 37)
    large = counts(client)
    assert large == small
    assert max(small.values()) <= 20, small


@pytest.mark.django_db
def test_nightly_task_writes_snapshots(district):
    PersonFactory(unit=district["panlong"])
    target(district["jl"])
    assert take_certification_snapshots() == 2  # 九龙街道 and 盘龙社区
