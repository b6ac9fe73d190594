"""Exam readiness: the estimate, its upkeep when a paper is scored, the level a
learner prepares for, and what the phone shows (readiness and what to study)."""

import datetime
import math
from decimal import Decimal

import pytest
from django.urls import reverse

from lms.models import ExamAttempt, ReadinessPolicy, SubjectReadiness
from lms.selectors.readiness import Evidence, Params, estimate, person_readiness
from lms.services.exams import start_attempt, submit_attempt
from talent.models import ExamAttempt as NationalResult
from talent.models import ExamEntry, ExamSitting
from tests.clock import local, pinned
from tests.lms.factories_programme import make_blueprint, make_course, make_questions
from tests.talent.factories_hr import certificate

TODAY = datetime.date(2027, 3, 10)
pytestmark = [pytest.mark.django_db, pinned(TODAY)]
PARAMS = Params(
    half_life_days=30, min_questions=60, shift=0.0, spread=0.06, pass_share=0.6, ready=0.7
)


def at(days_ago: int) -> datetime.datetime:
    return local(TODAY) - datetime.timedelta(days=days_ago)


def test_one_paper_gives_the_normal_model_chance():
    found = estimate([Evidence(0.7, 100, at(0))], PARAMS)
    sd = math.sqrt(0.06**2 + 0.7 * 0.3 / 100)
    assert found.probability == pytest.approx(0.5 * (1 + math.erf(0.1 / sd / math.sqrt(2))))
    assert found.questions == 100 and found.attempts == 1


def test_recent_papers_weigh_more():
    found = estimate([Evidence(0.9, 60, at(60)), Evidence(0.5, 60, at(0))], PARAMS)
    # 60 days is two half-lives: the old paper weighs a quarter of the new one.
    assert found.share == pytest.approx((0.25 * 0.9 + 0.5) / 1.25)
    # Discounted papers count for fewer effective questions than were answered.
    assert found.n_eff < found.questions == 120


def test_too_few_answered_questions_give_no_chance():
    assert estimate([Evidence(0.95, 59, at(0))], PARAMS).probability is None
    assert estimate([Evidence(0.95, 60, at(0))], PARAMS).probability > 0.99
    assert estimate([], PARAMS) is None


def test_more_evidence_of_the_same_share_moves_the_chance_away_from_a_coin_toss():
    few = estimate([Evidence(0.66, 60, at(0))], PARAMS).probability
    many = estimate([Evidence(0.66, 60, at(d)) for d in range(5)], PARAMS).probability
    assert 0.5 < few < many


@pytest.fixture
def bank():
    make_questions(singles=40, multiples=20, topics=("个案工作方法", "社区工作方法"))
    return make_blueprint(singles=40, multiples=20, minutes=90, name="综合能力模拟卷")


def test_a_scored_paper_refreshes_its_subjects_readiness(learner_user, learner, bank):
    policy = ReadinessPolicy.load()
    policy.min_questions = 60
    policy.save()
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=bank)
    answers = {a.position: a.question.answer for a in attempt.answers.select_related("question")}
    submit_attempt(actor=learner_user, attempt=attempt, answers=answers)
    row = SubjectReadiness.objects.get(person=learner, level="assistant", subject="comprehensive")
    assert (row.attempts, row.questions, row.share) == (1, 60, Decimal("1.0000"))
    assert row.probability > Decimal("0.99")
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=bank)
    submit_attempt(actor=learner_user, attempt=attempt, answers={1: "A"})  # one answer, wrong
    row.refresh_from_db()
    # Papers weigh by the questions answered: an abandoned paper barely counts.
    assert (row.attempts, row.questions) == (2, 61)
    assert row.share == Decimal(60 / 61).quantize(Decimal("0.0001"))


def readiness(person, level, subject, probability, questions=120):
    return SubjectReadiness.objects.create(
        person=person,
        level=level,
        subject=subject,
        attempts=2,
        questions=questions,
        share=Decimal("0.7"),
        probability=probability if probability is None else Decimal(probability),
        last_attempt_at=at(3),
    )


