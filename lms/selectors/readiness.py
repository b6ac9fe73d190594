"""Exam readiness reads: the estimate itself, a learner's readiness for the level
they prepare for, and what to study next (ADR 0015).

The estimate. Each scored mock paper of a subject gives a share of points ``f``
over ``q`` answered questions. Papers are weighted by their questions and by
recency, halving every ``half_life_days`` before the latest paper:
``w = q · 2^(-age / half_life)``. The weighted share ``m`` estimates the share
the learner would score now; its sampling variance is ``m(1-m)/n_eff`` with
``n_eff = (Σw)² / Σ(w²/q)`` (the answered questions, discounted for age). The
national exam's share is modelled as ``m + score_shift`` plus exam-day noise of
``exam_spread``; so the chance to pass (share ≥ pass mark) is

    P = Φ((m + shift − pass) / √(spread² + m(1−m)/n_eff)).

``shift`` and ``spread`` are fitted on past sittings (mock evidence before the
sitting against the result) by ``calibrate_readiness``. Below ``min_questions``
answered questions a subject has no estimate. A level needs every subject of
its ExamRule; subjects passed in an earlier year that still counts are certain,
and the chances of the others multiply.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talent import api as talent

from ..models import (
    EXAM_LEVEL,
    LMS_SUBJECT,
    TALENT_SUBJECT,
    AttemptAnswer,
    CoursePage,
    ExamBlueprint,
    ExamSubject,
    ReadinessPolicy,
    SubjectReadiness,
)
from .exams import WEAK_BELOW, TopicScore, _topic_scores


@dataclass(frozen=True)
class Evidence:
    """One scored mock paper: share of points, answered questions, when."""

    share: float
    questions: int
    at: datetime.datetime


@dataclass(frozen=True)
class Estimate:
    share: float
    questions: int
    attempts: int
    n_eff: float
    probability: float | None
    last_at: datetime.datetime


@dataclass(frozen=True)
class Params:
    """The policy's numbers as floats (the estimate runs on many rows in benches)."""

    half_life_days: float
    min_questions: int
    shift: float
    spread: float
    pass_share: float
    ready: float

    @classmethod
    def load(cls) -> Params:
        policy = ReadinessPolicy.load()
        return cls.from_policy(policy, talent.CertificationPolicy.load().pass_mark)

    @classmethod
    def from_policy(cls, policy, pass_mark) -> Params:
        return cls(
            half_life_days=float(policy.half_life_days),
            min_questions=int(policy.min_questions),
            shift=float(policy.score_shift),
            spread=float(policy.exam_spread),
            pass_share=float(pass_mark) / 100,
            ready=float(policy.ready_probability),
        )


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def estimate(evidence: list[Evidence], params: Params) -> Estimate | None:
    """The readiness one subject's mock papers give (None without papers)."""
    papers = [e for e in evidence if e.questions > 0]
    if not papers:
        return None
    latest = max(e.at for e in papers)
    weights = [
        e.questions * 0.5 ** ((latest - e.at).total_seconds() / 86400 / params.half_life_days)
        for e in papers
    ]
    total = sum(weights)
    share = sum(w * e.share for w, e in zip(weights, papers, strict=True)) / total
    n_eff = total**2 / sum(w * w / e.questions for w, e in zip(weights, papers, strict=True))
    questions = sum(e.questions for e in papers)
    probability = None
    if questions >= params.min_questions:
        sd = math.sqrt(params.spread**2 + share * (1 - share) / n_eff)
        probability = normal_cdf((share + params.shift - params.pass_share) / sd)
    return Estimate(share, questions, len(papers), n_eff, probability, latest)


def attempt_evidence(attempts) -> dict[tuple[int, str, str], list[Evidence]]:
    """Scored attempts grouped by (person, level, subject), each with the number
    of questions actually answered. One query."""
    rows = (
        attempts.filter(submitted_at__isnull=False, score__isnull=False, max_score__gt=0)
        .annotate(answered=Count("answers", filter=~Q(answers__chosen="")))
        .values_list(
            "person_id",
            "blueprint__level",
            "blueprint__subject",
            "score",
            "max_score",
            "answered",
            "submitted_at",
        )
        .order_by()
    )
    grouped: dict[tuple[int, str, str], list[Evidence]] = {}
    for person_id, level, subject, score, max_score, answered, at in rows:
        grouped.setdefault((person_id, level, subject), []).append(
            Evidence(float(score / max_score), answered, at)
        )
    return grouped


# A learner's readiness -----------------------------------------------------------


class Verdict:
    READY = "ready"
    CLOSE = "close"
    FAR = "far"
    UNKNOWN = "unknown"

    LABELS = {
        READY: _("已就绪"),
        CLOSE: _("接近"),
        FAR: _("尚需努力"),
        UNKNOWN: _("数据不足"),
    }


def verdict(probability: float | None, params: Params) -> str:
    if probability is None:
        return Verdict.UNKNOWN
    if probability >= params.ready:
        return Verdict.READY
    if probability >= 0.4:
        return Verdict.CLOSE
    return Verdict.FAR


