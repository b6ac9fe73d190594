"""Calibration: on results held back, a "ready" prediction passes at least as often
as it claims; past sittings pair mock evidence from before the exam with results."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from lms.demo.readiness import draw_candidate, simulate_subject
from lms.models import AttemptAnswer, ExamAttempt, Question, ReadinessPolicy, SubjectReadiness
from lms.selectors.calibration import Pair, evaluate, fit, held_back, pairs_from_sitting
from lms.selectors.readiness import Params
from talent.models import ExamAttempt as NationalResult
from talent.models import ExamSitting
from tests.clock import local, pinned
from tests.factories import PersonFactory
from tests.lms.factories_programme import make_blueprint, make_questions

SUBJECTS = ["comprehensive", "practice"]
EXAM = datetime.datetime(2026, 6, 13, 9, tzinfo=datetime.UTC)


def simulated(people: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    pairs = []
    for person in range(people):
        candidate = draw_candidate(rng)
        for subject in SUBJECTS:
            evidence, actual = simulate_subject(
                rng, candidate, exam_day=EXAM, papers=rng.randint(1, 5)
            )
            pairs.append(Pair(person, subject, tuple(evidence), actual))
    return pairs


def test_ready_passes_at_least_as_often_as_it_claims_on_held_back_results():
    pairs = simulated(3000, seed=7)
    train = [p for p in pairs if not held_back(p.person_id, 0.3)]
    test = [p for p in pairs if held_back(p.person_id, 0.3)]
    defaults = Params.from_policy(ReadinessPolicy(), 60)
    fitted = fit(train, defaults)
    assert abs(fitted.shift) < 0.02 and 0.04 < fitted.spread < 0.12
    for params in (defaults, fitted):
        result = evaluate(test, params, SUBJECTS)
        assert result.ready > 50
        assert result.holds  # the share passing is at least the 0.70 a learner reads
        assert result.ready_passed >= result.ready_claimed - 0.03  # and near the mean claim
        assert result.brier < 0.17
        # Every reliability bin is within ten points of the diagonal.
        assert all(abs(predicted - passed) < 0.1 for _l, n, predicted, passed in result.bins)


def test_an_overconfident_model_is_caught():
    pairs = simulated(1500, seed=8)
    careless = Params(30, 60, shift=0.08, spread=0.02, pass_share=0.6, ready=0.7)
    result = evaluate(pairs, careless, SUBJECTS)
    assert not result.holds or result.ready_passed < result.ready_claimed - 0.05


@pytest.fixture
def past(district):
    """A sitting and twelve candidates with one whole 综合能力 paper before it, a
    drill and a paper after it (both ignored), and their national results."""
    make_questions(singles=40, multiples=20, topics=("个案工作方法", "社区工作方法"))
    paper = make_blueprint(singles=40, multiples=20, name="综合能力模拟卷")
    drill = make_blueprint(singles=4, multiples=2, name="专项", topic="个案工作方法")
    sitting = ExamSitting.objects.create(
        year=2026,
        name="2026年度考试",
        registration_deadline=datetime.date(2026, 3, 31),
        exam_starts_on=datetime.date(2026, 6, 13),
        exam_ends_on=datetime.date(2026, 6, 14),
        results_on=datetime.date(2026, 8, 20),
    )
    questions = list(Question.objects.order_by("pk")[:60])
    people = []
    for i in range(12):
        person = PersonFactory(unit=district["panlong"])
        right = 30 + 2 * i  # of 60 answered
        taken = [
            (paper, datetime.date(2026, 5, 20)),
            (drill, datetime.date(2026, 5, 30)),
            (paper, datetime.date(2026, 7, 1)),
        ]
        for blueprint, day in taken:
            attempt = ExamAttempt.objects.create(
                person=person,
                blueprint=blueprint,
                started_at=local(day),
                deadline=local(day) + datetime.timedelta(hours=2),
                submitted_at=local(day) + datetime.timedelta(hours=1),
                score=Decimal(right) if blueprint == paper else Decimal(0),
                max_score=Decimal(60),
            )
            AttemptAnswer.objects.bulk_create(
                AttemptAnswer(attempt=attempt, question=q, position=n, chosen="A")
                for n, q in enumerate(questions, start=1)
            )
        national = round(right * 100 / 60) + 10  # ten points above the mock paper
        NationalResult.objects.create(
            person=person, year=2026, level=1, subject="comprehensive", score=national
        )
        people.append(person)
    return sitting, people


@pytest.mark.django_db
@pinned(datetime.date(2026, 12, 5))
def test_past_sittings_pair_evidence_from_before_the_exam_with_results(past):
    sitting, people = past
    pairs = pairs_from_sitting(sitting)
    assert len(pairs) == 12
    first = next(p for p in pairs if p.person_id == people[0].pk)
    assert [e.share for e in first.evidence] == [0.5]  # the drill and the later paper left out
    assert first.actual == pytest.approx(0.60)
    out = io.StringIO()
    call_command("calibrate_readiness", "--save", "--held-back", "0", stdout=out)
    policy = ReadinessPolicy.load()
    assert policy.calibrated_on == datetime.date(2026, 12, 5)
    # National scores ran ten points above these mock papers.
    assert abs(policy.score_shift - Decimal("0.100")) <= Decimal("0.002")
    assert "held back" in out.getvalue() and policy.calibration_note
    assert SubjectReadiness.objects.count() == 12
