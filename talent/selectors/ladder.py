"""The career ladder 三岗二十一级: reads (current grades, promotion evaluation,
the distribution report) and writes (grade changes, assessments, promotion
approval). A person's current grade is their latest GradeChange."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_perm, require_person_in_scope, require_unit_in_scope
from talent.models import (
    PASSING_RESULTS,
    AnnualAssessment,
    AssessmentResult,
    Certificate,
    Grade,
    GradeChange,
    GradeChangeReason,
    OrgUnit,
    Person,
    Post,
    PromotionPolicy,
    PromotionReview,
)
from talent.selectors.access import Scope
from talent.selectors.certification import held_certificates

# Reads ----------------------------------------------------------------------


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


# Writes ---------------------------------------------------------------------


def _write_change(*, actor, person, post, grade_number, effective_on, reason, note="", review=None):
    if not post.allows(grade_number):
        raise ValidationError(
            _("%(post)s 的等级范围是 %(low)s–%(high)s 级，不能定为 %(grade)s 级。")
            % {
                "post": post.name,
                "low": post.min_grade,
                "high": post.max_grade,
                "grade": grade_number,
            }
        )
    grade = Grade.objects.filter(number=grade_number).first()
    if grade is None:
        raise ValidationError(_("等级 %(grade)s 不存在。") % {"grade": grade_number})
    change = GradeChange.objects.create(
        person=person,
        post=post,
        grade=grade,
        effective_on=effective_on,
        reason=reason,
        note=note,
        approved_by=actor if getattr(actor, "is_authenticated", False) else None,
        review=review,
    )
    audit.record(
        actor=actor,
        action=f"talent.grade.{reason}",
        obj=change,
        after={
            "person": person.staff_no,
            "post": post.name,
            "grade": grade_number,
            "effective_on": str(effective_on),
            "reason": reason,
        },
    )
    return change


@transaction.atomic
def record_grade_change(
    *,
    actor,
    person: Person,
    post: Post,
    grade_number: int,
    effective_on: datetime.date,
    reason: str,
    note: str = "",
) -> GradeChange:
    """Record a placement, appointment or correction. The grade must lie in the
    post's range; an appointment also makes ``post`` the person's current post."""
    require_perm(actor, "talent.add_gradechange")
    require_person_in_scope(actor, person)
    if reason == GradeChangeReason.PROMOTION:
        raise ValidationError(_("正常晋级须通过晋级评审批准。"))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.post_id != post.pk:
        Person.objects.filter(pk=person.pk).update(post=post)
    return _write_change(
        actor=actor,
        person=person,
        post=post,
        grade_number=grade_number,
        effective_on=effective_on,
        reason=reason,
        note=note,
    )


def initial_grade(person: Person, post: Post, on: datetime.date, policy=None) -> int:
    """Initial placement: one grade per ``years_per_grade`` of service (education
    counting as service years) above the post's lowest grade, within its range."""
    policy = policy or PromotionPolicy.load()
    service = full_years(person.joined_on, on) if person.joined_on else 0
    service += policy.education_years(person.education)
    steps = service // max(1, policy.years_per_grade)
    return min(post.max_grade, post.min_grade + steps)


def grant_certification_bonus(*, actor, certificate: Certificate) -> GradeChange | None:
    """A newly valid certificate adds the policy's bonus grades for its level,
    less any bonus a lower certificate already gave, capped at the post's top."""
    policy = PromotionPolicy.load()
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("post")
        .get(pk=certificate.person_id)
    )
    current = current_grade(person)
    if current is None or person.post is None:
        return None
    given = (
        Certificate.objects.filter(person=person, level__lt=certificate.level)
        .exclude(pk=certificate.pk)
        .values_list("level", flat=True)
    )
    already = max((policy.bonus_grades(level) for level in given), default=0)
    extra = policy.bonus_grades(certificate.level) - already
    target = min(person.post.max_grade, current.grade.number + max(0, extra))
    if target <= current.grade.number:
        return None
    return _write_change(
        actor=actor,
        person=person,
        post=person.post,
        grade_number=target,
        effective_on=max(certificate.obtained_on, current.effective_on),
        reason=GradeChangeReason.CERTIFICATION,
        note=_("取得%(level)s") % {"level": certificate.get_level_display()},
    )


