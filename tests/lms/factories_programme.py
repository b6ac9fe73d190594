"""Builders for lms tests: a tier with three stages, course pages with lessons,
case tasks with a rubric, a question bank and blueprints."""

import datetime
from decimal import Decimal

from wagtail.models import Site

from lms.models import (
    CaseCriterion,
    CaseTask,
    Cohort,
    CourseIndexPage,
    CoursePage,
    ExamBlueprint,
    LessonPage,
    Programme,
    Question,
    QuestionKind,
    Stage,
    StageKind,
    Tier,
)


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page
        index = home.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
    return index


def make_course(
    title: str, *, lessons: int = 2, hours: str = "2", tier=None, **fields
) -> CoursePage:
    index = course_index()
    index.refresh_from_db()
    slug = f"c{CoursePage.objects.count() + 1}"
    course = index.add_child(
        instance=CoursePage(
            title=title,
            slug=slug,
            summary=f"{title}简介",
            ce_hours=Decimal(hours),
            tier=tier,
            **fields,
        )
    )
    for i in range(1, lessons + 1):
        course.add_child(instance=LessonPage(title=f"{title}第{i}课", slug=f"{slug}-l{i}"))
    return course


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).order_by("path"))


def make_task(stage: Stage, title: str = "社区走访报告", weights=(60, 40)) -> CaseTask:
    task = CaseTask(stage=stage, title=title, brief="完成一次入户走访并撰写报告。")
    task.criteria = [
        CaseCriterion(name=f"维度{i}", weight=w, order=i) for i, w in enumerate(weights, 1)
    ]
    task.save()
    return task


def make_programme(*, courses: int = 2, mentor_hours: str = "8") -> dict:
    """A tier with theory (``courses`` courses), case (one task) and mentor stages."""
    programme = Programme.objects.create(name=f"分层培养计划{Programme.objects.count() + 1}")
    tier = Tier.objects.create(programme=programme, name="新入职", order=1)
    theory = Stage.objects.create(tier=tier, kind=StageKind.THEORY)
    case = Stage.objects.create(tier=tier, kind=StageKind.CASE)
    mentor = Stage.objects.create(
        tier=tier, kind=StageKind.MENTOR, required_mentor_hours=Decimal(mentor_hours)
    )
    course_pages = [make_course(f"课程{i}", tier=tier) for i in range(1, courses + 1)]
    theory.courses.set(course_pages)
    task = make_task(case)
    return {
        "programme": programme,
        "tier": tier,
        "theory": theory,
        "case": case,
        "mentor": mentor,
        "courses": course_pages,
        "task": task,
    }


def make_cohort(tier, unit, *, name="2026年新入职培养班", mentors=(), **fields) -> Cohort:
    cohort = Cohort.objects.create(
        tier=tier,
        name=name,
        unit=unit,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 6, 30),
        **fields,
    )
    cohort.mentors.set(mentors)
    return cohort


def make_questions(
    subject="comprehensive", level="assistant", singles=6, multiples=3, topics=("伦理", "个案")
):
    made = []
    for i in range(singles):
        made.append(
            Question(
                level=level,
                subject=subject,
                topic=topics[i % len(topics)],
                kind=QuestionKind.SINGLE,
                stem=f"单选题{i}",
                options=["甲", "乙", "丙", "丁"],
                answer="B",
                explanation="选乙。",
            )
        )
    for i in range(multiples):
        made.append(
            Question(
                level=level,
                subject=subject,
                topic=topics[i % len(topics)],
                kind=QuestionKind.MULTIPLE,
                stem=f"多选题{i}",
                options=["甲", "乙", "丙", "丁", "戊"],
                answer="ACD",
                explanation="甲丙丁。",
            )
        )
    return Question.objects.bulk_create(made)


def make_blueprint(singles=4, multiples=2, minutes=30, **fields) -> ExamBlueprint:
    return ExamBlueprint.objects.create(
        name=fields.pop("name", "随堂小测"),
        level=fields.pop("level", "assistant"),
        subject=fields.pop("subject", "comprehensive"),
        single_count=singles,
        multiple_count=multiples,
        single_points=Decimal("1"),
        multiple_points=Decimal("2"),
        time_limit_minutes=minutes,
        **fields,
    )
