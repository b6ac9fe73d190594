"""Cohort progress for 5,000 members: the organiser's report must cost a small
multiple of merely reading the roster, and a fixed number of queries.

Baseline: load the cohort's 5,000 members with their units (what any roster
page pays). Hot path: ``cohort_progress`` + ``summarise`` — completed courses,
approved case submissions and mentor hours for every member.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["ACADEMY_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-cohort-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

MEMBERS = 5000
GOAL_RATIO = 6.0
GOAL_QUERIES = 6


def build():
    import datetime

    from django.utils import timezone
    from wagtail.models import Page

    from lms.models import (
        CaseCriterion,
        CaseSubmission,
        CaseTask,
        Cohort,
        CohortMembership,
        CourseIndexPage,
        CoursePage,
        Enrollment,
        Programme,
        Stage,
        Tier,
    )
    from talent.models import OrgUnit, Person

    root = Page.get_first_root_node()
    index = root.add_child(instance=CourseIndexPage(title="课程中心", slug="bench-courses"))
    courses = [
        index.add_child(instance=CoursePage(title=f"课程{i}", slug=f"c{i}", summary="简介"))
        for i in range(4)
    ]
    district = OrgUnit.add_root(name="九龙坡区", code="jlp", kind="district")
    units = [district.add_child(name=f"社区{i}", code=f"c{i}", kind="community") for i in range(20)]
    programme = Programme.objects.create(name="分层培养")
    tier = Tier.objects.create(programme=programme, name="新入职")
    theory = Stage.objects.create(tier=tier, kind="theory")
    theory.courses.set(courses)
    case = Stage.objects.create(tier=tier, kind="case")
    Stage.objects.create(tier=tier, kind="mentor", required_mentor_hours=8)
    tasks = []
    for i in range(2):
        task = CaseTask(stage=case, title=f"案例{i}", brief="说明")
        task.criteria = [CaseCriterion(name="维度", weight=100)]
        task.save()
        tasks.append(task)
    cohort = Cohort.objects.create(
        tier=tier,
        name="大班",
        unit=district,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    people = Person.objects.bulk_create(
        Person(staff_no=f"B{i:05d}", name=f"学员{i}", kind="community_worker", unit=units[i % 20])
        for i in range(MEMBERS)
    )
    CohortMembership.objects.bulk_create(
        (CohortMembership(cohort=cohort, person=p) for p in people), batch_size=1000
    )
    now = timezone.now()
    Enrollment.objects.bulk_create(
        (
            Enrollment(person=p, course=c, completed_at=now if (i + j) % 3 else None)
            for i, p in enumerate(people)
            for j, c in enumerate(courses)
        ),
        batch_size=2000,
    )
    CaseSubmission.objects.bulk_create(
        (
            CaseSubmission(task=t, person=p, text="案例", status="approved", total_score=85)
            for i, p in enumerate(people)
            if i % 3 == 0
            for t in tasks
        ),
        batch_size=2000,
    )
    return cohort


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    call_command("migrate", verbosity=0)
    cohort = build()

    from lms.selectors.progress import cohort_members, cohort_progress, summarise

    def baseline():
        return [(p.staff_no, p.unit.name) for p in cohort_members(cohort)]

    def hot():
        progress = cohort_progress(cohort)
        summarise(progress)
        return [(m.person.staff_no, m.stage_label, m.percent, m.missing) for m in progress]

    assert len(baseline()) == MEMBERS
    with CaptureQueriesContext(connection) as queries:
        rows = hot()
    assert len(rows) == MEMBERS
    base = timed(baseline)
    cost = timed(hot)
    ratio = cost / base
    print(f"cohort_progress members={MEMBERS} baseline={base * 1000:.0f}ms hot={cost * 1000:.0f}ms")
    print(f"cohort_progress: ratio {ratio:.2f} (goal <= {GOAL_RATIO})")
    print(f"cohort_progress queries: {len(queries)} (goal <= {GOAL_QUERIES})")
    return 0 if ratio <= GOAL_RATIO and len(queries) <= GOAL_QUERIES else 1


if __name__ == "__main__":
    sys.exit(main())
