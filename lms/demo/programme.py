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
import zlib
from decimal import Decimal
from itertools import combinations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from lms.demo.courses import CASE_TASKS, COURSES
from lms.demo.questions import BANK
from lms.models import (
    AttemptAnswer,
    CaseCriterion,
    CaseCriterionScore,
    CaseSubmission,
    CaseTask,
    Cohort,
    CohortKind,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    ExamAttempt,
    ExamBlueprint,
    ExamLevel,
    LessonCompletion,
    LessonPage,
    Programme,
    Question,
    QuestionKind,
    Stage,
    StageKind,
    SubmissionStatus,
    Tier,
)
from lms.models.exams import OPTION_LETTERS
from lms.services.exams import score_answer
from lms.services.programme import add_members
from talent import api as talent

SEED = 20260372
PROGRAMME = "九龙街道社区工作者分层培养计划"
EXAM_PROGRAMME = "社会工作者职业水平考试专班"
TIERS = [
    ("new", "新入职", 1, "入职三年内的社区工作者", Decimal("8")),
    ("backbone", "骨干", 2, "持证社工、社区副职及以上", Decimal("12")),
    ("leader", "领军人才成长营", 3, "社工室负责人、社区正职与督导人选", Decimal("16")),
]
QUIZ = "综合能力随堂小测"


# Pages ------------------------------------------------------------------------


def _publish(page):
    page.save_revision().publish()
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


def _questions_for(subject: str, level: str, topic: str, trues, falses, rng) -> list[Question]:
    made = []
    wrongs = [f for f, _ in falses]
    notes = "；".join(f"“{f}”错误，{c}" for f, c in falses)

    def question(kind, stem, options, answer_indices, explanation):
        order = list(range(len(options)))
        rng.shuffle(order)
        shuffled = [options[i] for i in order]
        answer = "".join(sorted(OPTION_LETTERS[order.index(i)] for i in answer_indices))
        return Question(
            level=level,
            subject=subject,
            topic=topic,
            kind=kind,
            stem=stem,
            options=shuffled,
            answer=answer,
            explanation=explanation,
        )

    for true in trues:  # one right among three wrong
        made.append(
            question(
                QuestionKind.SINGLE,
                f"关于{topic}，下列说法正确的是（  ）。",
                [true, *wrongs],
                [0],
                f"正确说法：{true}。{notes}。",
            )
        )
    for index, (wrong, correction) in enumerate(falses):  # one wrong among three right
        rights = [trues[(index + k) % len(trues)] for k in range(3)]
        made.append(
            question(
                QuestionKind.SINGLE,
                f"关于{topic}，下列说法错误的是（  ）。",
                [wrong, *rights],
                [0],
                f"“{wrong}”错误，{correction}。",
            )
        )
    combos = [c for n in (2, 3, 4) for c in combinations(range(4), n)]
    for combo in rng.sample(combos, 6):  # several right, the rest wrong, five options
        rights = [trues[i] for i in combo]
        options = rights + wrongs[: 5 - len(rights)]
        made.append(
            question(
                QuestionKind.MULTIPLE,
                f"关于{topic}，下列说法正确的有（  ）。",
                options,
                list(range(len(rights))),
                f"正确的有：{'；'.join(rights)}。{notes}。",
            )
        )
    return made


def build_question_bank() -> int:
    if Question.objects.exists():
        return 0
    rng = random.Random(SEED)
    questions = []
    for subject, topics in BANK.items():
        level = ExamLevel.INTERMEDIATE if subject == "law" else ExamLevel.ASSISTANT
        for topic, trues, falses in topics:
            questions += _questions_for(subject, level, topic, trues, falses, rng)
    Question.objects.bulk_create(questions)
    return len(questions)