def test_the_level_a_learner_prepares_for(learner):
    readiness(learner, "assistant", "comprehensive", "0.9")
    readiness(learner, "assistant", "practice", "0.5")
    view = person_readiness(learner)
    assert view.level == 1 and [s.subject for s in view.subjects] == ["comprehensive", "practice"]
    assert view.probability == pytest.approx(0.45) and view.verdict == "close"
    certificate(learner, 1, obtained_on=datetime.date(2025, 8, 20))
    view = person_readiness(learner)
    assert view.level == 2
    assert [s.subject for s in view.subjects] == ["comprehensive", "practice", "law"]
    assert view.probability is None and view.verdict == "unknown"  # no 中级 papers yet
    assert view.subjects[0].questions_missing == 60


def test_intermediate_subjects_passed_last_year_are_certain(learner):
    certificate(learner, 1, obtained_on=datetime.date(2024, 8, 20))
    ExamSitting.objects.create(
        year=2027,
        name="2027年度考试",
        registration_deadline=datetime.date(2027, 3, 31),
        exam_starts_on=datetime.date(2027, 6, 12),
        exam_ends_on=datetime.date(2027, 6, 13),
        results_on=datetime.date(2027, 8, 20),
    )
    NationalResult.objects.create(
        person=learner, year=2026, level=2, subject="comprehensive", score=72
    )
    NationalResult.objects.create(person=learner, year=2025, level=2, subject="practice", score=75)
    readiness(learner, "intermediate", "practice", "0.6")
    readiness(learner, "intermediate", "law", "0.8")
    view = person_readiness(learner)
    carried = {s.subject: s.carried for s in view.subjects}
    assert carried == {"comprehensive": True, "practice": False, "law": False}  # 2025 too old
    assert view.probability == pytest.approx(0.48)


def test_an_entry_for_the_next_sitting_sets_the_level(learner):
    certificate(learner, 1, obtained_on=datetime.date(2024, 8, 20))
    sitting = ExamSitting.objects.create(
        year=2027,
        name="2027年度考试",
        registration_deadline=datetime.date(2027, 3, 31),
        exam_starts_on=datetime.date(2027, 6, 12),
        exam_ends_on=datetime.date(2027, 6, 13),
        results_on=datetime.date(2027, 8, 20),
    )
    ExamEntry.objects.create(sitting=sitting, person=learner, level=1)
    assert person_readiness(learner).level == 1


def test_the_phone_shows_readiness_and_what_to_study(
    client, learner_user, learner, bank, django_assert_max_num_queries
):
    course = make_course(
        "综合能力考点精讲", exam_subject="comprehensive", exam_topics="个案工作方法"
    )
    make_course("社区工作专题", exam_subject="comprehensive", exam_topics="社区工作方法")
    drill = make_blueprint(singles=4, multiples=2, name="个案专项", topic="个案工作方法")
    for _round in range(2):
        attempt = start_attempt(actor=learner_user, person=learner, blueprint=bank)
        answers = {
            a.position: a.question.answer if a.question.topic == "社区工作方法" else "A"
            for a in attempt.answers.select_related("question")
        }
        submit_attempt(actor=learner_user, attempt=attempt, answers=answers)
    client.force_login(learner_user)
    with django_assert_max_num_queries(40) as few:
        page = client.get(reverse("lms:exams")).content.decode()
    assert "备考就绪度 · 助理社会工作师" in page
    assert "综合能力" in page and "还需作答 60 题" in page  # 实务: no papers yet
    plan = page[page.index("下一步学习") :]
    assert "个案工作方法" in plan and course.title in plan and drill.name in plan
    assert "社区工作专题" not in plan  # its topic is not weak
    for _round in range(3):
        attempt = start_attempt(actor=learner_user, person=learner, blueprint=bank)
        submit_attempt(actor=learner_user, attempt=attempt, answers={})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("lms:exams"))
    dashboard = client.get(reverse("lms:dashboard")).content.decode()
    assert "备考就绪度" in dashboard
    assert ExamAttempt.objects.filter(person=learner).count() == 5
