import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lms.models import Question, QuestionKind
from lms.selectors.exams import weak_topics
from lms.services.exams import (
    ExamClosed,
    close_expired_attempts,
    save_answers,
    score_answer,
    start_attempt,
    submit_attempt,
)
from tests.lms.factories_programme import make_blueprint, make_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db):
    return make_questions()


@pytest.fixture
def blueprint(bank):
    return make_blueprint(singles=4, multiples=2, minutes=30)


def by_kind(attempt):
    rows = list(attempt.answers.select_related("question"))
    return [r for r in rows if r.question.kind == "single"], [
        r for r in rows if r.question.kind == "multiple"
    ]


@pytest.mark.parametrize(
    ("kind", "chosen", "points"),
    [
        ("single", "B", "1"),
        ("single", "A", "0"),
        ("single", "", "0"),
        ("multiple", "ACD", "2"),  # exact
        ("multiple", "AC", "1"),  # two of three right options, no wrong one: 0.5 each
        ("multiple", "A", "0.5"),
        ("multiple", "ABD", "0"),  # any wrong option scores nothing
        ("multiple", "ABCDE", "0"),
    ],
)
def test_scoring_follows_the_national_exam_rules(kind, chosen, points):
    question = Question(
        kind=kind, answer="B" if kind == "single" else "ACD", options=list("甲乙丙丁戊")
    )
    blueprint = make_blueprint()
    assert score_answer(question=question, chosen=chosen, blueprint=blueprint) == Decimal(points)


def test_start_draws_the_blueprint_and_fixes_the_deadline(learner_user, learner, blueprint):
    now = timezone.now()
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint, now=now)
    singles, multiples = by_kind(attempt)
    assert (len(singles), len(multiples)) == (4, 2)
    assert attempt.deadline == now + datetime.timedelta(minutes=30)
    assert attempt.max_score == Decimal("8")
    # Starting again while time lasts resumes the same paper.
    assert start_attempt(actor=learner_user, person=learner, blueprint=blueprint).pk == attempt.pk


def test_a_bank_too_small_for_the_blueprint_is_refused(learner_user, learner, bank):
    with pytest.raises(ValidationError):
        start_attempt(actor=learner_user, person=learner, blueprint=make_blueprint(singles=50))


def test_nobody_starts_or_answers_for_someone_else(learner_user, learner, other_learner, blueprint):
    with pytest.raises(PermissionDenied):
        start_attempt(actor=learner_user, person=other_learner, blueprint=blueprint)
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    with pytest.raises(PermissionDenied):
        save_answers(actor=other_learner.user, attempt=attempt, answers={1: "B"})


def test_scoring_per_attempt_and_topic(learner_user, learner, blueprint):
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    singles, multiples = by_kind(attempt)
    answers = {singles[0].position: "B", singles[1].position: "B", singles[2].position: "C"}
    answers |= {multiples[0].position: "ACD", multiples[1].position: "AC"}
    save_answers(actor=learner_user, attempt=attempt, answers=answers)
    attempt = submit_attempt(actor=learner_user, attempt=attempt)
    assert attempt.score == Decimal("1") + 1 + 0 + 0 + 2 + 1
    assert attempt.answers.filter(is_correct=True).count() == 3


def test_answers_after_the_deadline_are_refused(learner_user, learner, blueprint):
    start = timezone.now() - datetime.timedelta(minutes=31)
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint, now=start)
    singles, _ = by_kind(attempt)
    save_answers(
        actor=learner_user,
        attempt=attempt,
        answers={singles[0].position: "B"},
        now=start + datetime.timedelta(minutes=10),
    )
    with pytest.raises(ExamClosed):
        save_answers(actor=learner_user, attempt=attempt, answers={singles[1].position: "B"})
    # A late hand-in is scored from what was saved in time; its answers are ignored.
    attempt = submit_attempt(
        actor=learner_user, attempt=attempt, answers={singles[1].position: "B"}
    )
    assert attempt.score == Decimal("1")
    assert attempt.submitted_at == attempt.deadline


def test_submitted_attempts_take_no_more_answers(learner_user, learner, blueprint):
    attempt = submit_attempt(
        actor=learner_user,
        attempt=start_attempt(actor=learner_user, person=learner, blueprint=blueprint),
    )
    with pytest.raises(ExamClosed):
        save_answers(actor=learner_user, attempt=attempt, answers={1: "B"})


def test_single_choice_takes_one_letter(learner_user, learner, blueprint):
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    singles, _ = by_kind(attempt)
    with pytest.raises(ValidationError):
        save_answers(actor=learner_user, attempt=attempt, answers={singles[0].position: "AB"})


def test_abandoned_attempts_are_scored_at_their_deadline(learner_user, learner, blueprint):
    start = timezone.now() - datetime.timedelta(hours=2)
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint, now=start)
    assert close_expired_attempts(person=learner) == 1
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.submitted_at == attempt.deadline


def test_weak_topics_collect_mistakes_across_attempts(learner_user, learner, bank):
    blueprint = make_blueprint(singles=6, multiples=0)
    for _ in range(2):
        attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
        answers = {
            a.position: ("B" if a.question.topic == "伦理" else "A")
            for a in attempt.answers.select_related("question")
        }
        save_answers(actor=learner_user, attempt=attempt, answers=answers)
        submit_attempt(actor=learner_user, attempt=attempt)
    assert [t.topic for t in weak_topics(learner)] == ["个案"]


def test_autosave_endpoint(client, learner_user, learner, other_learner, blueprint):
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    singles, _ = by_kind(attempt)
    url = f"/learn/exams/attempts/{attempt.pk}/save/"
    payload = json.dumps({"answers": {str(singles[0].position): "B"}})

    client.force_login(other_learner.user)
    assert client.post(url, payload, content_type="application/json").status_code == 404
    assert client.get(f"/learn/exams/attempts/{attempt.pk}/").status_code == 404

    client.force_login(learner_user)
    response = client.post(url, payload, content_type="application/json")
    assert response.json()["ok"] and response.json()["saved"] == 1
    type(attempt).objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1),
        started_at=timezone.now() - datetime.timedelta(minutes=31),
    )
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 409 and response.json()["closed"]


def test_exam_pages_for_the_learner(client, learner_user, learner, blueprint):
    client.force_login(learner_user)
    response = client.post(f"/learn/exams/papers/{blueprint.pk}/start/")
    take = client.get(response.url)
    assert take.status_code == 200 and "交卷" in take.content.decode()
    result = client.post(response.url + "submit/", {"q1": "B"})
    page = client.get(result.url)
    assert "错题" in page.content.decode()
    assert client.get("/learn/exams/").status_code == 200


def test_mentor_reads_a_mentees_result_but_a_stranger_cannot(
    client, cohort, learner_user, learner, mentor_user, stranger_mentor, blueprint
):
    attempt = submit_attempt(
        actor=learner_user,
        attempt=start_attempt(actor=learner_user, person=learner, blueprint=blueprint),
    )
    url = f"/learn/exams/attempts/{attempt.pk}/result/"
    client.force_login(mentor_user)
    assert client.get(url).status_code == 200
    # but a mentor never answers for the learner
    assert client.post(f"/learn/exams/attempts/{attempt.pk}/submit/").status_code == 404
    client.force_login(stranger_mentor)
    assert client.get(url).status_code == 404


def test_multiple_choice_options(db):
    [question] = make_questions(singles=0, multiples=1)
    assert question.kind == QuestionKind.MULTIPLE
    assert question.lettered_options[0] == ("A", "甲")
