"""Readiness writes: keep SubjectReadiness in step with the mock exams.

Only whole papers count: a drill of one topic 专项练习 says little about the
whole exam. A scored paper refreshes its person's readiness for that paper's level and
subject in the same transaction (``refresh_readiness``); a changed policy or a
new calibration refreshes everyone (``refresh_all_readiness``, a django-q2 task).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ..models import ExamAttempt, SubjectReadiness
from ..selectors.readiness import Params, attempt_evidence, estimate

FOUR = Decimal("0.0001")


def _rows(grouped, params: Params) -> list[SubjectReadiness]:
    rows = []
    for (person_id, level, subject), evidence in grouped.items():
        found = estimate(evidence, params)
        if found is None:
            continue
        rows.append(
            SubjectReadiness(
                person_id=person_id,
                level=level,
                subject=subject,
                attempts=found.attempts,
                questions=found.questions,
                share=Decimal(found.share).quantize(FOUR),
                probability=(
                    None if found.probability is None else Decimal(found.probability).quantize(FOUR)
                ),
                last_attempt_at=found.last_at,
            )
        )
    return rows


def _upsert(rows: list[SubjectReadiness]) -> int:
    SubjectReadiness.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["person", "level", "subject"],
        update_fields=["attempts", "questions", "share", "probability", "last_attempt_at"],
    )
    return len(rows)


@transaction.atomic
def refresh_readiness(*, person_id: int, level: str, subject: str, params=None) -> int:
    """Recompute one person's readiness for one level and subject from all their
    scored papers of it (called when a paper is scored)."""
    params = params or Params.load()
    attempts = ExamAttempt.objects.filter(
        person_id=person_id, blueprint__level=level, blueprint__subject=subject
    )
    attempts = attempts.filter(blueprint__topic="")
    return _upsert(_rows(attempt_evidence(attempts), params))


@transaction.atomic
def refresh_all_readiness(*, params=None) -> int:
    """Recompute every readiness row (after a policy change or a calibration)."""
    params = params or Params.load()
    return _upsert(_rows(attempt_evidence(ExamAttempt.objects.filter(blueprint__topic="")), params))
