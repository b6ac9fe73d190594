"""The exam cycle: rules as data, sittings and their 报名 list, results proposing
certificates dated by the sitting, and HR's confirmation (never of their own)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from talent.models import (
    Certificate,
    CertificateStatus,
    ExamEntry,
    ExamRule,
    ExamSitting,
    Notification,
    Role,
)
from talent.selectors.certification import certification_report
from talent.services import certification as certification_services
from talent.services.sittings import enter_for_sitting, save_sitting, withdraw_entry
from tests.clock import pinned
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import certificate, target

TODAY = datetime.date(2027, 3, 10)
pytestmark = pinned(TODAY)


def make_sitting(year=2027, **kwargs):
    fields = {
        "name": f"{year}年度社会工作者职业水平考试",
        "registration_deadline": datetime.date(year, 3, 31),
        "exam_starts_on": datetime.date(year, 6, 12),
        "exam_ends_on": datetime.date(year, 6, 13),
        "results_on": datetime.date(year, 8, 20),
    }
    fields.update(kwargs)
    return ExamSitting.objects.create(year=year, **fields)


def sit(actor, person, year, level, subject, score):
    return certification_services.record_exam_attempt(
        actor=actor, person=person, year=year, level=level, subject=subject, score=score
    )


@pytest.mark.django_db
def test_exam_rules_are_data_an_edited_window_changes_the_pass(jl_hr, people):
    person = people["panlong"]
    sit(jl_hr, person, 2025, 1, "comprehensive", 70)
    assert sit(jl_hr, person, 2026, 1, "practice", 70)[1] is None  # not the same year
    ExamRule.objects.filter(level=1).update(window_years=2)
    _attempt, proposed = sit(jl_hr, person, 2026, 1, "practice", 71)
    assert proposed is not None and proposed.exam_year == 2026


@pytest.mark.django_db
def test_a_level_awarded_after_review_is_never_proposed_from_scores(jl_hr, people):
    person = people["panlong"]
    assert ExamRule.objects.get(level=3).by_review
    assert sit(jl_hr, person, 2026, 3, "practice", 90)[1] is None


@pytest.mark.django_db
def test_a_pass_is_dated_by_its_sittings_results_day(jl_hr, people):
    make_sitting(2026, registration_deadline=datetime.date(2026, 3, 31))
    person = people["panlong"]
    sit(jl_hr, person, 2026, 1, "comprehensive", 70)
    _attempt, proposed = sit(jl_hr, person, 2026, 1, "practice", 64)
    assert proposed.obtained_on == datetime.date(2026, 8, 20)


@pytest.mark.django_db
def test_sitting_dates_must_be_in_order(district):
    hr = UserFactory(is_superuser=True)
    sitting = ExamSitting(
        year=2027,
        name="2027",
        registration_deadline=datetime.date(2027, 6, 20),
        exam_starts_on=datetime.date(2027, 6, 12),
        exam_ends_on=datetime.date(2027, 6, 13),
        results_on=datetime.date(2027, 6, 1),
    )
    with pytest.raises(ValidationError) as error:
        save_sitting(actor=hr, sitting=sitting)
    assert {"registration_deadline", "results_on"} <= set(error.value.message_dict)
    assert not ExamSitting.objects.exists()


@pytest.mark.django_db
def test_entering_people_for_a_sitting(jl_hr, district, people):
    sitting = make_sitting()
    user = UserFactory(username="entrant")
    entrant = PersonFactory(unit=district["panlong"], user=user)
    holder = PersonFactory(unit=district["longquan"])
    certificate(holder, 1)
    entries, skipped = enter_for_sitting(
        actor=jl_hr, sitting=sitting, people=[entrant, holder, people["longquan"]]
    )
    assert {e.person for e in entries} == {entrant, people["longquan"]}
    assert skipped == [holder]  # already holds the level
    entries, skipped = enter_for_sitting(actor=jl_hr, sitting=sitting, people=[entrant])
    assert entries == [] and skipped == [entrant]  # once on the list
    assert Notification.objects.filter(recipient=user, title__contains="已为您报名").count() == 1
    assert ModelLogEntry.objects.filter(action="talent.sitting.enter").count() == 1


@pytest.mark.django_db
def test_entering_someone_outside_scope_enters_nobody(jl_hr, people):
    sitting = make_sitting()
    with pytest.raises(PermissionDenied):
        enter_for_sitting(
            actor=jl_hr, sitting=sitting, people=[people["panlong"], people["xijiao"]]
        )
    assert not ExamEntry.objects.exists()


@pytest.mark.django_db
def test_no_entry_or_withdrawal_after_the_registration_deadline(jl_hr, people):
    sitting = make_sitting()
    (entry,), _skipped = enter_for_sitting(actor=jl_hr, sitting=sitting, people=[people["panlong"]])
    late = datetime.date(2027, 4, 1)
    with pytest.raises(ValidationError, match="报名已于 2027-03-31 截止"):
        enter_for_sitting(actor=jl_hr, sitting=sitting, people=[people["longquan"]], as_of=late)
    with pytest.raises(ValidationError):
        withdraw_entry(actor=jl_hr, entry=entry, as_of=late)
    withdraw_entry(actor=jl_hr, entry=entry)
    assert not ExamEntry.objects.exists()


@pytest.fixture
def hr_person(jl_hr, district):
    """The 九龙街道 HR officer is a person of 盘龙社区 too."""
    return PersonFactory(unit=district["panlong"], user=jl_hr, name="人事本人")


@pytest.mark.django_db
def test_nobody_confirms_their_own_certificate(jl_hr, hr_person, user_with_role, district):
    sit(None, hr_person, 2026, 1, "comprehensive", 80)
    _attempt, own = sit(None, hr_person, 2026, 1, "practice", 80)
    with pytest.raises(ValidationError, match="职责分离：不能登记或确认本人的证书"):
        certification_services.confirm_certificate(
            actor=jl_hr, certificate=own, number="N1", obtained_on=datetime.date(2026, 8, 20)
        )
    own.refresh_from_db()
    assert own.status == CertificateStatus.PROPOSED
    colleague = user_with_role(Role.HR, district["jl"], "hr_colleague")
    certification_services.confirm_certificate(
        actor=colleague, certificate=own, number="N1", obtained_on=datetime.date(2026, 8, 20)
    )
    own.refresh_from_db()
    assert own.status == CertificateStatus.VALID and own.confirmed_by == colleague


@pytest.mark.django_db
def test_sitting_page_lists_scope_and_confirms_a_proposed_certificate(
    client, jl_hr, hr_person, district, people, django_assert_max_num_queries
):
    sitting = make_sitting(2026, registration_deadline=datetime.date(2026, 3, 31))
    passer = people["panlong"]
    for person in (passer, people["xijiao"], hr_person):
        ExamEntry.objects.create(sitting=sitting, person=person, level=1)
        sit(None, person, 2026, 1, "comprehensive", 75)
        sit(None, person, 2026, 1, "practice", 68)
    report_target = target(district["jl"])
    before = certification_report(target=report_target, unit=district["jl"], as_of=TODAY)
    client.force_login(jl_hr)
    url = reverse("talent_sitting:inspect", args=[sitting.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert passer.name in page and people["xijiao"].name not in page
    assert f"确认{passer.name}的证书" in page
    assert f"确认{hr_person.name}的证书" not in page and "须由其他人事专员确认" in page
    proposed = Certificate.objects.get(person=passer)
    response = client.post(
        reverse("talent_certificate_confirm", args=[proposed.pk]),
        {"number": "2026CQ0001", "obtained_on": "2026-08-20", "next": url},
    )
    assert response.status_code == 302 and response.url == url
    proposed.refresh_from_db()
    assert proposed.status == CertificateStatus.VALID
    after = certification_report(target=report_target, unit=district["jl"], as_of=TODAY)
    assert after.total.certified == before.total.certified + 1
    outside = Certificate.objects.get(person=people["xijiao"])
    response = client.post(
        reverse("talent_certificate_confirm", args=[outside.pk]),
        {"number": "X", "obtained_on": "2026-08-20"},
    )
    assert response.status_code == 404
    own = Certificate.objects.get(person=hr_person)
    client.post(
        reverse("talent_certificate_confirm", args=[own.pk]),
        {"number": "OWN1", "obtained_on": "2026-08-20", "next": url},
    )
    own.refresh_from_db()
    assert own.status == CertificateStatus.PROPOSED


@pytest.mark.django_db
def test_entries_export_holds_only_people_in_scope(client, jl_hr, people):
    import io

    from openpyxl import load_workbook

    sitting = make_sitting()
    for person in (people["panlong"], people["xijiao"]):
        ExamEntry.objects.create(sitting=sitting, person=person, level=1)
    client.force_login(jl_hr)
    response = client.get(reverse("talent_sitting_entries_export", args=[sitting.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [people["panlong"].name]
    assert mail.outbox == []


@pytest.mark.django_db
def test_imported_results_propose_certificates_dated_by_the_sitting(jl_hr, people):
    from talent.models import ExamAttempt

    make_sitting(2026, registration_deadline=datetime.date(2026, 3, 31))
    ExamRule.objects.filter(level=1).update(window_years=2)  # the import reads the rule too
    person = people["panlong"]
    sit(jl_hr, person, 2025, 1, "comprehensive", 70)
    _attempts, proposed = certification_services.record_exam_results(
        actor=jl_hr,
        attempts=[ExamAttempt(person=person, year=2026, level=1, subject="practice", score=66)],
    )
    assert [(c.person, c.obtained_on) for c in proposed] == [(person, datetime.date(2026, 8, 20))]
