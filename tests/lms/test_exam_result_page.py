"""The mock exam result: a verdict against the policy's pass mark, weakest topics first,
and questions folded so the page stays short on a phone."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lms.services.exams import start_attempt, submit_attempt
from talent.models import CertificationPolicy
from tests.lms.factories_programme import make_blueprint, make_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(learner_user, learner):
    make_questions()
    blueprint = make_blueprint(singles=4, multiples=2, minutes=30)  # 8 points
    attempt = start_attempt(actor=learner_user, person=learner, blueprint=blueprint)
    rows = list(attempt.answers.select_related("question").order_by("position"))
    # the single-choice questions right (4 of 8 points), the rest unanswered
    answers = {a.position: a.question.answer for a in rows if a.question.kind == "single"}
    submit_attempt(actor=learner_user, attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    return attempt


def result(client, attempt, **query):
    return client.get(reverse("lms:exam_result", args=[attempt.pk]), query)


def test_the_result_says_pass_or_fail_against_the_policys_pass_mark(client, learner_user, attempt):
    client.force_login(learner_user)
    response = result(client, attempt)
    html = response.content.decode()
    assert response.context["pass_score"] == Decimal("4.8")  # 60 % of 8 points
    assert "未达合格线" in html and "合格线 4.8 分" in html
    policy = CertificationPolicy.load()
    policy.pass_mark = 50
    policy.save()
    html = result(client, attempt).content.decode()
    assert "合格线 4 分" in html and 'data-testid="verdict">合格' in html


def test_questions_are_folded_and_topics_weakest_first(client, learner_user, attempt):
    client.force_login(learner_user)
    response = result(client, attempt, show="all")
    html = response.content.decode()
    assert html.count('<details class="card review') == 6
    percents = [t.percent for t in response.context["topics"]]
    assert percents == sorted(percents)
