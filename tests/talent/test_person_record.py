"""HR's one page per person: the whole record, each part linking to its list, scoped
like every object view, and a query count that does not grow with the history."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.models import ExamAttempt as MockAttempt
from lms.models import LogStatus
from talent.models import (
    AnnualAssessment,
    CEHourEntry,
    ExamAttempt,
    GradeChange,
    RegistrationPeriod,
)
from tests.assertions import main_text
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import MentorshipFactory, PracticeLogFactory
from tests.lms.factories_programme import make_blueprint
from tests.talent.factories_hr import certificate, place


def mock_attempt(person, blueprint, score, days_ago):
    started = timezone.now() - datetime.timedelta(days=days_ago)
    return MockAttempt.objects.create(
        person=person,
        blueprint=blueprint,
        started_at=started,
        deadline=started + datetime.timedelta(hours=2),
        submitted_at=started + datetime.timedelta(hours=1),
        score=Decimal(score),
        max_score=blueprint.max_score,
    )


def add_history(person, approver, years, blueprint, start=0):
    """``years`` more years of grades, assessments, CE hours, exams and mock exams."""
    for i in range(start, start + years):
        change = place(person, 2 + i % 5, on=datetime.date(2000 + i, 3, 1))
        GradeChange.objects.filter(pk=change.pk).update(approved_by=approver)
        AnnualAssessment.objects.get_or_create(
            person=person, year=2000 + i, defaults={"result": "competent"}
        )
        CEHourEntry.objects.create(
            person=person,
            hours=2,
            source="course",
            source_ref=f"c{i}",
            earned_on=timezone.localdate() - datetime.timedelta(days=i + 1),
        )
        ExamAttempt.objects.create(
            person=person, year=2000 + i, level=1, subject="practice", score=50 + i
        )
        mock_attempt(person, blueprint, 40 + i, days_ago=i + 2)
        PracticeLogFactory(
            mentorship=MentorshipFactory(mentee=person, mentor=PersonFactory(unit=person.unit)),
            person=person,
            status=LogStatus.PENDING,
        )


@pytest.fixture
def record(district, jl_hr, settings):
    approver = UserFactory(username="approver_login")
    PersonFactory(unit=district["jl"], name="审批人甲", user=approver)
    person = PersonFactory(unit=district["panlong"], name="董一洋")
    cert = certificate(person, 1, obtained_on=datetime.date(2024, 1, 1))
    RegistrationPeriod.objects.create(
        person=person,
        certificate=cert,
        starts_on=timezone.localdate() - datetime.timedelta(days=365),
        ends_on=timezone.localdate() + datetime.timedelta(days=730),
        required_hours=72,
    )
    blueprint = make_blueprint(singles=60, multiples=20, name="实务模拟卷", subject="practice")
    return {"person": person, "approver": approver, "blueprint": blueprint}


def get_record(client, person):
    return client.get(reverse("talent_person:inspect", args=[person.pk]))


def test_the_page_holds_the_whole_record(client, jl_hr, record):
    person = record["person"]
    add_history(person, record["approver"], 2, record["blueprint"])
    client.force_login(jl_hr)
    response = get_record(client, person)
    text = main_text(response)
    for heading in ("岗位与等级", "证书、登记与继续教育", "导师帮带与实践学时", "模拟考试"):
        assert heading in text
    assert "审批人甲" in text and "approver_login" not in text  # approver by name
    assert "助理社会工作师" in text and "应修 72 学时" in text  # hours against the period
    assert "合格线" in text and "未达合格线" in text  # 41/100 against 60
    # the record holds a certificate of 助理: readiness is for the next level, 社会工作师
    assert "备考就绪度 · 社会工作师" in text
    assert reverse("lms_gap_plan") in response.content.decode()  # HR sees the gap plan
    html = response.content.decode()
    assert f"{reverse('talent_gradechange:index')}?q={person.staff_no}" in html
    assert f"{reverse('talent_cehours:index')}?q={person.staff_no}" in html


def test_the_person_list_opens_the_record(client, jl_hr, record):
    client.force_login(jl_hr)
    html = client.get(reverse("talent_person:index")).content.decode()
    assert reverse("talent_person:inspect", args=[record["person"].pk]) in html


def test_a_person_outside_the_scope_is_a_404(client, jl_hr, district):
    stranger = PersonFactory(unit=district["xijiao"])
    client.force_login(jl_hr)
    assert get_record(client, stranger).status_code == 404


def test_the_page_costs_the_same_for_a_long_history(client, jl_hr, record):
    person = record["person"]
    add_history(person, record["approver"], 1, record["blueprint"])
    client.force_login(jl_hr)
    get_record(client, person)  # warm caches (content types, settings)
    with CaptureQueriesContext(connection) as short:
        get_record(client, person)
    add_history(person, record["approver"], 12, record["blueprint"], start=1)
    with CaptureQueriesContext(connection) as long:
        assert get_record(client, person).status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries)
    assert len(short.captured_queries) <= 40, len(short.captured_queries)
