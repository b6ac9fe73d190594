"""Enrolment, lesson completion and course completion (with CE credit, once)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import CoursePage, Enrollment, EnrollmentSource, LessonCompletion, LessonPage
from ..permissions import require_self


@transaction.atomic
def enrol(*, actor, person: talent.Person, course: CoursePage) -> Enrollment:
    """A learner enrols themself in a live course; enrolling twice is a no-op."""
    require_self(actor, person)
    if not course.live:
        raise ValidationError(_("该课程尚未发布。"))
    enrollment, created = Enrollment.objects.get_or_create(
        person=person,
        course=course,
        defaults={"source": EnrollmentSource.SELF, "enrolled_by": actor},
    )
    if created:
        talent.record_audit(
            actor=actor,
            action="lms.course.enrol",
            obj=enrollment,
            after={"person": person.staff_no, "course": course.title},
        )
    return enrollment


def enrol_people(*, actor, person_ids, courses) -> int:
    """Enrol people in courses in bulk, keeping existing enrolments. No permission
    check of its own: callers (``add_members``) have checked the cohort's scope."""
    person_ids = list(person_ids)
    course_ids = [c.pk for c in courses]
    existing = set(
        Enrollment.objects.filter(person_id__in=person_ids, course_id__in=course_ids).values_list(
            "person_id", "course_id"
        )
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    new = [
        Enrollment(person_id=pid, course_id=cid, source=EnrollmentSource.COHORT, enrolled_by=user)
        for pid in person_ids
        for cid in course_ids
        if (pid, cid) not in existing
    ]
    Enrollment.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


@transaction.atomic
def complete_lesson(*, actor, person: talent.Person, lesson: LessonPage) -> tuple[bool, bool]:
    """Mark a lesson done for an enrolled learner. When the last live lesson of
    the course is done, the course is complete and its CE hours are credited to
    the learner's ledger — once, whatever happens later (the ledger's unique
    constraint decides). Returns ``(lesson_newly_done, course_newly_completed)``.
    """
    require_self(actor, person)
    course = lesson.get_parent().specific
    enrollment = (
        Enrollment.objects.select_for_update().filter(person=person, course_id=course.pk).first()
    )
    if enrollment is None:
        raise ValidationError(_("请先报名该课程。"))
    _done, lesson_new = LessonCompletion.objects.get_or_create(person=person, lesson=lesson)
    if enrollment.completed_at is not None:
        return lesson_new, False
    lesson_ids = LessonPage.objects.live().child_of(course).values("pk")
    remaining = lesson_ids.exclude(pk__in=person.lesson_completions.values("lesson_id")).exists()
    if remaining:
        return lesson_new, False
    now = timezone.now()
    enrollment.completed_at = now
    enrollment.save(update_fields=["completed_at"])
    talent.record_audit(
        actor=actor,
        action="lms.course.complete",
        obj=enrollment,
        after={"person": person.staff_no, "course": course.title, "ce_hours": str(course.ce_hours)},
    )
    talent.credit_ce_hours(
        person=person,
        hours=course.ce_hours,
        source=talent.CESource.COURSE,
        source_ref=f"course:{course.pk}",
        earned_on=timezone.localdate(now),
        description=course.title,
        actor=None,  # the course rule credits it; the learner decides nothing (separation ADR)
    )
    return lesson_new, True
