"""Demo learning records: case submissions with rubric scores and mock-exam attempts
with answers, generated reproducibly per person."""

from __future__ import annotations

import datetime
import random
import zlib
from decimal import Decimal

from django.utils import timezone

from lms.models import (
    AttemptAnswer,
    CaseCriterionScore,
    CaseSubmission,
    CoursePage,
    Enrollment,
    ExamAttempt,
    LessonCompletion,
    LessonPage,
    QuestionKind,
    SubmissionStatus,
)
from lms.models.exams import OPTION_LETTERS
from lms.services.exams import score_answer
from talent import api as talent


def aware(date: datetime.date, hour: int = 10) -> datetime.datetime:
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


def submit_case(person, task, *, version, status, when, reviewer, rng, comment=""):
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


def make_attempts(person, blueprint, *, count, ability, first_day, facts_rng, questions_by_kind):
    for n in range(count):
        started = aware(first_day + datetime.timedelta(days=7 * n), hour=19)
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


def demo_person(staff_no):
    return talent.Person.objects.select_related("unit", "user").get(staff_no=staff_no)
