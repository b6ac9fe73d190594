"""Demo learning data: the 九龙街道 layered programme (新入职 / 骨干 / 领军人才成长营)
with Wagtail courses and lessons, a 234-question bank, mock papers, cohorts with
varied progress — the 372 people the reference programme trained — and a
考试专班. ``xueyuan`` is midway through the theory stage; ``daoshi`` mentors
their cohort and has case submissions waiting.

Idempotent: pages are keyed by slug, programme data by name, and the learning
records of a cohort are generated only when the cohort is first created.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from lms.demo import exam_cycle
from lms.demo.courses import CASE_TASKS, COURSES
from lms.demo.exams import (
    QUIZ,
    SEED,
    build_blueprints,
    build_question_bank,
    tag_course_topics,
)
from lms.demo.records import (
    Facts,
    aware,
    demo_person,
    submit_case,
)
from lms.models import (
    CaseCriterion,
    CaseTask,
    Cohort,
    CohortKind,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    Programme,
    Stage,
    StageKind,
    SubmissionStatus,
    Tier,
)
from lms.services.programme import add_members
from talent import api as talent

PROGRAMME = "九龙街道社区工作者分层培养计划"
EXAM_PROGRAMME = "社会工作者职业水平考试专班"
TIERS = [
    ("new", "新入职", 1, "入职三年内的社区工作者", Decimal("8")),
    ("backbone", "骨干", 2, "持证社工、社区副职及以上", Decimal("12")),
    ("leader", "领军人才成长营", 3, "社工室负责人、社区正职与督导人选", Decimal("16")),
]


# Pages ------------------------------------------------------------------------


def _publish(page):
    # published in the organiser's name, so the page history names a person (the demo
    # builds pages before cms grants the organiser's page permissions)
    organiser = get_user_model().objects.filter(username="zuzhi").first()
    page.save_revision(user=organiser).publish(user=organiser, skip_permission_checks=True)
    return page


def build_course_pages(tiers: dict[str, Tier]) -> dict[str, list[CoursePage]]:
    home = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title="课程中心",
                slug="courses",
                show_in_menus=True,
                intro="<p>分层培养课程与社工考试备考课程。完成课程全部课时后，继续教育学时自动计入个人档案。</p>",
            )
        )
        _publish(index)
    result: dict[str, list[CoursePage]] = {}
    for tier_key, courses in COURSES.items():
        result[tier_key] = []
        for title, slug, subject, course_format, hours, summary, lessons in courses:
            course = CoursePage.objects.filter(slug=slug).first()
            if course is None:
                course = index.add_child(
                    instance=CoursePage(
                        title=title,
                        slug=slug,
                        summary=summary,
                        ce_hours=Decimal(hours),
                        tier=tiers.get(tier_key),
                        exam_subject=subject,
                        course_format=course_format,
                        audience=tiers[tier_key].audience
                        if tier_key in tiers
                        else "备考社会工作者职业水平考试的学员",
                    )
                )
                _publish(course)
                for i, (lesson_title, minutes, text, point) in enumerate(lessons, start=1):
                    lesson = course.add_child(
                        instance=LessonPage(
                            title=lesson_title,
                            slug=f"{slug}-{i}",
                            duration_minutes=minutes,
                            body=[
                                ("heading", "学习内容"),
                                ("paragraph", f"<p>{text}</p>"),
                                ("key_point", {"title": "要点", "text": f"<p>{point}</p>"}),
                            ],
                        )
                    )
                    _publish(lesson)
            result[tier_key].append(course)
    return result


# Programme -------------------------------------------------------------------


def build_programme() -> tuple[dict[str, Tier], dict[str, dict[str, Stage]]]:
    programme, _ = Programme.objects.get_or_create(
        name=PROGRAMME,
        defaults={
            "description": (
                "面向九龙街道社区工作者的分层培养："
                "每个层级依次完成理论培训、案例实操、导师帮带三个阶段。"
            )
        },
    )
    exam_programme, _ = Programme.objects.get_or_create(
        name=EXAM_PROGRAMME, defaults={"description": "全国社会工作者职业水平考试考前辅导。"}
    )
    tiers: dict[str, Tier] = {}
    stages: dict[str, dict[str, Stage]] = {}
    for key, name, order, audience, hours in TIERS:
        tier, _ = Tier.objects.get_or_create(
            programme=programme, name=name, defaults={"order": order, "audience": audience}
        )
        tiers[key] = tier
        stages[key] = {}
        for kind in StageKind:
            stage, _ = Stage.objects.get_or_create(
                tier=tier,
                kind=kind,
                defaults={
                    "required_mentor_hours": hours if kind == StageKind.MENTOR else Decimal("0"),
                    "description": {
                        StageKind.THEORY: "完成本层级全部必修课程。",
                        StageKind.CASE: "提交案例实操成果，经导师评阅通过。",
                        StageKind.MENTOR: "在导师带领下开展实务，累计签核的导师帮带学时达到要求。",
                    }[kind],
                },
            )
            stages[key][kind] = stage
    exam_tier, _ = Tier.objects.get_or_create(
        programme=exam_programme,
        name="考前冲刺",
        defaults={"order": 1, "audience": "报考助理社会工作师、社会工作师的学员"},
    )
    tiers["exam"] = exam_tier
    stages["exam"] = {
        StageKind.THEORY: Stage.objects.get_or_create(
            tier=exam_tier,
            kind=StageKind.THEORY,
            defaults={"description": "完成三门考点精讲课程。"},
        )[0]
    }
    return tiers, stages


def build_case_tasks(stages) -> dict[str, list[CaseTask]]:
    result = {}
    for tier_key, tasks in CASE_TASKS.items():
        stage = stages[tier_key][StageKind.CASE]
        result[tier_key] = []
        for order, (title, brief, criteria) in enumerate(tasks, start=1):
            task = CaseTask.objects.filter(stage=stage, title=title).first()
            if task is None:
                task = CaseTask(stage=stage, title=title, brief=brief, order=order)
                task.criteria = [
                    CaseCriterion(name=n, weight=w, descriptors=d, order=i)
                    for i, (n, w, d) in enumerate(criteria, start=1)
                ]
                task.save()
            result[tier_key].append(task)
    return result


# Question bank ----------------------------------------------------------------


@transaction.atomic
def build() -> None:
    tiers, stages = build_programme()
    courses = build_course_pages(tiers)
    for key, stage_map in stages.items():
        stage_map[StageKind.THEORY].courses.set(courses[key])
    tasks = build_case_tasks(stages)
    build_question_bank()
    papers = build_blueprints()
    tag_course_topics()

    units = {u.code: u for u in talent.OrgUnit.objects.filter(code__in=["jl", "jl-centre"])}
    if "jl-centre" not in units:
        return  # the talent demo was not loaded
    User = get_user_model()
    organiser = User.objects.filter(username="zuzhi").first()
    daoshi = demo_person("JL0301")
    xueyuan = demo_person("JL0001")
    experts = list(
        talent.Person.objects.filter(
            kind=talent.PersonKind.EXPERT, unit=units["jl-centre"]
        ).order_by("staff_no")
    )
    mentors = [daoshi, *experts]
    learners = list(
        talent.Person.objects.filter(
            unit__path__startswith=units["jl"].path,
            kind__in=[
                talent.PersonKind.COMMUNITY_WORKER,
                talent.PersonKind.GRID_WORKER,
                talent.PersonKind.SOCIAL_WORKER,
            ],
        )
        .exclude(staff_no__in=["JL0001", "JL0301", "JL0398", "JL0399"])
        .select_related("unit")
        .order_by("staff_no")[:371]
    )
    plan = [
        # name, tier, kind, start, end, members, mentors, papers, theory_rate, case_rate
        (
            "2025年新入职社区工作者培养班（第一期）",
            "new",
            CohortKind.REGULAR,
            datetime.date(2025, 3, 1),
            datetime.date(2025, 12, 31),
            learners[:150],
            mentors[1:2] or mentors[:1],
            [],
            0.95,
            0.88,
        ),
        (
            "2025年骨干社工培养班",
            "backbone",
            CohortKind.REGULAR,
            datetime.date(2025, 6, 1),
            datetime.date(2026, 6, 30),
            learners[150:260],
            mentors[2:3] or mentors[:1],
            [],
            0.8,
            0.55,
        ),
        (
            "2026年领军人才成长营",
            "leader",
            CohortKind.REGULAR,
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 31),
            learners[260:292],
            [daoshi, *mentors[3:4]],
            [],
            0.4,
            0.3,
        ),
        (
            "2026年新入职社区工作者培养班（第二期）",
            "new",
            CohortKind.REGULAR,
            datetime.date(2026, 9, 1),
            datetime.date(2027, 6, 30),
            [xueyuan, *learners[292:371]],
            [daoshi],
            [QUIZ, "助理社会工作师·综合能力模拟卷"],
            0.15,
            0.0,
        ),
    ]
    rng = random.Random(SEED)

    for (
        name,
        tier_key,
        kind,
        start,
        end,
        members,
        cohort_mentors,
        paper_names,
        theory_rate,
        case_rate,
    ) in plan:
        cohort, created = Cohort.objects.get_or_create(
            name=name,
            defaults={
                "tier": tiers[tier_key],
                "kind": kind,
                "unit": units["jl-centre"],
                "starts_on": start,
                "ends_on": end,
                "organiser": organiser,
            },
        )
        if not created:
            continue
        cohort.mentors.set(cohort_mentors)
        cohort.exam_blueprints.set([papers[p] for p in paper_names])
        add_members(actor=None, cohort=cohort, people=members)
        facts = Facts(rng)
        course_ids = [c.pk for c in courses[tier_key]]
        theory_done: list = []
        for person in members:
            if person.pk == xueyuan.pk and tier_key == "new":
                # Midway: first course done, second two lessons in, third not enrolled yet.
                facts.complete(person.pk, course_ids[0], aware(start + datetime.timedelta(days=20)))
                facts.complete(person.pk, course_ids[1], aware(start), lessons=2)
                Enrollment.objects.filter(person=person, course_id=course_ids[2]).delete()
                continue
            if rng.random() < theory_rate:
                for i, cid in enumerate(course_ids):
                    facts.complete(
                        person.pk, cid, aware(start + datetime.timedelta(days=15 + 12 * i))
                    )
                theory_done.append(person)
            else:
                for cid in course_ids[: rng.randint(0, len(course_ids) - 1)]:
                    facts.complete(person.pk, cid, aware(start + datetime.timedelta(days=20)))
                if len(course_ids) > 1:
                    facts.complete(
                        person.pk, course_ids[-1], aware(start), lessons=rng.randint(0, 2)
                    )
        facts.save()
        reviewer = cohort_mentors[0].user if cohort_mentors[0].user_id else None
        case_day = start + datetime.timedelta(days=70)
        for person in theory_done if tier_key in tasks else []:
            for task in tasks[tier_key]:
                roll = rng.random()
                when = aware(case_day + datetime.timedelta(days=rng.randint(0, 30)))
                if roll < case_rate:
                    if rng.random() < 0.25:  # returned once, approved on resubmission
                        submit_case(
                            person,
                            task,
                            version=1,
                            status=SubmissionStatus.RETURNED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                        when += datetime.timedelta(days=10)
                        submit_case(
                            person,
                            task,
                            version=2,
                            status=SubmissionStatus.APPROVED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                    else:
                        submit_case(
                            person,
                            task,
                            version=1,
                            status=SubmissionStatus.APPROVED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                elif roll < case_rate + 0.04 or (start.year == 2026 and rng.random() < 0.5):
                    submit_case(
                        person,
                        task,
                        version=1,
                        status=SubmissionStatus.SUBMITTED,
                        when=timezone.now() - datetime.timedelta(days=rng.randint(1, 5)),
                        reviewer=None,
                        rng=rng,
                    )
    exam_cycle.build(
        tier=tiers["exam"], centre=units["jl-centre"], organiser=organiser, mentor=daoshi
    )