@dataclass
class SubjectView:
    subject: str
    label: str
    carried: bool = False  # passed in an earlier year that still counts
    readiness: SubjectReadiness | None = None
    params: Params | None = None

    @property
    def probability(self) -> float | None:
        if self.carried:
            return 1.0
        if self.readiness is None or self.readiness.probability is None:
            return None
        return float(self.readiness.probability)

    @property
    def percent(self) -> int | None:
        p = self.probability
        return None if p is None else round(p * 100)

    @property
    def questions_missing(self) -> int:
        done = self.readiness.questions if self.readiness else 0
        return max(0, self.params.min_questions - done)

    @property
    def verdict(self) -> str:
        return verdict(self.probability, self.params)

    @property
    def verdict_label(self) -> str:
        return str(Verdict.LABELS[self.verdict])


@dataclass
class LevelReadiness:
    level: int
    label: str
    by_review: bool
    sitting: object | None
    subjects: list[SubjectView] = field(default_factory=list)
    params: Params | None = None

    @property
    def probability(self) -> float | None:
        result = 1.0
        for subject in self.subjects:
            if subject.probability is None:
                return None
            result *= subject.probability
        return result if self.subjects else None

    @property
    def percent(self) -> int | None:
        p = self.probability
        return None if p is None else round(p * 100)

    @property
    def verdict(self) -> str:
        return verdict(self.probability, self.params)

    @property
    def verdict_label(self) -> str:
        return str(Verdict.LABELS[self.verdict])


def preparing_level(person, as_of: datetime.date, sitting=None) -> int:
    """The level a learner prepares for: the level of their entry for the next
    sitting, else the one above the highest they hold (助理 when they hold none)."""
    if sitting is not None:
        entry = talent.ExamEntry.objects.filter(sitting=sitting, person=person).first()
        if entry is not None:
            return entry.level
    held = talent.highest_held_level(person, as_of)
    return min((held or 0) + 1, talent.CertLevel.SENIOR)


def person_readiness(person, as_of: datetime.date | None = None) -> LevelReadiness:
    """Readiness per subject of the level ``person`` prepares for (about six queries)."""
    as_of = as_of or timezone.localdate()
    params = Params.load()
    sitting = talent.next_sitting(as_of)
    level = preparing_level(person, as_of, sitting)
    rule = talent.exam_rule(level)
    subjects = [LMS_SUBJECT[s] for s in (rule.subjects if rule else [])]
    year = sitting.year if sitting else as_of.year + 1
    pass_mark = Decimal(str(round(params.pass_share * 100, 1)))
    carried = talent.carried_passes(person, level, year, pass_mark)
    stored = {
        r.subject: r
        for r in SubjectReadiness.objects.filter(person=person, level=EXAM_LEVEL[level])
    }
    return LevelReadiness(
        level=level,
        label=talent.CertLevel(level).label,
        by_review=bool(rule and rule.by_review),
        sitting=sitting,
        subjects=[
            SubjectView(
                subject=s,
                label=ExamSubject(s).label,
                carried=TALENT_SUBJECT[s] in carried,
                readiness=stored.get(s),
                params=params,
            )
            for s in subjects
        ],
        params=params,
    )


# What to study next ------------------------------------------------------------------


@dataclass
class StudyItem:
    topic: TopicScore
    courses: list[CoursePage]
    papers: list[ExamBlueprint]


def study_plan(person, readiness: LevelReadiness, limit: int = 4) -> list[StudyItem]:
    """The weakest topics of the subjects still to pass (below 60% correct, the
    weakest first), each with the courses that cover it and the papers that
    practise it: a drill of that topic first, then full papers. Three queries."""
    level = EXAM_LEVEL[readiness.level]
    subjects = [s.subject for s in readiness.subjects if not s.carried]
    scores = _topic_scores(
        scored_answers(person).filter(
            attempt__blueprint__level=level, question__subject__in=subjects
        )
    )
    weak = sorted(
        (s for s in scores if s.percent < WEAK_BELOW), key=lambda s: (s.percent, -s.total)
    )[:limit]
    if not weak:
        return []
    courses = list(
        CoursePage.objects.live()
        .filter(Q(exam_subject__in=subjects))
        .only("title", "url_path", "exam_subject", "exam_topics", "path", "depth")
        .order_by("path")
    )
    papers = list(
        ExamBlueprint.objects.filter(is_active=True, level=level, subject__in=subjects).order_by(
            "-topic", "name"
        )
    )
    plan = []
    for topic in weak:
        covering = [c for c in courses if topic.topic in c.topic_list()]
        covering = covering or [c for c in courses if c.exam_subject == topic.subject][:1]
        drills = [p for p in papers if p.topic == topic.topic]
        full = [p for p in papers if not p.topic and p.subject == topic.subject]
        plan.append(StudyItem(topic, covering[:2], (drills + full)[:2]))
    return plan


def scored_answers(person):
    return AttemptAnswer.objects.filter(attempt__person=person, attempt__submitted_at__isnull=False)