def record_assessment(*, actor, person: Person, year: int, result: str, note: str = ""):
    return save_assessment(
        actor=actor,
        assessment=AnnualAssessment(person=person, year=year, result=result, note=note),
    )


@transaction.atomic
def save_assessment(*, actor, assessment: AnnualAssessment) -> AnnualAssessment:
    """Record or correct an annual assessment. One result per person per year:
    the database refuses a second one, and the message names the person."""
    creating = assessment.pk is None
    require_perm(
        actor, "talent.add_annualassessment" if creating else "talent.change_annualassessment"
    )
    require_person_in_scope(actor, assessment.person)
    before: dict = {}
    if not creating:
        stored = AnnualAssessment.objects.select_for_update().get(pk=assessment.pk)
        require_person_in_scope(actor, stored.person)
        before = audit.snapshot(stored)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as error:
        raise ValidationError(
            _("%(person)s %(year)s 年已有考核结果。")
            % {"person": assessment.person.name, "year": assessment.year}
        ) from error
    before, after = audit.diff(before, audit.snapshot(assessment))
    audit.record(
        actor=actor,
        action="talent.assessment.record" if creating else "talent.assessment.edit",
        obj=assessment,
        before=before,
        after=after,
    )
    return assessment


@transaction.atomic
def create_review(*, actor, unit: OrgUnit, review_date: datetime.date, title: str):
    require_perm(actor, "talent.add_promotionreview")
    require_unit_in_scope(actor, unit)
    review = PromotionReview.objects.create(
        unit=unit,
        review_date=review_date,
        title=title,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor, action="talent.review.create", obj=review, after=audit.snapshot(review)
    )
    return review


@transaction.atomic
def approve_promotions(
    *, actor, review: PromotionReview, person_ids: list[int]
) -> list[GradeChange]:
    """Promote the selected people by one grade, effective on the review date.

    All or nothing: the people are locked and evaluated again inside the
    transaction; anyone already approved in this review, or no longer eligible,
    makes the whole approval fail with their names."""
    require_perm(actor, "talent.change_promotionreview")
    require_unit_in_scope(actor, review.unit, _("该评审不在您的管辖范围内。"))
    if not person_ids:
        raise ValidationError(_("请至少选择一名人员。"))
    locked = list(
        review_people(review)
        .filter(pk__in=person_ids)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if len(locked) != len(set(person_ids)):
        raise ValidationError(_("所选人员不属于本次评审范围。"))
    evaluations = evaluate_people(Person.objects.filter(pk__in=locked), review.review_date)
    already = set(
        review.grade_changes.filter(person_id__in=locked).values_list("person__name", flat=True)
    )
    if already:
        raise ValidationError(
            _("以下人员已在本次评审中批准晋级，不能重复批准：%(names)s")
            % {"names": "、".join(sorted(already))}
        )
    refused = [e for e in evaluations if not e.eligible]
    if refused:
        raise ValidationError(
            _("以下人员已不符合晋级条件：%(names)s")
            % {
                "names": "；".join(
                    f"{e.person.name}（{'，'.join(r.reason for r in e.rules if not r.passed)}）"
                    for e in refused
                )
            }
        )
    changes = []
    for evaluation in evaluations:
        try:
            with transaction.atomic():
                changes.append(
                    _write_change(
                        actor=actor,
                        person=evaluation.person,
                        post=evaluation.person.post,
                        grade_number=evaluation.next_grade,
                        effective_on=review.review_date,
                        reason=GradeChangeReason.PROMOTION,
                        review=review,
                        note=review.title,
                    )
                )
        except IntegrityError as error:
            raise ValidationError(_("本次评审已批准过该人员，不能重复批准。")) from error
    return changes


def distribution_units(scope: Scope) -> QuerySet[OrgUnit]:
    return scope.units().order_by("path")
