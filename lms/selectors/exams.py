"""Reads for mock exams: papers, history, review of mistakes, weak topics, and
an organiser's view of a cohort's scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, Sum
from django.http import Http404

from talent import api as talent

from ..models import AttemptAnswer, Cohort, ExamAttempt, ExamBlueprint, ExamSubject, Question
from ..permissions import is_mentor_of, organiser_scope, person_of

WEAK_BELOW = 60  # a topic under 60% correct across attempts is weak


def blueprints_for(person) -> list[ExamBlueprint]:
    """Papers offered to the learner: those of their cohorts, else every active one."""
    mine = ExamBlueprint.objects.filter(is_active=True, cohorts__memberships__person=person)
    papers = list(mine.distinct())
    if not papers:
        papers = list(ExamBlueprint.objects.filter(is_active=True))
    return papers


def attempt_for_user(user, pk: int) -> ExamAttempt:
    """An attempt the user may see: their own; a mentee's for their mentor; one
    of a person in scope for an organiser. Anything else is a 404."""
    attempt = ExamAttempt.objects.select_related("blueprint", "person__unit").filter(pk=pk).first()
    if attempt is None:
        raise Http404
    own = person_of(user)
    if own is not None and own.pk == attempt.person_id:
        return attempt
    if is_mentor_of(user, attempt.person) or organiser_scope(user).contains_person(attempt.person):
        return attempt
    raise Http404


def paper(attempt: ExamAttempt) -> list[AttemptAnswer]:
    return list(attempt.answers.select_related("question").order_by("position"))


@dataclass
class TopicScore:
    subject: str
    topic: str
    total: int
    correct: int

    @property
    def percent(self) -> int:
        return int(self.correct * 100 / self.total) if self.total else 0

    @property
    def subject_label(self) -> str:
        return ExamSubject(self.subject).label


def _topic_scores(answers) -> list[TopicScore]:
    rows = (
        answers.values("question__subject", "question__topic")
        .annotate(total=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        .order_by("question__subject", "question__topic")
    )
    return [
        TopicScore(r["question__subject"], r["question__topic"], r["total"], r["correct"])
        for r in rows
    ]


def attempt_topics(attempt: ExamAttempt) -> list[TopicScore]:
    return _topic_scores(AttemptAnswer.objects.filter(attempt=attempt))


def history(person, limit: int = 20) -> list[ExamAttempt]:
    return list(ExamAttempt.objects.filter(person=person).select_related("blueprint")[:limit])


def weak_topics(person, limit: int = 8) -> list[TopicScore]:
    """Topics below 60% correct across all the person's submitted attempts,
    weakest first."""
    scores = _topic_scores(
        AttemptAnswer.objects.filter(attempt__person=person, attempt__submitted_at__isnull=False)
    )
    weak = [s for s in scores if s.percent < WEAK_BELOW]
    return sorted(weak, key=lambda s: (s.percent, -s.total))[:limit]


@dataclass
class ExamStats:
    attempts: int
    best: Decimal | None
    average: Decimal | None


def exam_stats(person) -> ExamStats:
    row = ExamAttempt.objects.filter(person=person, submitted_at__isnull=False).aggregate(
        n=Count("pk"), best=Max("score"), avg=Avg("score")
    )
    average = row["avg"]
    return ExamStats(
        attempts=row["n"],
        best=row["best"],
        average=Decimal(average).quantize(Decimal("0.1")) if average is not None else None,
    )


@dataclass
class CohortExamRow:
    person_id: int
    name: str
    staff_no: str
    attempts: int
    best: Decimal | None
    average: Decimal | None


def cohort_exam_report(cohort: Cohort) -> dict:
    """Each member's attempt count, best and average score, and the cohort's
    weakest topics — four queries whatever the size of the cohort."""
    members = cohort.memberships.values("person_id")
    per_person = {
        r["person_id"]: r
        for r in ExamAttempt.objects.filter(person_id__in=members, submitted_at__isnull=False)
        .values("person_id")
        .annotate(n=Count("pk"), best=Max("score"), avg=Avg("score"), total=Sum("max_score"))
    }
    rows = []
    for person_id, name, staff_no in cohort.memberships.order_by("person__staff_no").values_list(
        "person_id", "person__name", "person__staff_no"
    ):
        r = per_person.get(person_id)
        rows.append(
            CohortExamRow(
                person_id=person_id,
                name=name,
                staff_no=staff_no,
                attempts=r["n"] if r else 0,
                best=r["best"] if r else None,
                average=Decimal(r["avg"]).quantize(Decimal("0.1")) if r else None,
            )
        )
    topics = _topic_scores(
        AttemptAnswer.objects.filter(
            attempt__person_id__in=members, attempt__submitted_at__isnull=False
        )
    )
    weak = sorted((t for t in topics if t.total), key=lambda t: t.percent)[:10]
    return {"rows": rows, "weak_topics": weak}


def question_bank_counts() -> dict[tuple[str, str], int]:
    rows = (
        Question.objects.filter(is_active=True)
        .values("subject", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        result[(r["subject"], r["kind"])] = r["n"]
    return dict(result)


# Pass mark -------------------------------------------------------------------


def pass_score(max_score: Decimal, pass_mark: Decimal | None = None) -> Decimal:
    """The score that passes a paper of ``max_score``: the certification policy's pass
    mark (per 100 points, 60 by default) scaled to the paper's full marks."""
    mark = talent.exam_pass_mark() if pass_mark is None else pass_mark
    return (Decimal(max_score) * mark / 100).quantize(Decimal("0.1"))


@dataclass
class SubjectResult:
    """A person's latest submitted mock exam in one subject, against the pass mark."""

    subject: str
    attempt: ExamAttempt
    pass_score: Decimal

    @property
    def label(self) -> str:
        return ExamSubject(self.subject).label

    @property
    def passed(self) -> bool:
        return self.attempt.score is not None and self.attempt.score >= self.pass_score


def latest_by_subject(person) -> list[SubjectResult]:
    """The latest submitted mock exam per subject (two queries: attempts, policy)."""
    attempts = (
        ExamAttempt.objects.filter(person=person, submitted_at__isnull=False)
        .select_related("blueprint")
        .order_by("-submitted_at")
    )
    latest: dict[str, ExamAttempt] = {}
    for attempt in attempts:
        latest.setdefault(attempt.blueprint.subject, attempt)
    if not latest:
        return []
    mark = talent.exam_pass_mark()
    order = list(ExamSubject.values)
    return [
        SubjectResult(subject, attempt, pass_score(attempt.max_score, mark))
        for subject, attempt in sorted(latest.items(), key=lambda kv: order.index(kv[0]))
    ]
