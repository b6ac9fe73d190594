"""Career-ladder 三岗二十一级 reads: current grades, promotion evaluation and
the distribution report (writes are in ``talent.services.ladder``). A person's
current grade is their latest GradeChange."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

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


class Rule:
    """Stable keys of the promotion rules (the review page filters by them)."""

    GRADED = "graded"
    YEARS = "years"
    ASSESSMENT = "assessment"
    POST_RANGE = "post_range"
    CERTIFICATE = "certificate"


def rule_choices() -> list[tuple[str, str]]:
    return [
        (Rule.GRADED, _("已定级")),
        (Rule.YEARS, _("任职年限")),
        (Rule.ASSESSMENT, _("年度考核")),
        (Rule.POST_RANGE, _("岗位等级范围")),
        (Rule.CERTIFICATE, _("持证要求")),
    ]


@dataclass
class RuleResult:
    """One rule for one person: passed or not, why, and (when failed) what is
    missing, in the words a worker reads on their own page."""

    key: str
    name: str
    passed: bool
    reason: str
    missing: str = ""


@dataclass
class Evaluation:
    person: Person
    grade: int | None
    next_grade: int | None
    rules: list[RuleResult]

    @property
    def eligible(self) -> bool:
        return self.grade is not None and all(rule.passed for rule in self.rules)

    @property
    def failed(self) -> list[RuleResult]:
        return [rule for rule in self.rules if not rule.passed]


def _texts() -> SimpleNamespace:
    """Every rule text, translated once per evaluation (not once per person: at
    2,000 people the lookups were a third of the time)."""
    return SimpleNamespace(
        graded=_("已定级"),
        not_graded=_("尚未定级，请先初次定级。"),
        not_graded_missing=_("需先完成初次定级"),
        years=_("任职年限"),
        years_reason=_("现等级自 %(since)s 起任职 %(served)s 年，需满 %(required)s 年。"),
        years_missing=_("还需 %(n)s 年任职年限（%(date)s 满 %(required)s 年）"),
        assessment=_("年度考核"),
        no_window=_("不要求年度考核。"),
        all_passed=_("%(first)s–%(last)s 年考核均为称职及以上。"),
        no_result=_("%(years)s 年无考核结果"),
        no_result_missing=_("需 %(years)s 年度考核称职以上（尚无结果）"),
        failed_year=_("%(year)s 年为%(result)s"),
        failed_missing=_("需年度考核称职以上（%(years)s）"),
        post_range=_("岗位等级范围"),
        no_post=_("未聘任岗位。"),
        no_post_missing=_("需先聘任岗位"),
        range_reason=_("%(post)s 等级范围 %(low)s–%(high)s 级，拟晋 %(next)s 级。"),
        range_missing=_("已到%(post)s最高等级 %(high)s 级，需聘任更高岗位"),
        certificate=_("持证要求"),
        certificate_reason=_("晋升 %(grade)s 级及以上须持证：%(state)s。"),
        certified=_("已持证"),
        not_certified=_("未持有有效证书"),
        certificate_missing=_("需取得有效的社会工作者职业资格证书"),
        labels={k: str(v) for k, v in AssessmentResult.choices},
    )


def evaluate_people(
    people: QuerySet[Person], review_date: datetime.date, policy: PromotionPolicy | None = None
) -> list[Evaluation]:
    """Evaluate every person against the promotion rules on ``review_date``.
    Five queries (people, their units, posts, assessments, certificates), whatever
    the count."""
    policy = policy or PromotionPolicy.load()
    ids = people.values("pk")  # a subquery: no parameter list that grows with the unit
    people = list(
        with_current_grade(people, review_date)
        .defer("created_at", "updated_at")
        .order_by("unit__path", "staff_no")
    )
    # Units and posts are few and shared: one object each, not one per person.
    units = OrgUnit.objects.in_bulk({p.unit_id for p in people})
    posts = Post.objects.in_bulk()
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
    t = _texts()
    threshold = policy.certificate_required_from_grade
    evaluations = []
    for person in people:
        person.unit = units[person.unit_id]
        person.post = posts.get(person.post_id)
        grade = person.current_grade
        if grade is None:
            rule = RuleResult(Rule.GRADED, t.graded, False, t.not_graded, t.not_graded_missing)
            evaluations.append(Evaluation(person, None, None, [rule]))
            continue
        next_grade = grade + 1
        mine = results[person.pk]
        rules = [
            _years_rule(t, policy, person, mine, review_date),
            _assessment_rule(t, mine, window),
            _post_rule(t, person.post, next_grade),
        ]
        if threshold and next_grade >= threshold:
            rules.append(_certificate_rule(t, threshold, person.pk in certified))
        evaluations.append(Evaluation(person, grade, next_grade, rules))
    return evaluations


def _years_rule(t, policy, person, mine: dict[int, str], review_date) -> RuleResult:
    """Years in grade, shortened by an excellent result in the window."""
    required = policy.years_per_grade
    if any(r == AssessmentResult.EXCELLENT for r in mine.values()):
        required = max(0, required - policy.excellent_shortens_by)
    since = person.grade_since
    served = full_years(since, review_date)
    missing = ""
    if served < required:
        missing = t.years_missing % {
            "n": required - served,
            "date": add_years(since, required),
            "required": required,
        }
    reason = t.years_reason % {"since": since, "served": served, "required": required}
    return RuleResult(Rule.YEARS, t.years, served >= required, reason, missing)


def _assessment_rule(t, mine: dict[int, str], window: list[int]) -> RuleResult:
    """Every year of the window present and 称职 or better."""
    if not window:
        return RuleResult(Rule.ASSESSMENT, t.assessment, True, t.no_window)
    missing_years = [y for y in window if y not in mine]
    failing = [y for y in window if y in mine and mine[y] not in PASSING_RESULTS]
    if not (missing_years or failing):
        reason = t.all_passed % {"first": window[0], "last": window[-1]}
        return RuleResult(Rule.ASSESSMENT, t.assessment, True, reason)
    parts, todo = [], []
    if missing_years:
        years = "、".join(map(str, missing_years))
        parts.append(t.no_result % {"years": years})
        todo.append(t.no_result_missing % {"years": years})
    for y in failing:
        parts.append(t.failed_year % {"year": y, "result": t.labels[mine[y]]})
    if failing:
        years = "、".join(f"{y} {t.labels[mine[y]]}" for y in failing)
        todo.append(t.failed_missing % {"years": years})
    return RuleResult(
        Rule.ASSESSMENT, t.assessment, False, "；".join(parts) + "。", "；".join(todo)
    )


def _post_rule(t, post, next_grade: int) -> RuleResult:
    if post is None:
        return RuleResult(Rule.POST_RANGE, t.post_range, False, t.no_post, t.no_post_missing)
    allowed = post.allows(next_grade)
    reason = t.range_reason % {
        "post": post.name,
        "low": post.min_grade,
        "high": post.max_grade,
        "next": next_grade,
    }
    missing = "" if allowed else t.range_missing % {"post": post.name, "high": post.max_grade}
    return RuleResult(Rule.POST_RANGE, t.post_range, allowed, reason, missing)


def _certificate_rule(t, threshold: int, has: bool) -> RuleResult:
    reason = t.certificate_reason % {
        "grade": threshold,
        "state": t.certified if has else t.not_certified,
    }
    missing = "" if has else t.certificate_missing
    return RuleResult(Rule.CERTIFICATE, t.certificate, has, reason, missing)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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