def build_blueprints() -> dict[str, ExamBlueprint]:
    specs = [
        (QUIZ, ExamLevel.ASSISTANT, "comprehensive", 10, "1", 5, "2", 15),
        (
            "助理社会工作师·综合能力模拟卷",
            ExamLevel.ASSISTANT,
            "comprehensive",
            40,
            "1.5",
            20,
            "2",
            90,
        ),
        ("助理社会工作师·实务模拟卷", ExamLevel.ASSISTANT, "practice", 40, "1.5", 20, "2", 90),
        ("社会工作师·法规与政策模拟卷", ExamLevel.INTERMEDIATE, "law", 40, "1.5", 20, "2", 90),
    ]
    result = {}
    for name, level, subject, singles, sp, multiples, mp, minutes in specs:
        result[name], _ = ExamBlueprint.objects.get_or_create(
            name=name,
            defaults={
                "level": level,
                "subject": subject,
                "single_count": singles,
                "single_points": Decimal(sp),
                "multiple_count": multiples,
                "multiple_points": Decimal(mp),
                "time_limit_minutes": minutes,
            },
        )
    return result


# Learning records ------------------------------------------------------------


def _aware(date: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, 0)))


class Facts:
    """Collects generated learning records and writes them in bulk."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lessons = {
            c.pk: list(LessonPage.objects.child_of(c).order_by("path").values_list("pk", flat=True))
            for c in CoursePage.objects.all()
        }
        self.course_hours = dict(CoursePage.objects.values_list("pk", "ce_hours"))
        self.course_titles = dict(CoursePage.objects.values_list("pk", "title"))
        self.completions: list[LessonCompletion] = []
        self.ce: list = []
        self.done: dict[tuple[int, int], datetime.datetime] = {}

    def complete(self, person_id: int, course_id: int, when: datetime.datetime, lessons=None):
        lesson_ids = self.lessons[course_id]
        count = len(lesson_ids) if lessons is None else lessons
        for lesson_id in lesson_ids[:count]:
            self.completions.append(LessonCompletion(person_id=person_id, lesson_id=lesson_id))
        if count == len(lesson_ids):
            self.done[(person_id, course_id)] = when
            self.ce.append(
                talent.CEHourEntry(
                    person_id=person_id,
                    hours=self.course_hours[course_id],
                    source=talent.CESource.COURSE,
                    source_ref=f"course:{course_id}",
                    earned_on=timezone.localdate(when),
                    description=self.course_titles[course_id],
                )
            )

    def save(self):
        LessonCompletion.objects.bulk_create(
            self.completions, ignore_conflicts=True, batch_size=1000
        )
        for (person_id, course_id), when in self.done.items():
            Enrollment.objects.filter(person_id=person_id, course_id=course_id).update(
                completed_at=when
            )
        talent.CEHourEntry.objects.bulk_create(self.ce, ignore_conflicts=True, batch_size=1000)


CASE_TEXT = (
    "服务对象为{unit}一户{family}。首次入户时了解到{need}。我运用生态图梳理了家庭的支持网络，"
    "发现其优势在于{strength}。评估后与服务对象共同确定了两个服务目标，链接了社区志愿者与街道相关政策资源，"
    "开展了四次跟进服务。服务后服务对象表示生活更有信心。反思：需要更早地让服务对象参与计划的制定。"
)
FAMILIES = ["独居老人家庭", "低保家庭", "困境儿童家庭", "残疾人家庭", "失独老人家庭"]
NEEDS = [
    "日常就医和买菜有困难",
    "孩子放学后无人照看",
    "家中老人情绪低落、很少出门",
    "申请救助的材料不齐全",
]
STRENGTHS = ["邻里关系良好", "子女虽在外地但愿意每周联系", "本人有较强的改变意愿", "楼栋长热心帮助"]


def _submit(person, task, *, version, status, when, reviewer, rng, comment=""):
    submission = CaseSubmission.objects.create(
        task=task,
        person=person,
        version=version,
        text=CASE_TEXT.format(
            unit=person.unit.name,
            family=rng.choice(FAMILIES),
            need=rng.choice(NEEDS),
            strength=rng.choice(STRENGTHS),
        ),
    )
    CaseSubmission.objects.filter(pk=submission.pk).update(submitted_at=when)
    submission.status = status
    if status == SubmissionStatus.SUBMITTED:
        return submission
    criteria = list(task.criteria.all())
    submission.reviewer = reviewer
    submission.reviewed_at = when + datetime.timedelta(days=rng.randint(1, 6))
    if status == SubmissionStatus.APPROVED:
        scores = {c.pk: rng.randint(72, 96) for c in criteria}
        CaseCriterionScore.objects.bulk_create(
            CaseCriterionScore(submission=submission, criterion=c, score=scores[c.pk])
            for c in criteria
        )
        weight = sum(c.weight for c in criteria)
        submission.total_score = (
            sum(Decimal(scores[c.pk]) * c.weight for c in criteria) / weight
        ).quantize(Decimal("0.1"))
        submission.comment = comment or rng.choice(
            [
                "需求评估全面，服务计划可行，同意通过。",
                "案例完整，反思深入，继续保持。",
                "方法运用恰当，建议进一步提炼成效指标。",
            ]
        )
    else:
        submission.comment = comment or "请补充服务对象的优势与资源分析，并说明如何保护其隐私。"
    submission.save()
    return submission


def _attempts(person, blueprint, *, count, ability, first_day, facts_rng, questions_by_kind):
    for n in range(count):
        started = _aware(first_day + datetime.timedelta(days=7 * n), hour=19)
        attempt = ExamAttempt.objects.create(
            person=person,
            blueprint=blueprint,
            started_at=started,
            deadline=started + datetime.timedelta(minutes=blueprint.time_limit_minutes),
            max_score=blueprint.max_score,
        )
        chosen_questions = facts_rng.sample(
            questions_by_kind[(blueprint.subject, QuestionKind.SINGLE)], blueprint.single_count
        ) + facts_rng.sample(
            questions_by_kind[(blueprint.subject, QuestionKind.MULTIPLE)], blueprint.multiple_count
        )
        answers, total = [], Decimal("0")
        skill = min(0.95, ability + 0.04 * n)
        for position, question in enumerate(chosen_questions, start=1):
            # Topics differ in difficulty, so weak topics show up across attempts.
            hard = 0.18 if zlib.crc32(question.topic.encode()) % 3 == 0 else 0
            if facts_rng.random() < skill - hard:
                chosen = question.answer
            elif question.kind == QuestionKind.MULTIPLE and facts_rng.random() < 0.5:
                chosen = question.answer[:-1]
            else:
                letters = OPTION_LETTERS[: len(question.options)]
                chosen = facts_rng.choice([c for c in letters if c != question.answer[0]])
            points = score_answer(question=question, chosen=chosen, blueprint=blueprint)
            total += points
            answers.append(
                AttemptAnswer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    chosen=chosen,
                    points=points,
                    is_correct=chosen == question.answer,
                )
            )
        AttemptAnswer.objects.bulk_create(answers)
        attempt.submitted_at = started + datetime.timedelta(
            minutes=blueprint.time_limit_minutes - 8
        )
        attempt.score = total
        attempt.save(update_fields=["submitted_at", "score"])


def _person(staff_no):
    return talent.Person.objects.select_related("unit", "user").get(staff_no=staff_no)


@transaction.atomic
def build() -> None:
    tiers, stages = build_programme()
    courses = build_course_pages(tiers)
    for key, stage_map in stages.items():
        stage_map[StageKind.THEORY].courses.set(courses[key])
    tasks = build_case_tasks(stages)
    build_question_bank()
    papers = build_blueprints()

    units = {u.code: u for u in talent.OrgUnit.objects.filter(code__in=["jl", "jl-centre"])}
    if "jl-centre" not in units:
        return  # the talent demo was not loaded
    User = get_user_model()
    organiser = User.objects.filter(username="zuzhi").first()
    daoshi = _person("JL0301")
    xueyuan = _person("JL0001")
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
        (
            "2026年社会工作者职业水平考试专班",
            "exam",
            CohortKind.EXAM_CLASS,
            datetime.date(2026, 6, 1),
            datetime.date(2026, 10, 31),
            None,
            [daoshi],
            list(papers),
            0.7,
            0.0,
        ),
    ]
    rng = random.Random(SEED)
    exam_members = [xueyuan, *random.Random(SEED + 1).sample(learners[:260], 59)]
    questions_by_kind: dict = {}
    for question in Question.objects.filter(is_active=True):
        questions_by_kind.setdefault((question.subject, question.kind), []).append(question)

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
        members = exam_members if members is None else members
        add_members(actor=None, cohort=cohort, people=members)
        facts = Facts(rng)
        course_ids = [c.pk for c in courses[tier_key]]
        theory_done: list = []
        for person in members:
            if person.pk == xueyuan.pk and tier_key == "new":
                # Midway: first course done, second two lessons in, third not enrolled yet.
                facts.complete(
                    person.pk, course_ids[0], _aware(start + datetime.timedelta(days=20))
                )
                facts.complete(person.pk, course_ids[1], _aware(start), lessons=2)
                Enrollment.objects.filter(person=person, course_id=course_ids[2]).delete()
                continue
            if rng.random() < theory_rate:
                for i, cid in enumerate(course_ids):
                    facts.complete(
                        person.pk, cid, _aware(start + datetime.timedelta(days=15 + 12 * i))
                    )
                theory_done.append(person)
            else:
                for cid in course_ids[: rng.randint(0, len(course_ids) - 1)]:
                    facts.complete(person.pk, cid, _aware(start + datetime.timedelta(days=20)))
                if len(course_ids) > 1:
                    facts.complete(
                        person.pk, course_ids[-1], _aware(start), lessons=rng.randint(0, 2)
                    )
        facts.save()
        reviewer = cohort_mentors[0].user if cohort_mentors[0].user_id else None
        case_day = start + datetime.timedelta(days=70)
        for person in theory_done if tier_key in tasks else []:
            for task in tasks[tier_key]:
                roll = rng.random()
                when = _aware(case_day + datetime.timedelta(days=rng.randint(0, 30)))
                if roll < case_rate:
                    if rng.random() < 0.25:  # returned once, approved on resubmission
                        _submit(
                            person,
                            task,
                            version=1,
                            status=SubmissionStatus.RETURNED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                        when += datetime.timedelta(days=10)
                        _submit(
                            person,
                            task,
                            version=2,
                            status=SubmissionStatus.APPROVED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                    else:
                        _submit(
                            person,
                            task,
                            version=1,
                            status=SubmissionStatus.APPROVED,
                            when=when,
                            reviewer=reviewer,
                            rng=rng,
                        )
                elif roll < case_rate + 0.04 or (start.year == 2026 and rng.random() < 0.5):
                    _submit(
                        person,
                        task,
                        version=1,
                        status=SubmissionStatus.SUBMITTED,
                        when=timezone.now() - datetime.timedelta(days=rng.randint(1, 5)),
                        reviewer=None,
                        rng=rng,
                    )
        if kind == CohortKind.EXAM_CLASS:
            for person in members:
                ability = 0.45 if person.pk == xueyuan.pk else rng.uniform(0.45, 0.85)
                for paper_name in ("助理社会工作师·综合能力模拟卷", "助理社会工作师·实务模拟卷"):
                    _attempts(
                        person,
                        papers[paper_name],
                        count=rng.randint(1, 3) if person.pk != xueyuan.pk else 2,
                        ability=ability,
                        first_day=datetime.date(2026, 8, 20),
                        facts_rng=rng,
                        questions_by_kind=questions_by_kind,
                    )
