"""The ladder 三岗二十一级: seed data, grade history, assessments, promotion reviews."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from talent.models import AnnualAssessment, Grade, Post, PromotionPolicy
from talent.selectors import ladder
from talent.services import ladder as ladder_services
from tests.factories import PersonFactory
from tests.talent.factories_hr import certificate, place

REVIEW_DAY = datetime.date(2026, 11, 1)


@pytest.mark.django_db
def test_seeded_default_ladder():
    assert list(Grade.objects.values_list("number", flat=True)) == list(range(1, 22))
    assert Grade.objects.get(number=21).name == "二十一级"
    ranges = {p.code: (p.min_grade, p.max_grade) for p in Post.objects.all()}
    assert ranges == {"other": (1, 15), "deputy": (4, 18), "head": (7, 21)}
    policy = PromotionPolicy.load()
    assert (policy.years_per_grade, policy.bachelor_service_years) == (3, 3)


def assess(person, results, first=2023):
    for offset, result in enumerate(results):
        AnnualAssessment.objects.create(person=person, year=first + offset, result=result)


@pytest.mark.django_db
def test_one_assessment_per_person_per_year(jl_hr, people):
    person = people["panlong"]
    ladder_services.record_assessment(actor=jl_hr, person=person, year=2025, result="competent")
    with pytest.raises(ValidationError, match="2025 年已有考核结果"):
        ladder_services.record_assessment(actor=jl_hr, person=person, year=2025, result="excellent")
    with pytest.raises(IntegrityError):
        AnnualAssessment.objects.create(person=person, year=2025, result="basic")


@pytest.mark.django_db
def test_current_grade_is_the_latest_change(people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2020, 1, 1))
    place(person, 5, on=datetime.date(2023, 1, 1), reason="promotion")
    place(person, 4, on=datetime.date(2022, 1, 1), reason="correction")
    assert ladder.current_grade(person).grade.number == 5
    assert ladder.current_grade(person, datetime.date(2022, 6, 1)).grade.number == 4


def evaluate(person):
    from talent.models import Person

    return ladder.evaluate_people(Person.objects.filter(pk=person.pk), REVIEW_DAY)[0]


def rules(evaluation):
    return {r.name: r.passed for r in evaluation.rules}


@pytest.mark.django_db
def test_eligible_after_three_years_with_good_assessments(people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2023, 6, 1))
    assess(person, ["competent", "competent", "competent"])
    evaluation = evaluate(person)
    assert evaluation.eligible and evaluation.next_grade == 4


@pytest.mark.django_db
def test_too_few_years_in_grade_fails_and_says_why(people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2024, 6, 1))
    assess(person, ["competent"] * 3)
    evaluation = evaluate(person)
    assert not evaluation.eligible and rules(evaluation)["任职年限"] is False
    assert "任职 2 年，需满 3 年" in evaluation.rules[0].reason


@pytest.mark.django_db
def test_an_excellent_year_shortens_the_wait(people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2024, 6, 1))
    assess(person, ["competent", "excellent", "competent"])
    assert evaluate(person).eligible


@pytest.mark.django_db
def test_missing_or_weak_assessment_fails(people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2020, 1, 1))
    assess(person, ["competent", "basic"])
    evaluation = evaluate(person)
    assert rules(evaluation)["年度考核"] is False
    reason = next(r.reason for r in evaluation.rules if r.name == "年度考核")
    assert "2025 年无考核结果" in reason and "2024 年为基本称职" in reason


@pytest.mark.django_db
def test_top_of_post_range_blocks_promotion(people):
    person = people["panlong"]
    place(person, 15, on=datetime.date(2020, 1, 1))
    certificate(person, 2)
    assess(person, ["competent"] * 3)
    assert rules(evaluate(person))["岗位等级范围"] is False


@pytest.mark.django_db
def test_certificate_required_from_grade_seven(people):
    person = people["panlong"]
    place(person, 6, on=datetime.date(2020, 1, 1))
    assess(person, ["competent"] * 3)
    assert rules(evaluate(person))["持证要求"] is False
    certificate(person, 1, valid_until=datetime.date(2026, 1, 1))  # expired
    assert rules(evaluate(person))["持证要求"] is False
    certificate(person, 2)
    assert evaluate(person).eligible


@pytest.mark.django_db
def test_initial_grade_counts_education_as_service(people):
    person = people["panlong"]
    person.joined_on = datetime.date(2020, 3, 1)
    person.education = "master"
    post = Post.objects.get(code="other")
    # 6 years of service + 5 for a master's degree = 11 years -> 3 steps above grade 1
    assert ladder.initial_grade(person, post, REVIEW_DAY) == 4
    assert ladder.initial_grade(person, Post.objects.get(code="head"), REVIEW_DAY) == 10


@pytest.mark.django_db
def test_grade_must_lie_in_the_post_range(jl_hr, people):
    with pytest.raises(ValidationError, match="等级范围"):
        ladder_services.record_grade_change(
            actor=jl_hr,
            person=people["panlong"],
            post=Post.objects.get(code="head"),
            grade_number=3,
            effective_on=REVIEW_DAY,
            reason="appointment",
        )


@pytest.mark.django_db
def test_appointment_moves_the_current_post(jl_hr, people):
    person = people["panlong"]
    place(person, 5)
    ladder_services.record_grade_change(
        actor=jl_hr,
        person=person,
        post=Post.objects.get(code="deputy"),
        grade_number=6,
        effective_on=REVIEW_DAY,
        reason="appointment",
    )
    person.refresh_from_db()
    assert person.post.code == "deputy"


@pytest.mark.django_db
def test_ladder_distribution_counts_people_per_post_and_grade(district, people):
    place(people["panlong"], 3)
    place(people["longquan"], 3)
    place(people["xijiao"], 3)  # another street
    leader = PersonFactory(unit=district["panlong"])
    place(leader, 9, post="head")
    result = ladder.ladder_distribution(district["jl"])
    other, head = Post.objects.get(code="other"), Post.objects.get(code="head")
    grade3, grade9 = Grade.objects.get(number=3), Grade.objects.get(number=9)
    assert result.cell(other, grade3) == 2 and result.cell(head, grade9) == 1
    assert result.total == 3


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 100])
def test_ladder_report_and_export_queries_do_not_grow(
    client, jl_hr, district, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        place(PersonFactory(unit=district["panlong"]), 2)
    client.force_login(jl_hr)
    url = reverse("talent_reports:ladder")
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        response = client.get(url, {"export": "xlsx"})
        b"".join(response.streaming_content)
