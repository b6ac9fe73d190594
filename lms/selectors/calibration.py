"""Is readiness calibrated? Past sittings give pairs of (mock evidence before the
sitting, the national result); the readiness model's two free numbers are fitted
on one part of the people and judged on the others, held back (ADR 0015).

The fit is the Gaussian maximum-likelihood one: ``shift`` is the mean of
(national share − mock share); ``spread²`` is their variance less the mock
shares' own sampling variance. The judgement: Brier score, a reliability table,
and the claim that matters — people called "ready" (chance of passing the level
≥ ``ready``) pass at least as often as claimed.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from talent import api as talent

from ..models import EXAM_LEVEL, LMS_SUBJECT, ExamAttempt
from .readiness import Estimate, Params, attempt_evidence, estimate


@dataclass(frozen=True)
class Pair:
    person_id: int
    subject: str
    evidence: tuple
    actual: float  # national score as a share of 100


def held_back(person_id: int, share: float = 0.5) -> bool:
    """A stable split by person: the same people are always held back."""
    return zlib.crc32(str(person_id).encode()) % 1000 < share * 1000


def pairs_from_sitting(sitting, level: int = 1) -> list[Pair]:
    """Mock evidence from before ``sitting`` against its national results (two queries)."""
    results = talent.ExamAttempt.objects.filter(year=sitting.year, level=level).values_list(
        "person_id", "subject", "score"
    )
    actual = {(pid, LMS_SUBJECT[s]): float(score) / 100 for pid, s, score in results}
    people = {pid for pid, _s in actual}
    attempts = ExamAttempt.objects.filter(
        Q(person_id__in=people),
        blueprint__level=EXAM_LEVEL[level],
        blueprint__topic="",
        submitted_at__date__lt=sitting.exam_starts_on,
    )
    evidence = attempt_evidence(attempts)
    return [
        Pair(pid, subject, tuple(evidence[(pid, lvl, subject)]), actual[(pid, subject)])
        for (pid, lvl, subject) in evidence
        if (pid, subject) in actual
    ]


def fit(pairs: list[Pair], params: Params) -> Params:
    """``params`` with ``shift`` and ``spread`` fitted on ``pairs``."""
    rows = []
    for pair in pairs:
        found = estimate(list(pair.evidence), params)
        if found is not None and found.questions >= params.min_questions:
            rows.append((found, pair.actual))
    if len(rows) < 10:
        raise ValueError("too few past results to fit")
    residuals = [actual - found.share for found, actual in rows]
    shift = sum(residuals) / len(rows)
    variance = sum((r - shift) ** 2 for r in residuals) / (len(rows) - 1)
    sampling = sum(f.share * (1 - f.share) / f.n_eff for f, _a in rows) / len(rows)
    spread = math.sqrt(max(variance - sampling, 0.01**2))
    return Params(
        params.half_life_days, params.min_questions, shift, spread, params.pass_share, params.ready
    )


def wilson_low(successes: int, n: int, z: float = 1.96) -> float:
    if n == 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


@dataclass
class Calibration:
    subjects: int = 0
    brier: float = 0.0
    bins: list[tuple[str, int, float, float]] = field(default_factory=list)
    people: int = 0
    ready: int = 0
    ready_claimed: float = 0.0  # mean predicted chance of the "ready"
    ready_passed: float = 0.0  # the share of them who passed
    ready_low: float = 0.0  # 95% Wilson lower bound of that share
    threshold: float = 0.0

    @property
    def holds(self) -> bool:
        """ "Ready" passes at least as often as it claims (the claim is the threshold
        a learner reads; the mean predicted chance is reported beside it)."""
        return self.ready > 0 and self.ready_passed >= self.threshold

    def lines(self) -> list[str]:
        out = [
            f"subject predictions: {self.subjects}, Brier {self.brier:.3f}",
            *(
                f"  predicted {label}: n={n}, mean predicted {p:.2f}, passed {o:.2f}"
                for label, n, p, o in self.bins
            ),
            f"people with an estimate for every subject: {self.people}",
            f"ready (>= {self.threshold:.2f}): {self.ready}, claimed {self.ready_claimed:.3f},"
            f" passed {self.ready_passed:.3f} (95% lower bound {self.ready_low:.3f})"
            f" -> {'HOLDS' if self.holds else 'FAILS'}",
        ]
        return out


def evaluate(pairs: list[Pair], params: Params, subjects: list[str]) -> Calibration:
    """Judge ``params`` on held-back ``pairs`` (``subjects``: the level's, in lms words)."""
    result = Calibration(threshold=params.ready)
    by_person: dict[int, dict[str, tuple[Estimate, float]]] = defaultdict(dict)
    predictions = []
    for pair in pairs:
        found = estimate(list(pair.evidence), params)
        if found is None or found.probability is None:
            continue
        passed = pair.actual >= params.pass_share
        predictions.append((found.probability, passed))
        by_person[pair.person_id][pair.subject] = (found, pair.actual)
    result.subjects = len(predictions)
    if predictions:
        result.brier = sum((p - y) ** 2 for p, y in predictions) / len(predictions)
    for low in (0.0, 0.2, 0.4, 0.6, 0.8):
        inside = [(p, y) for p, y in predictions if low <= p < low + 0.2 or (low == 0.8 and p == 1)]
        if inside:
            result.bins.append(
                (
                    f"{low:.1f}-{low + 0.2:.1f}",
                    len(inside),
                    sum(p for p, _y in inside) / len(inside),
                    sum(y for _p, y in inside) / len(inside),
                )
            )
    ready = []
    for found_by_subject in by_person.values():
        if set(found_by_subject) != set(subjects):
            continue
        result.people += 1
        chance = math.prod(found.probability for found, _a in found_by_subject.values())
        passed = all(actual >= params.pass_share for _f, actual in found_by_subject.values())
        if chance >= params.ready:
            ready.append((chance, passed))
    result.ready = len(ready)
    if ready:
        result.ready_claimed = sum(c for c, _p in ready) / len(ready)
        wins = sum(p for _c, p in ready)
        result.ready_passed = wins / len(ready)
        result.ready_low = wilson_low(wins, len(ready))
    return result


def level_subjects(level: int = 1) -> list[str]:
    rule = talent.exam_rule(level)
    return [LMS_SUBJECT[s] for s in (rule.subjects if rule else [])]
