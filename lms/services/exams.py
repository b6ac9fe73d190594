"""Mock exams: start (deadline fixed on the server), autosave, submit, score."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import AttemptAnswer, ExamAttempt, ExamBlueprint, Question, QuestionKind
from ..models.exams import OPTION_LETTERS
from ..permissions import require_self
from .readiness import refresh_readiness

# Answers that reach the server this long after the deadline still count: they
# cover the last autosave racing the clock, not extra time.
GRACE = datetime.timedelta(seconds=5)
HALF = Decimal("0.5")


class ExamClosed(ValidationError):
    """The attempt was submitted or its time ran out; no more answers."""


def normalise_choice(value: str, *, kind: str, option_count: int) -> str:
    letters = "".join(
        sorted({c for c in (value or "").upper() if c in OPTION_LETTERS[:option_count]})
    )
    if kind == QuestionKind.SINGLE and len(letters) > 1:
        raise ValidationError(_("单项选择题只能选一个答案。"))
    return letters


def score_answer(*, question: Question, chosen: str, blueprint: ExamBlueprint) -> Decimal:
    """The national exam's rule: a single choice scores when right; a multiple
    choice scores in full when exact, 0 with any wrong option, and 0.5 per
    option when some but not all correct options were chosen."""
    if not chosen:
        return Decimal("0")
    if question.kind == QuestionKind.SINGLE:
        return blueprint.single_points if chosen == question.answer else Decimal("0")
    correct = set(question.answer)
    picked = set(chosen)
    if picked == correct:
        return blueprint.multiple_points
    if picked - correct:
        return Decimal("0")
    return min(HALF * len(picked), blueprint.multiple_points)


def _pick(blueprint: ExamBlueprint, kind: str, count: int, rng: random.Random) -> list[int]:
    if count == 0:
        return []
    questions = Question.objects.filter(
        level=blueprint.level, subject=blueprint.subject, kind=kind, is_active=True
    )
    if blueprint.topic:  # a drill 专项练习 draws from one topic only
        questions = questions.filter(topic=blueprint.topic)
    ids = list(questions.values_list("pk", flat=True))
    if len(ids) < count:
        raise ValidationError(
            _("题库中符合条件的%(kind)s不足 %(count)d 道，无法组卷。")
            % {"kind": QuestionKind(kind).label, "count": count}
        )
    return rng.sample(ids, count)


@transaction.atomic
def start_attempt(
    *, actor, person: talent.Person, blueprint: ExamBlueprint, now: datetime.datetime | None = None
) -> ExamAttempt:
    """Start a paper drawn at random from the bank, or resume the learner's open
    attempt of the same blueprint while its time lasts. The deadline is stored
    now and never moves."""
    require_self(actor, person)
    if not blueprint.is_active:
        raise ValidationError(_("该试卷已停用。"))
    now = now or timezone.now()
    open_attempt = (
        ExamAttempt.objects.select_for_update()
        .filter(person=person, blueprint=blueprint, submitted_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if open_attempt is not None:
        if open_attempt.deadline + GRACE > now:
            return open_attempt
        _finalise(open_attempt, now=open_attempt.deadline)
    rng = random.Random()
    question_ids = _pick(blueprint, QuestionKind.SINGLE, blueprint.single_count, rng) + _pick(
        blueprint, QuestionKind.MULTIPLE, blueprint.multiple_count, rng
    )
    attempt = ExamAttempt.objects.create(
        person=person,
        blueprint=blueprint,
        started_at=now,
        deadline=now + datetime.timedelta(minutes=blueprint.time_limit_minutes),
        max_score=blueprint.max_score,
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question_id=qid, position=i)
        for i, qid in enumerate(question_ids, start=1)
    )
    return attempt


def _locked(attempt: ExamAttempt) -> ExamAttempt:
    return (
        ExamAttempt.objects.select_for_update(of=("self",))
        .select_related("blueprint")
        .get(pk=attempt.pk)
    )


def _store(attempt: ExamAttempt, answers: dict[int, str]) -> int:
    rows = {
        a.position: a
        for a in attempt.answers.select_related("question").filter(position__in=list(answers))
    }
    changed = []
    for position, value in answers.items():
        row = rows.get(position)
        if row is None:
            continue
        chosen = normalise_choice(
            value, kind=row.question.kind, option_count=len(row.question.options)
        )
        if chosen != row.chosen:
            row.chosen = chosen
            changed.append(row)
    AttemptAnswer.objects.bulk_update(changed, ["chosen"])
    return len(changed)


@transaction.atomic
def save_answers(
    *, actor, attempt: ExamAttempt, answers: dict[int, str], now: datetime.datetime | None = None
) -> int:
    """Autosave: store answers by question number while the attempt is open.
    Refused once the attempt is submitted or its deadline has passed."""
    require_self(actor, attempt.person)
    attempt = _locked(attempt)
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise ExamClosed(_("本次考试已交卷，不能再修改答案。"))
    if now > attempt.deadline + GRACE:
        raise ExamClosed(_("考试时间已到，答案不再接收。"))
    return _store(attempt, answers)


def _finalise(attempt: ExamAttempt, *, now: datetime.datetime) -> ExamAttempt:
    blueprint = attempt.blueprint
    rows = list(attempt.answers.select_related("question"))
    total = Decimal("0")
    for row in rows:
        row.points = score_answer(question=row.question, chosen=row.chosen, blueprint=blueprint)
        row.is_correct = row.chosen == row.question.answer
        total += row.points
    AttemptAnswer.objects.bulk_update(rows, ["points", "is_correct"])
    attempt.submitted_at = min(now, attempt.deadline)
    attempt.score = total
    attempt.save(update_fields=["submitted_at", "score"])
    refresh_readiness(person_id=attempt.person_id, level=blueprint.level, subject=blueprint.subject)
    return attempt


@transaction.atomic
def submit_attempt(
    *,
    actor,
    attempt: ExamAttempt,
    answers: dict[int, str] | None = None,
    now: datetime.datetime | None = None,
) -> ExamAttempt:
    """Hand in the paper and score it. Answers sent with a late submission are
    ignored; the paper is scored from what was saved before the deadline."""
    require_self(actor, attempt.person)
    attempt = _locked(attempt)
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        return attempt
    if answers and now <= attempt.deadline + GRACE:
        _store(attempt, answers)
    _finalise(attempt, now=now)
    talent.record_audit(
        actor=actor,
        action="lms.exam.submit",
        obj=attempt,
        after={"score": str(attempt.score), "max_score": str(attempt.max_score)},
    )
    return attempt


@transaction.atomic
def close_expired_attempts(*, person: talent.Person, now: datetime.datetime | None = None) -> int:
    """Score every attempt of ``person`` whose time ran out without a hand-in
    (the learner closed the page). Run before showing history."""
    now = now or timezone.now()
    expired = list(
        ExamAttempt.objects.select_for_update(of=("self",))
        .select_related("blueprint")
        .filter(person=person, submitted_at__isnull=True, deadline__lt=now - GRACE)
    )
    for attempt in expired:
        _finalise(attempt, now=attempt.deadline)
    return len(expired)
