"""Programme progress, computed from facts (completed courses, approved case
submissions, signed mentor hours), never typed in.

The same code answers for one learner (我的学习) and for a whole cohort (the
organiser's report): a fixed number of queries whatever the member count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import (
    CaseSubmission,
    CaseTask,
    Cohort,
    CohortMembership,
    CoursePage,
    Enrollment,
    Stage,
    SubmissionStatus,
    Tier,
)
from ..permissions import person_of
from .practice import signed_mentor_hours


@dataclass
class StageRequirements:
    """What one stage asks for, resolved once per report (labels translated
    once, not once per member)."""

    stage: Stage
    courses: list[CoursePage]
    course_ids: frozenset[int]
    tasks: list[CaseTask]
    task_ids: frozenset[int]
    hours_required: Decimal
    label: str
    units_required: int

    @classmethod
    def of(cls, stage: Stage) -> StageRequirements:
        courses = list(stage.courses.all())
        tasks = list(stage.case_tasks.all())
        hours = stage.required_mentor_hours
        return cls(
            stage=stage,
            courses=courses,
            course_ids=frozenset(c.pk for c in courses),
            tasks=tasks,
            task_ids=frozenset(t.pk for t in tasks),
            hours_required=hours,
            label=str(stage.get_kind_display()),
            units_required=len(courses) + len(tasks) + (1 if hours > 0 else 0),
        )


@dataclass
class StageProgress:
    requirements: StageRequirements
    courses_done: frozenset[int]
    tasks_done: frozenset[int]
    hours_done: Decimal

    @property
    def stage(self) -> Stage:
        return self.requirements.stage

    @property
    def units_required(self) -> int:
        return self.requirements.units_required

    @property
    def units_done(self) -> Decimal:
        done = Decimal(len(self.courses_done) + len(self.tasks_done))
        required = self.requirements.hours_required
        if required > 0:
            done += min(self.hours_done / required, Decimal("1"))
        return done

    @property
    def is_complete(self) -> bool:
        r = self.requirements
        return (
            len(self.courses_done) == len(r.courses)
            and len(self.tasks_done) == len(r.tasks)
            and self.hours_done >= r.hours_required
        )

    @property
    def percent(self) -> int:
        if not self.units_required:
            return 100
        return int(self.units_done * 100 / self.units_required)

    @property
    def missing(self) -> list[str]:
        r = self.requirements
        result = []
        courses = [c.title for c in r.courses if c.pk not in self.courses_done]
        if courses:
            result.append(_("完成课程：%(items)s") % {"items": "、".join(courses)})
        tasks = [t.title for t in r.tasks if t.pk not in self.tasks_done]
        if tasks:
            result.append(_("案例通过评阅：%(items)s") % {"items": "、".join(tasks)})
        if self.hours_done < r.hours_required:
            result.append(
                _("导师帮带学时还差 %(hours)s 小时")
                % {"hours": _hours(r.hours_required - self.hours_done)}
            )
        return result


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass
class MemberProgress:
    person: talent.Person
    stages: list[StageProgress] = field(default_factory=list)
    finished_label: str = ""

    @cached_property
    def current(self) -> StageProgress | None:
        """The first stage not yet complete; None once every stage is done."""
        return next((s for s in self.stages if not s.is_complete), None)

    @property
    def is_complete(self) -> bool:
        return self.current is None

    @property
    def stage_label(self) -> str:
        current = self.current
        return current.requirements.label if current else self.finished_label

    @cached_property
    def percent(self) -> int:
        required = sum(s.units_required for s in self.stages)
        if not required:
            return 100
        return int(sum(s.units_done for s in self.stages) * 100 / required)

    @property
    def missing(self) -> list[str]:
        current = self.current
        return current.missing if current else []


def tier_stages(tier: Tier) -> list[Stage]:
    """A tier's stages with their required courses and case tasks (3 queries)."""
    return list(
        Stage.objects.filter(tier=tier)
        .order_by("order")
        .prefetch_related(
            Prefetch("courses", queryset=CoursePage.objects.order_by("path").only("pk", "title")),
            Prefetch("case_tasks", queryset=CaseTask.objects.order_by("order", "pk")),
        )
    )


