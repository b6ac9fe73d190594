"""Career-ladder 三岗二十一级 reads: current grades, promotion evaluation and
the distribution report (writes are in ``talent.services.ladder``). A person's
current grade is their latest GradeChange."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from talent.models import (
    PASSING_RESULTS,
    AnnualAssessment,
    AssessmentResult,
    Certificate,
    Grade,
    GradeChange,
    OrgUnit,
    Person,
    Post,
    PromotionPolicy,
    PromotionReview,
)
from talent.selectors.access import Scope
from talent.selectors.certification import held_certificates


def with_current_grade(people: QuerySet[Person], as_of: datetime.date | None = None):
    """Annotate ``current_grade`` (number) and ``grade_since`` from the latest
    GradeChange effective on or before ``as_of``."""
    latest = GradeChange.objects.filter(person=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(effective_on__lte=as_of)
    latest = latest.order_by("-effective_on", "-id")
    return people.annotate(
        current_grade=Subquery(latest.values("grade__number")[:1]),
        grade_since=Subquery(latest.values("effective_on")[:1]),
    )


def current_grade(person: Person, as_of: datetime.date | None = None) -> GradeChange | None:
    changes = GradeChange.objects.filter(person=person).select_related("grade", "post")
    if as_of is not None:
        changes = changes.filter(effective_on__lte=as_of)
    return changes.order_by("-effective_on", "-id").first()


def full_years(start: datetime.date, end: datetime.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


@dataclass
class RuleResult:
    name: str
    passed: bool
    reason: str


@dataclass
class Evaluation:
    person: Person
    grade: int | None
    next_grade: int | None
    rules: list[RuleResult]
    approved: bool = False

    @property
    def eligible(self) -> bool:
        return self.grade is not None and all(rule.passed for rule in self.rules)


def evaluate_people(
    people: QuerySet[Person], review_date: datetime.date, policy: PromotionPolicy | None = None
) -> list[Evaluation]:
    """Evaluate every person against the promotion rules on ``review_date``.
    Three queries (people, assessments, certificates), whatever the count."""
    policy = policy or PromotionPolicy.load()
    people = list(
        with_current_grade(people, review_date)
        .select_related("unit", "post")
        .order_by("unit__path", "staff_no")
    )
    ids = [p.pk for p in people]
    window = list(range(review_date.year - policy.assessment_years, review_date.year))
    results: dict[int, dict[int, str]] = defaultdict(dict)
    for person_id, year, result in AnnualAssessment.objects.filter(
        person_id__in=ids, year__in=window
    ).values_list("person_id", "year", "result"):
        results[person_id][year] = result
    certified = set(
        Certificate.objects.filter(held_certificates(review_date), person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    labels = dict(AssessmentResult.choices)
    evaluations = []
    for person in people:
        rules: list[RuleResult] = []
        grade = person.current_grade
        if grade is None:
            rules.append(RuleResult(_("已定级"), False, _("尚未定级，请先初次定级。")))
            evaluations.append(Evaluation(person, None, None, rules))
            continue
        next_grade = grade + 1
        mine = results[person.pk]
        # Years in grade, shortened by an excellent result in the window.
        required = policy.years_per_grade
        if any(r == AssessmentResult.EXCELLENT for r in mine.values()):
            required = max(0, required - policy.excellent_shortens_by)
        served = full_years(person.grade_since, review_date)
        rules.append(
            RuleResult(
                _("任职年限"),
                served >= required,
                _("现等级自 %(since)s 起任职 %(served)s 年，需满 %(required)s 年。")
                % {"since": person.grade_since, "served": served, "required": required},
            )
        )
        # Annual assessments: every year of the window present and passing.
        missing = [y for y in window if y not in mine]
        failing = [y for y in window if y in mine and mine[y] not in PASSING_RESULTS]
        if not window:
            reason = _("不要求年度考核。")
        elif missing or failing:
            parts = []
            if missing:
                parts.append(_("%(years)s 年无考核结果") % {"years": "、".join(map(str, missing))})
            for y in failing:
                parts.append(_("%(year)s 年为%(result)s") % {"year": y, "result": labels[mine[y]]})
            reason = "；".join(parts) + "。"
        else:
            reason = _("%(first)s–%(last)s 年考核均为称职及以上。") % {
                "first": window[0],
                "last": window[-1],
            }
        rules.append(RuleResult(_("年度考核"), not (missing or failing), reason))
        # The post's range.
        post = person.post
        if post is None:
            rules.append(RuleResult(_("岗位等级范围"), False, _("未聘任岗位。")))
        else:
            rules.append(
                RuleResult(
                    _("岗位等级范围"),
                    post.allows(next_grade),
                    _("%(post)s 等级范围 %(low)s–%(high)s 级，拟晋 %(next)s 级。")
                    % {
                        "post": post.name,
                        "low": post.min_grade,
                        "high": post.max_grade,
                        "next": next_grade,
                    },
                )
            )
        # Certificate required from a grade on.
        threshold = policy.certificate_required_from_grade
        if threshold and next_grade >= threshold:
            has = person.pk in certified
            rules.append(
                RuleResult(
                    _("持证要求"),
                    has,
                    _("晋升 %(grade)s 级及以上须持证：%(state)s。")
                    % {"grade": threshold, "state": _("已持证") if has else _("未持有有效证书")},
                )
            )
        evaluations.append(Evaluation(person, grade, next_grade, rules))
    return evaluations


def review_people(review: PromotionReview) -> QuerySet[Person]:
    return Person.objects.filter(
        is_active=True, unit__path__startswith=review.unit.path, post__isnull=False
    )


def review_evaluations(review: PromotionReview) -> list[Evaluation]:
    evaluations = evaluate_people(review_people(review), review.review_date)
    approved = set(review.grade_changes.values_list("person_id", flat=True))
    for evaluation in evaluations:
        evaluation.approved = evaluation.person.pk in approved
    return evaluations


@dataclass
class Distribution:
    posts: list[Post]
    grades: list[Grade]
    counts: dict[tuple[int, int], int]  # (post id, grade number) -> people
    by_unit: list[tuple[OrgUnit, int, int, int]]  # unit, post id, grade, people

    def cell(self, post: Post, grade: Grade) -> int:
        return self.counts.get((post.pk, grade.number), 0)

    def post_total(self, post: Post) -> int:
        return sum(n for (p, _g), n in self.counts.items() if p == post.pk)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def ladder_distribution(unit: OrgUnit, as_of: datetime.date | None = None) -> Distribution:
    """People per post × grade in ``unit``'s subtree, and the same per unit.
    Four queries (posts, grades, units, one grouped aggregate)."""
    posts = list(Post.objects.all())
    grades = list(Grade.objects.all())
    people = with_current_grade(
        Person.objects.filter(is_active=True, unit__path__startswith=unit.path, post__isnull=False),
        as_of,
    ).filter(current_grade__isnull=False)
    rows = list(
        people.values("unit_id", "post_id", "current_grade").annotate(n=Count("id")).order_by()
    )
    units = OrgUnit.objects.in_bulk({r["unit_id"] for r in rows})
    counts: dict[tuple[int, int], int] = defaultdict(int)
    by_unit = []
    for r in rows:
        counts[(r["post_id"], r["current_grade"])] += r["n"]
        by_unit.append((units[r["unit_id"]], r["post_id"], r["current_grade"], r["n"]))
    by_unit.sort(key=lambda t: (t[0].path, t[1], t[2]))
    return Distribution(posts, grades, dict(counts), by_unit)


def initial_grade(person: Person, post: Post, on: datetime.date, policy=None) -> int:
    """Initial placement: one grade per ``years_per_grade`` of service (education
    counting as service years) above the post's lowest grade, within its range."""
    policy = policy or PromotionPolicy.load()
    service = full_years(person.joined_on, on) if person.joined_on else 0
    service += policy.education_years(person.education)
    steps = service // max(1, policy.years_per_grade)
    return min(post.max_grade, post.min_grade + steps)


def distribution_units(scope: Scope) -> QuerySet[OrgUnit]:
    return scope.units().order_by("path")
