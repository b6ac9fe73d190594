"""The gap plan 持证缺口计划: beside a target's "还需 N 人持证", the uncertified
people of its population ranked by readiness, who is already in a 考试专班 and on
the next sitting's 报名 list, and what the next sitting can be expected to bring.

Expected passes are the sum of the entrants' chances (readiness × the sitting);
the chance of reaching the target is that of at least ``gap`` passes among them
(a Poisson-binomial tail). Everything comes from a constant number of queries,
whatever the size of the district: the report's aggregates, the rule, the
sitting, the cohorts, and one ranked query with readiness as subqueries.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import (
    EXAM_LEVEL,
    LMS_SUBJECT,
    Cohort,
    CohortKind,
    CohortMembership,
    ExamSubject,
    SubjectReadiness,
)
from .readiness import Params, normal_cdf, verdict

FIRST_LEVEL = 1  # the uncertified count toward a target with their first certificate


@dataclass
class PlanRow:
    person_id: int
    staff_no: str
    name: str
    unit_name: str
    subjects: list[tuple[str, float | None]]
    in_cohort: bool
    entered: bool
    verdict: str = ""

    @property
    def probability(self) -> float | None:
        result = 1.0
        for _label, p in self.subjects:
            if p is None:
                return None
            result *= p
        return result

    @property
    def percent(self) -> int | None:
        p = self.probability
        return None if p is None else round(p * 100)


def at_least(probabilities: list[float], k: int) -> float:
    """P(at least ``k`` successes) for independent chances (Poisson-binomial):
    exact for modest sizes, the normal approximation (continuity-corrected)
    beyond."""
    if k <= 0:
        return 1.0
    if k > len(probabilities):
        return 0.0
    if len(probabilities) * k <= 400_000:
        dist = [1.0] + [0.0] * k  # dist[j] = P(j successes); dist[k] = P(k or more)
        for p in probabilities:
            dist[k] += dist[k - 1] * p
            for j in range(k - 1, 0, -1):
                dist[j] = dist[j] * (1 - p) + dist[j - 1] * p
            dist[0] *= 1 - p
        return dist[k]
    mean = sum(probabilities)
    var = sum(p * (1 - p) for p in probabilities)
    if var == 0:
        return 1.0 if mean >= k else 0.0
    return 1 - normal_cdf((k - 0.5 - mean) / math.sqrt(var))


@dataclass
class Totals:
    """The certification report's total for the unit, counted the cheap way: the
    population, and the certified as the population less the ranked uncertified."""

    unit: object
    population: int
    certified: int
    rate_target: Decimal

    @property
    def rate(self):
        return talent.percent(self.certified, self.population)

    @property
    def gap(self) -> int:
        return talent.needed_for(self.rate_target, self.population, self.certified)


@dataclass
class GapPlan:
    target: object
    totals: Totals
    sitting: object | None
    cohorts: list[Cohort]  # the running 考试专班 in scope, newest first
    rows: list[PlanRow]
    subject_labels: list[str]
    params: Params
    as_of: datetime.date

    @property
    def unit(self):
        return self.totals.unit

    @property
    def gap(self) -> int:
        return self.totals.gap

    @property
    def population(self) -> int:
        return self.totals.population

    @property
    def certified(self) -> int:
        return self.totals.certified

    def _chances(self, rows) -> list[float]:
        return [r.probability or 0.0 for r in rows]

    @property
    def in_cohort(self) -> int:
        return sum(r.in_cohort for r in self.rows)

    @property
    def entered(self) -> list[PlanRow]:
        return [r for r in self.rows if r.entered]

    @property
    def with_estimate(self) -> int:
        return sum(r.probability is not None for r in self.rows)

    @property
    def ready(self) -> int:
        return sum(r.verdict == "ready" for r in self.rows)

    @property
    def counts_by_deadline(self) -> bool:
        return self.sitting is not None and self.sitting.results_on <= self.target.deadline

    @property
    def expected_entered(self) -> float:
        return sum(self._chances(self.entered))

    @property
    def expected_all(self) -> float:
        return sum(self._chances(self.rows))

    @property
    def reach_probability(self) -> float:
        """The chance the entrants bring at least ``gap`` passes."""
        return at_least(self._chances(self.entered), self.gap)

    @property
    def needed_top(self) -> int | None:
        """How many of the best-ranked people must sit for the expected passes to
        cover the gap (None when even everyone would not)."""
        total = 0.0
        for index, row in enumerate(self.rows, start=1):
            total += row.probability or 0.0
            if total >= self.gap:
                return index
        return None

    @property
    def projected_certified(self) -> float:
        extra = self.expected_entered if self.counts_by_deadline else 0.0
        return self.certified + extra

    @property
    def projected_rate(self):
        if not self.population:
            return None
        return talent.percent(Decimal(str(round(self.projected_certified, 4))), self.population)

    @property
    def reachable(self) -> bool:
        """Can the next sitting close the gap (in expectation, if everyone ranked sat)?"""
        return self.gap == 0 or (self.counts_by_deadline and self.expected_all >= self.gap)

    @property
    def message(self) -> str:
        if self.gap == 0:
            return _("已达到目标持证率。")
        if self.sitting is None:
            return _("尚未安排下一次考试，请先在“考试安排”中添加。")
        if not self.counts_by_deadline:
            return _(
                "下一次考试成绩公布（%(results)s）晚于目标期限（%(deadline)s），无法计入本目标。"
            ) % {
                "results": self.sitting.results_on,
                "deadline": self.target.deadline,
            }
        if self.expected_entered >= self.gap:
            return _(
                "按当前报名名单，预计通过 %(e).1f 人，可补上 %(gap)d 人的缺口（达标把握 %(p)d%%）。"
            ) % {
                "e": self.expected_entered,
                "gap": self.gap,
                "p": round(self.reach_probability * 100),
            }
        if self.needed_top is not None:
            return _(
                "下一次考试有望达标：按通过把握排序，前 %(k)d 人报考预计通过 %(gap)d 人；"
                "目前报名 %(n)d 人，预计通过 %(e).1f 人。"
            ) % {
                "k": self.needed_top,
                "gap": self.gap,
                "n": len(self.entered),
                "e": self.expected_entered,
            }
        return _(
            "即使全部 %(n)d 名未持证人员报考，预计也只能通过 %(e).1f 人，"
            "下一次考试无法补上 %(gap)d 人的缺口。"
        ) % {
            "n": len(self.rows),
            "e": self.expected_all,
            "gap": self.gap,
        }


def exam_classes(scope: talent.Scope, as_of: datetime.date) -> list[Cohort]:
    """Running or coming 考试专班 of units in scope, newest first."""
    return list(
        Cohort.objects.filter(scope.q("unit__"), kind=CohortKind.EXAM_CLASS, ends_on__gte=as_of)
        .select_related("unit")
        .order_by("-starts_on", "name")
    )


def ranked_candidates(target, unit, as_of, *, subjects, cohorts, sitting):
    """The uncertified people of the target's population in ``unit`` with their
    readiness per subject, membership of a running 考试专班 and entry (one query)."""
    level = EXAM_LEVEL[FIRST_LEVEL]
    annotations = {
        f"p_{s}": Subquery(
            SubjectReadiness.objects.filter(person=OuterRef("pk"), level=level, subject=s).values(
                "probability"
            )[:1]
        )
        for s in subjects
    }
    memberships = CohortMembership.objects.filter(
        cohort_id__in=[c.pk for c in cohorts], person=OuterRef("pk")
    )
    entries = talent.entered_ids(sitting).filter(person_id=OuterRef("pk"))
    return (
        talent.people_to_certify(target, unit, as_of)
        .annotate(**annotations, in_cohort=Exists(memberships), entered=Exists(entries))
        .values_list(
            "pk",
            "staff_no",
            "name",
            "unit__name",
            *annotations,
            "in_cohort",
            "entered",
        )
        .order_by()
    )


def gap_plan(*, scope: talent.Scope, target, unit, as_of: datetime.date) -> GapPlan:
    params = Params.load()
    population = talent.target_population(target, unit).count()
    rule = talent.exam_rule(FIRST_LEVEL)
    subjects = [LMS_SUBJECT[s] for s in (rule.subjects if rule else [])]
    labels = [str(ExamSubject(s).label) for s in subjects]
    sitting = talent.next_sitting(as_of)
    cohorts = exam_classes(scope, as_of)
    rows = []
    for values in ranked_candidates(
        target, unit, as_of, subjects=subjects, cohorts=cohorts, sitting=sitting
    ):
        person_id, staff_no, name, unit_name = values[:4]
        chances = values[4 : 4 + len(subjects)]
        in_cohort, entered = values[-2:]
        row = PlanRow(
            person_id,
            staff_no,
            name,
            unit_name,
            [
                (label, None if p is None else float(p))
                for label, p in zip(labels, chances, strict=True)
            ],
            bool(in_cohort),
            bool(entered),
        )
        row.verdict = verdict(row.probability, params)
        rows.append(row)
    rows.sort(key=lambda r: (r.probability is None, -(r.probability or 0), r.staff_no))
    totals = Totals(unit, population, population - len(rows), target.rate)
    return GapPlan(target, totals, sitting, cohorts, rows, labels, params, as_of)
