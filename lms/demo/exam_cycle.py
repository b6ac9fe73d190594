"""The demo's exam cycle: last year's 考试专班 with its mock papers, the national
results of the last sitting (from ``lms.demo.readiness``) and the certificates
they earned; this year's 考试专班 for the next sitting, with ``xueyuan`` in it.

The last sitting is the demo's held-back past: ``manage.py calibrate_readiness``
measures the readiness estimate against it (ADR 0015). Idempotent: nothing is
added once last year's class exists.
"""

from __future__ import annotations

import datetime
import random
import zlib

from django.utils import timezone

from lms.demo.readiness import national_share
from lms.demo.records import demo_person, make_attempts
from lms.models import Cohort, CohortKind, ExamBlueprint, Question
from lms.services.programme import add_members
from lms.services.readiness import refresh_all_readiness
from talent import api as talent
from talent.demo import certification as talent_demo

SEED = 20260618
PAPERS = ("助理社会工作师·综合能力模拟卷", "助理社会工作师·实务模拟卷")
NEXT_CLASS_SIZE = 12
GRID_TOO = ("community_worker", "grid_worker")


def _uncertified(street, kinds=("community_worker",)) -> list:
    """The street's workers of ``kinds`` with no certificate at all (a lapsed one
    is renewed, not sat again)."""
    held = talent.Certificate.objects.filter(status__in=["valid", "proposed"]).values("person_id")
    people = talent.Person.objects.filter(
        unit__path__startswith=street.path,
        kind__in=kinds,
        is_active=True,
    ).exclude(pk__in=held)
    return list(people.select_related("unit").order_by("staff_no"))


def build(*, tier, centre, organiser, mentor) -> bool:
    street = talent.OrgUnit.objects.filter(code="jl").first()
    today = timezone.localdate()
    last, following = talent_demo.demo_sittings(today)
    name = f"{last.year}年社会工作者职业水平考试专班"
    if street is None or Cohort.objects.filter(name=name).exists():
        return False
    rng = random.Random(SEED)
    papers = {p.name: p for p in ExamBlueprint.objects.filter(name__in=PAPERS)}
    questions: dict = {}
    for question in Question.objects.filter(is_active=True):
        questions.setdefault((question.subject, question.kind), []).append(question)
    xueyuan = demo_person("JL0001")

    # Last year's class: the street's uncertified community and grid workers sat it,
    # except in the newest community (华岩), which sent nobody.
    sat = [
        p
        for p in _uncertified(street, GRID_TOO)
        if p.pk != xueyuan.pk and p.unit.code != "jl-huayan"
    ]
    starts = last.exam_starts_on - datetime.timedelta(days=100)
    past = _cohort(name, tier, centre, organiser, mentor, starts, last.exam_ends_on)
    add_members(actor=None, cohort=past, people=sat)
    results, passers = [], []
    for person in sat:
        ability = rng.uniform(0.3, 0.78)
        day = rng.gauss(0, 0.05)
        scores = {}
        for paper_name in PAPERS:
            paper = papers[paper_name]
            count = rng.randint(1, 4)
            make_attempts(
                person,
                paper,
                count=count,
                ability=ability + rng.gauss(0, 0.04),
                first_day=last.exam_starts_on
                - datetime.timedelta(days=7 * count + rng.randint(3, 20)),
                facts_rng=rng,
                questions_by_kind=questions,
            )
            latest = (
                person.mock_exam_attempts.filter(blueprint=paper).order_by("-started_at").first()
            )
            skill = float(latest.score / latest.max_score) + 0.02
            scores[paper.subject] = round(national_share(rng, skill, day) * 100)
        for subject, score in scores.items():
            results.append(
                talent.ExamAttempt(
                    person=person, year=last.year, level=1, subject=subject, score=score
                )
            )
        if all(score >= 60 for score in scores.values()):
            passers.append(person)
    talent.ExamAttempt.objects.bulk_create(results, ignore_conflicts=True)
    talent.ExamEntry.objects.bulk_create(
        talent.ExamEntry(sitting=last, person=p, level=1) for p in sat
    )
    renshi = talent.Person.objects.filter(staff_no="JL0399").values_list("user", flat=True).first()
    for index, person in enumerate(passers, start=1):
        _certify(person, last, index, renshi)
    talent_demo.refresh_snapshots(today)

    # This year's class for the next sitting: xueyuan and the best-prepared others.
    left = [p for p in _uncertified(street) if p.pk != xueyuan.pk]
    chosen = sorted(left, key=lambda p: zlib.crc32(p.staff_no.encode()))[: NEXT_CLASS_SIZE - 1]
    upcoming = _cohort(
        f"{following.year}年社会工作者职业水平考试专班",
        tier,
        centre,
        organiser,
        mentor,
        today - datetime.timedelta(days=40),
        following.exam_ends_on,
    )
    add_members(actor=None, cohort=upcoming, people=[xueyuan, *chosen])
    for person in [xueyuan, *chosen]:
        ability = 0.66 if person.pk == xueyuan.pk else rng.uniform(0.55, 0.85)
        for paper_name in PAPERS:
            make_attempts(
                person,
                papers[paper_name],
                count=2 if person.pk == xueyuan.pk else rng.randint(1, 3),
                ability=ability,
                first_day=today - datetime.timedelta(days=30),
                facts_rng=rng,
                questions_by_kind=questions,
            )
    refresh_all_readiness()
    return True


def _cohort(name, tier, centre, organiser, mentor, starts, ends) -> Cohort:
    cohort = Cohort.objects.create(
        name=name,
        tier=tier,
        kind=CohortKind.EXAM_CLASS,
        unit=centre,
        starts_on=starts,
        ends_on=ends,
        organiser=organiser,
    )
    cohort.mentors.set([mentor])
    cohort.exam_blueprints.set(ExamBlueprint.objects.filter(name__in=PAPERS))
    return cohort


def _certify(person, sitting, index, confirmed_by) -> None:
    certificate = talent.Certificate.objects.create(
        person=person,
        level=1,
        number=f"CQ{sitting.year}{index + 500000:06d}",
        obtained_on=sitting.results_on,
        exam_year=sitting.year,
        confirmed_by_id=confirmed_by,
    )
    talent.RegistrationPeriod.objects.create(
        person=person,
        certificate=certificate,
        starts_on=sitting.results_on,
        ends_on=sitting.results_on.replace(year=sitting.results_on.year + 3),
        required_hours=72,
    )
