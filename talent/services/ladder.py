"""Career-ladder writes: grade changes, annual assessments and the certification
bonus (promotion rounds are in ``talent.services.promotion``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import (
    require_not_self,
    require_people_in_scope,
    require_perm,
    require_person_in_scope,
)
from talent.models import (
    AnnualAssessment,
    Certificate,
    Grade,
    GradeChange,
    GradeChangeReason,
    Person,
    Post,
    PromotionPolicy,
)
from talent.selectors.duties import Decision
from talent.selectors.ladder import current_grade


def write_grade_change(
    *, actor, person, post, grade_number, effective_on, reason, note="", review=None
) -> GradeChange:
    """Write one GradeChange and its audit event; callers have checked who may."""
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
    require_not_self(actor, person, Decision.GRADE)
    if reason == GradeChangeReason.PROMOTION:
        raise ValidationError(_("正常晋级须通过晋级评审批准。"))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.post_id != post.pk:
        Person.objects.filter(pk=person.pk).update(post=post)
    return write_grade_change(
        actor=actor,
        person=person,
        post=post,
        grade_number=grade_number,
        effective_on=effective_on,
        reason=reason,
        note=note,
    )


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
    return write_grade_change(
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
    require_not_self(actor, assessment.person, Decision.ASSESSMENT)
    before: dict = {}
    if not creating:
        stored = AnnualAssessment.objects.select_for_update().get(pk=assessment.pk)
        require_person_in_scope(actor, stored.person)
        require_not_self(actor, stored.person, Decision.ASSESSMENT)
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


def grant_certification_bonuses(*, actor, certificates: list[Certificate]) -> list[GradeChange]:
    """``grant_certification_bonus`` for many newly valid certificates at once (the
    certificate import), each person's in ascending level so a higher certificate
    adds only what a lower one did not. Queries do not grow with the count."""
    if not certificates:
        return []
    policy = PromotionPolicy.load()
    # Only people on the ladder (with a grade) can gain one: lock and load just those,
    # then read their grades under the lock.
    graded = GradeChange.objects.filter(person_id__in={c.person_id for c in certificates})
    ids = set(graded.values_list("person_id", flat=True).distinct())
    people = {
        p.pk: p
        for p in Person.objects.select_for_update(of=("self",))
        .select_related("post")
        .filter(pk__in=ids)
    }
    latest: dict[int, GradeChange] = {}
    for change in (
        GradeChange.objects.filter(person_id__in=ids)
        .select_related("grade")
        .order_by("person_id", "effective_on", "id")
    ):
        latest[change.person_id] = change
    levels: dict[int, list[tuple[int, int]]] = {}
    for person_id, level, pk in Certificate.objects.filter(person_id__in=ids).values_list(
        "person_id", "level", "pk"
    ):
        levels.setdefault(person_id, []).append((level, pk))
    grades = {g.number: g for g in Grade.objects.all()}
    changes = []
    for certificate in sorted(certificates, key=lambda c: (c.person_id, c.level)):
        person, current = people.get(certificate.person_id), latest.get(certificate.person_id)
        if current is None or person is None or person.post is None:
            continue
        given = [
            lvl
            for lvl, pk in levels.get(person.pk, [])
            if lvl < certificate.level and pk != certificate.pk
        ]
        already = max((policy.bonus_grades(level) for level in given), default=0)
        extra = policy.bonus_grades(certificate.level) - already
        target = min(person.post.max_grade, current.grade.number + max(0, extra))
        if target <= current.grade.number or target not in grades:
            continue
        change = GradeChange(
            person=person,
            post=person.post,
            grade=grades[target],
            effective_on=max(certificate.obtained_on, current.effective_on),
            reason=GradeChangeReason.CERTIFICATION,
            note=_("取得%(level)s") % {"level": certificate.get_level_display()},
            approved_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        changes.append(change)
        latest[person.pk] = change
    GradeChange.objects.bulk_create(changes, batch_size=500)
    audit.record_many(
        actor=actor,
        action=f"talent.grade.{GradeChangeReason.CERTIFICATION}",
        entries=(
            (
                c,
                {},
                {
                    "person": c.person.staff_no,
                    "post": c.post.name,
                    "grade": c.grade.number,
                    "effective_on": str(c.effective_on),
                    "reason": c.reason,
                },
            )
            for c in changes
        ),
    )
    return changes


@transaction.atomic
def record_assessments(*, actor, assessments: list[AnnualAssessment]) -> int:
    """Record many annual assessments (the assessment import) with the rules of
    ``save_assessment``: in scope, not one's own, one per person per year."""
    require_perm(actor, "talent.add_annualassessment")
    people = [a.person for a in assessments]
    require_people_in_scope(actor, people)
    require_not_self(actor, people, Decision.ASSESSMENT)
    try:
        with transaction.atomic():
            AnnualAssessment.objects.bulk_create(assessments, batch_size=500)
    except IntegrityError as error:
        raise ValidationError(_("该人员该年度已有考核结果。")) from error
    audit.record_many(
        actor=actor,
        action="talent.assessment.record",
        entries=((a, {}, audit.snapshot(a)) for a in assessments),
    )
    return len(assessments)
