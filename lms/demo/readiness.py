"""How past candidates are simulated, for the demo's history and the benchmark's
(ADR 0015). Deliberately not the readiness model itself: skill grows week by
week, topics differ in difficulty, papers differ, the national exam is a little
harder than the mock papers and has a good or bad day — the estimator knows none
of this and has to be calibrated against it.

``simulate_subject`` works without a database (the bench runs it for 100,000
people); the demo answers real questions with ``lms.demo.records.make_attempts``
and sits the national exam with ``national_share``.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from lms.selectors.readiness import Evidence

EXAM_HARDER = 0.03  # the national paper against our mock papers, in share of points
EXAM_DAY = 0.05  # standard deviation of a candidate's day


@dataclass(frozen=True)
class Candidate:
    skill: float  # expected share of points on a mock paper at the first paper
    growth: float  # gained per week of preparation
    exam_day: float  # this candidate's luck on the day


def draw_candidate(rng: random.Random) -> Candidate:
    return Candidate(
        skill=min(0.9, max(0.25, rng.gauss(0.56, 0.11))),
        growth=max(0.0, rng.gauss(0.006, 0.004)),
        exam_day=rng.gauss(0, EXAM_DAY),
    )


def _binomial(rng: random.Random, n: int, p: float) -> int:
    p = min(0.99, max(0.01, p))
    return sum(rng.random() < p for _ in range(n))


def simulate_subject(
    rng: random.Random, candidate: Candidate, *, exam_day: datetime.datetime, papers: int
) -> tuple[list[Evidence], float]:
    """Mock papers in the ten weeks before ``exam_day`` and the national share."""
    first_week = rng.randint(papers, 10)
    evidence = []
    for index in range(papers):
        weeks_before = first_week - index * rng.uniform(0.8, 2.5)
        weeks_before = max(0.3, weeks_before)
        learned = candidate.growth * (first_week - weeks_before)
        paper = rng.gauss(0, 0.03)  # some papers are harder than others
        questions = 60 if rng.random() < 0.85 else rng.randint(20, 59)
        right = _binomial(rng, questions, candidate.skill + learned + paper)
        at = exam_day - datetime.timedelta(weeks=weeks_before)
        evidence.append(Evidence(right / questions, questions, at))
    at_exam = candidate.skill + candidate.growth * first_week
    actual = _binomial(rng, 100, at_exam - EXAM_HARDER + candidate.exam_day) / 100
    return evidence, actual


def national_share(rng: random.Random, skill: float, exam_day: float) -> float:
    """The national score (share of 100) of someone whose mock skill is ``skill``."""
    return _binomial(rng, 100, skill - EXAM_HARDER + exam_day) / 100