def progress_for(stages: list[Stage], people: QuerySet | list) -> list[MemberProgress]:
    """Progress of ``people`` through ``stages``. ``people`` may be a queryset
    (used as a subquery, so 5,000 members cost the same queries as 10)."""
    course_ids = {c.pk for s in stages for c in s.courses.all()}
    task_ids = {t.pk for s in stages for t in s.case_tasks.all()}
    persons = list(people)
    person_filter = people.values("pk") if isinstance(people, QuerySet) else [p.pk for p in persons]

    done_courses: dict[int, set[int]] = defaultdict(set)
    if course_ids:
        rows = Enrollment.objects.filter(
            person_id__in=person_filter, course_id__in=course_ids, completed_at__isnull=False
        ).values_list("person_id", "course_id")
        for pid, cid in rows:
            done_courses[pid].add(cid)
    done_tasks: dict[int, set[int]] = defaultdict(set)
    if task_ids:
        rows = CaseSubmission.objects.filter(
            person_id__in=person_filter, task_id__in=task_ids, status=SubmissionStatus.APPROVED
        ).values_list("person_id", "task_id")
        for pid, tid in rows:
            done_tasks[pid].add(tid)
    needs_hours = any(s.required_mentor_hours > 0 for s in stages)
    hours = signed_mentor_hours([p.pk for p in persons]) if needs_hours else {}

    requirements = [StageRequirements.of(stage) for stage in stages]
    finished = str(_("已结业"))
    zero = Decimal("0")
    result = []
    for person in persons:
        courses_done = done_courses.get(person.pk, frozenset())
        tasks_done = done_tasks.get(person.pk, frozenset())
        hours_done = hours.get(person.pk, zero)
        result.append(
            MemberProgress(
                person=person,
                finished_label=finished,
                stages=[
                    StageProgress(
                        requirements=r,
                        courses_done=r.course_ids & courses_done,
                        tasks_done=r.task_ids & tasks_done,
                        hours_done=hours_done,
                    )
                    for r in requirements
                ],
            )
        )
    return result


def cohort_members(cohort: Cohort) -> QuerySet:
    return (
        talent.Person.objects.filter(cohort_memberships__cohort=cohort)
        .select_related("unit")
        .order_by("unit__path", "staff_no")
    )


def cohort_progress(cohort: Cohort) -> list[MemberProgress]:
    return progress_for(tier_stages(cohort.tier), cohort_members(cohort))


@dataclass
class CohortSummary:
    members: int
    by_stage: dict[str, int]
    completed: int
    average_percent: int


def summarise(progress: list[MemberProgress]) -> CohortSummary:
    by_stage: dict[str, int] = defaultdict(int)
    for member in progress:
        by_stage[member.stage_label] += 1
    count = len(progress)
    return CohortSummary(
        members=count,
        by_stage=dict(by_stage),
        completed=sum(1 for m in progress if m.is_complete),
        average_percent=int(sum(m.percent for m in progress) / count) if count else 0,
    )


@dataclass
class MyProgramme:
    cohort: Cohort
    progress: MemberProgress


def programmes_of(person: talent.Person) -> list[MyProgramme]:
    """The learner's cohorts with their progress in each (queries grow with the
    number of cohorts a person is in — a handful — not with data)."""
    cohorts = list(
        Cohort.objects.filter(memberships__person=person)
        .select_related("tier__programme")
        .order_by("-starts_on")
    )
    result = []
    for cohort in cohorts:
        [progress] = progress_for(tier_stages(cohort.tier), [person])
        result.append(MyProgramme(cohort=cohort, progress=progress))
    return result


def mentor_cohorts(user) -> list[tuple[Cohort, list[MemberProgress]]]:
    """The cohorts the user mentors, each with its members' progress."""
    mentor = person_of(user)
    if mentor is None:
        return []
    cohorts = Cohort.objects.filter(mentors=mentor).select_related("tier__programme")
    return [(cohort, cohort_progress(cohort)) for cohort in cohorts.order_by("-starts_on")]


def current_programme(person: talent.Person) -> MyProgramme | None:
    """The learner's latest cohort and their stage in it (a fixed number of queries,
    however many cohorts the person has been in)."""
    cohort = (
        Cohort.objects.filter(memberships__person=person)
        .select_related("tier__programme")
        .order_by("-starts_on", "-pk")
        .first()
    )
    if cohort is None:
        return None
    [progress] = progress_for(tier_stages(cohort.tier), [person])
    return MyProgramme(cohort=cohort, progress=progress)


def current_stages(people: list[talent.Person]) -> dict[int, str]:
    """Each person's stage in their latest cohort (``已结业`` when done), for lists of
    people such as a community head's team. One query for the memberships, then a
    fixed number per cohort involved (a handful), not per person."""
    by_person: dict[int, Cohort] = {}
    memberships = (
        CohortMembership.objects.filter(person_id__in=[p.pk for p in people])
        .select_related("cohort__tier")
        .order_by("person_id", "-cohort__starts_on", "-cohort_id")
    )
    for membership in memberships:
        by_person.setdefault(membership.person_id, membership.cohort)
    members: dict[int, list[talent.Person]] = defaultdict(list)
    cohorts: dict[int, Cohort] = {}
    for person in people:
        cohort = by_person.get(person.pk)
        if cohort is not None:
            members[cohort.pk].append(person)
            cohorts[cohort.pk] = cohort
    result = {}
    for pk, cohort in cohorts.items():
        for progress in progress_for(tier_stages(cohort.tier), members[pk]):
            result[progress.person.pk] = progress.stage_label
    return result
