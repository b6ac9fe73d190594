"""Reads for the catalogue, course and lesson pages, and 我的学习."""

from __future__ import annotations

from collections import Counter

from django.db.models import Sum

from talent import api as talent

from ..models import (
    CourseFormat,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    ExamSubject,
    LessonCompletion,
    LessonPage,
    Tier,
)
from ..permissions import person_of


def _lesson_counts(parent_paths_under: str, depth: int) -> Counter:
    """Live lessons per course path, from one query over the page tree."""
    paths = (
        LessonPage.objects.live()
        .filter(path__startswith=parent_paths_under, depth=depth)
        .values_list("path", flat=True)
    )
    return Counter(path[: -LessonPage.steplen] for path in paths)


def catalogue(*, index: CourseIndexPage, params, user) -> dict:
    """Live courses under ``index`` filtered by tier, exam subject and format,
    each with its lesson count and, for a signed-in learner, their enrolment."""
    courses = CoursePage.objects.live().child_of(index).select_related("tier").order_by("path")
    tier = params.get("tier", "")
    subject = params.get("subject", "")
    course_format = params.get("format", "")
    if tier.isdigit():
        courses = courses.filter(tier_id=int(tier))
    if subject in ExamSubject.values:
        courses = courses.filter(exam_subject=subject)
    if course_format in CourseFormat.values:
        courses = courses.filter(course_format=course_format)
    courses = list(courses)
    counts = _lesson_counts(index.path, index.depth + 2)
    person = person_of(user)
    enrolled = {}
    if person is not None:
        enrolled = {
            e.course_id: e
            for e in Enrollment.objects.filter(person=person, course_id__in=[c.pk for c in courses])
        }
    for course in courses:
        course.lesson_count = counts.get(course.path, 0)
        course.my_enrollment = enrolled.get(course.pk)
    return {
        "courses": courses,
        "tiers": list(Tier.objects.select_related("programme").order_by("programme", "order")),
        "subjects": ExamSubject.choices,
        "formats": CourseFormat.choices,
        "selected": {"tier": tier, "subject": subject, "format": course_format},
        "tab": "learn",
    }


def course_detail(*, course: CoursePage, user) -> dict:
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    person = person_of(user)
    enrollment = None
    done: set[int] = set()
    if person is not None:
        enrollment = Enrollment.objects.filter(person=person, course=course).first()
        done = set(
            LessonCompletion.objects.filter(
                person=person, lesson_id__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", flat=True)
        )
    for lesson in lessons:
        lesson.is_done = lesson.pk in done
    return {
        "lessons": lessons,
        "enrollment": enrollment,
        "done_count": len(done),
        "percent": int(len(done) * 100 / len(lessons)) if lessons else 0,
        "learner": person,
        "tab": "learn",
    }


def lesson_detail(*, lesson: LessonPage, user) -> dict:
    course = lesson.get_parent().specific
    siblings = list(LessonPage.objects.live().child_of(course).order_by("path").only("pk", "title"))
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    person = person_of(user)
    enrollment = None
    is_done = False
    if person is not None:
        enrollment = Enrollment.objects.filter(person=person, course=course).first()
        is_done = LessonCompletion.objects.filter(person=person, lesson=lesson).exists()
    return {
        "course": course,
        "enrollment": enrollment,
        "is_done": is_done,
        "position": position + 1,
        "lesson_total": len(siblings),
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
        "learner": person,
        "tab": "learn",
    }


def my_courses(person) -> list[Enrollment]:
    """The learner's enrolments with progress (lessons done / live lessons), in
    three queries however many courses."""
    enrollments = list(
        Enrollment.objects.filter(person=person)
        .select_related("course")
        .order_by("completed_at", "-enrolled_at")
    )
    if not enrollments:
        return []
    first = enrollments[0].course
    lessons = LessonPage.objects.live().filter(
        path__startswith=first.path[: -LessonPage.steplen], depth=first.depth + 1
    )
    totals: Counter = Counter()
    done: Counter = Counter()
    completed_ids = set(
        LessonCompletion.objects.filter(person=person).values_list("lesson_id", flat=True)
    )
    for pk, path in lessons.values_list("pk", "path"):
        parent = path[: -LessonPage.steplen]
        totals[parent] += 1
        if pk in completed_ids:
            done[parent] += 1
    for enrollment in enrollments:
        path = enrollment.course.path
        enrollment.lesson_total = totals.get(path, 0)
        enrollment.lesson_done = done.get(path, 0)
        enrollment.percent = (
            100
            if enrollment.completed_at
            else int(done.get(path, 0) * 100 / totals[path])
            if totals.get(path)
            else 0
        )
    return enrollments


def ce_summary(person, recent: int = 4):
    """The learner's total CE hours and latest entries (two queries)."""
    entries = talent.CEHourEntry.objects.filter(person=person)
    total = entries.aggregate(total=Sum("hours"))["total"] or 0
    return total, list(entries[:recent])


def catalogue_url() -> str | None:
    index = CourseIndexPage.objects.live().first()
    return index.url if index else None
