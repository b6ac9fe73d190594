"""Demo HR data for 九龙街道: posts and grades, certificates, exam attempts,
assessments, CE hours, and a certification target of 89% with monthly snapshots
(the promotion round in progress is in ``talent.demo.promotion``).

The street sits just below its target (about 87% once the lms demo has added the
last sitting's passes) with believable gaps: older communities are nearly all
certified, the newer 九龙新城 and 华岩 lag behind. The last and the next exam
sittings are dated from today.
Idempotent: nothing is added once the street's target exists.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from talent.models import (
    AnnualAssessment,
    AssessmentResult,
    CEHourEntry,
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    CertificationTarget,
    CertLevel,
    CESource,
    ExamAttempt,
    ExamSitting,
    ExamSubject,
    Grade,
    GradeChange,
    GradeChangeReason,
    OrgUnit,
    Person,
    PersonKind,
    Post,
    PromotionPolicy,
    RegistrationPeriod,
)
from talent.selectors.certification import month_start
from talent.selectors.ladder import initial_grade
from talent.services.certification import snapshot_target

SEED = 89
TARGET_NAME = "九龙街道社区工作者持证率"
# Share of community workers certified before the last sitting, per community (about
# 83%; the last sitting's passes, added by the lms demo, bring the street near 87%).
COMMUNITY_RATES = {
    "jl-panlong": 0.92,
    "jl-jiulongyuan": 0.91,
    "jl-longquan": 0.88,
    "jl-caiyunhu": 0.89,
    "jl-xincheng": 0.81,
    "jl-tanzikou": 0.88,
    "jl-keyuan": 0.85,
    "jl-chaoyang": 0.89,
    "jl-jinlong": 0.85,
    "jl-hongguang": 0.85,
    "jl-xinglong": 0.79,
    "jl-huayan": 0.75,
}
EDUCATION = ["associate"] * 3 + ["bachelor"] * 6 + ["master"]


def sitting_for(year: int) -> dict:
    """The national exam of ``year``: the second weekend of June, registration
    until 31 March, results on 20 August (the demo's dates; real ones vary)."""
    june = datetime.date(year, 6, 1)
    saturday = june + datetime.timedelta(days=(5 - june.weekday()) % 7 + 7)
    return {
        "year": year,
        "name": f"{year}年度社会工作者职业水平考试",
        "registration_deadline": datetime.date(year, 3, 31),
        "exam_starts_on": saturday,
        "exam_ends_on": saturday + datetime.timedelta(days=1),
        "results_on": datetime.date(year, 8, 20),
    }


def demo_sittings(today: datetime.date) -> tuple[ExamSitting, ExamSitting]:
    """The last sitting whose results are out, and the next one."""
    last_year = today.year if today >= datetime.date(today.year, 8, 20) else today.year - 1
    made = []
    for year in (last_year, last_year + 1):
        fields = sitting_for(year)
        made.append(ExamSitting.objects.get_or_create(year=year, defaults=fields)[0])
    return made[0], made[1]


def refresh_snapshots(today: datetime.date | None = None) -> None:
    """Rewrite the street target's monthly history (after the exam cycle's demo
    has added the last sitting's certificates)."""
    today = today or timezone.localdate()
    target = CertificationTarget.objects.filter(name=TARGET_NAME).first()
    if target is None:
        return
    for back in range(11, 0, -1):
        month_end = month_start(today, back=back - 1) - datetime.timedelta(days=1)
        snapshot_target(target, month_end)
    snapshot_target(target, today)


def _level(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.03:
        return CertLevel.SENIOR
    if roll < 0.30:
        return CertLevel.INTERMEDIATE
    return CertLevel.ASSISTANT


@transaction.atomic
def build() -> bool:
    jiulong = OrgUnit.objects.filter(code="jl").first()
    if jiulong is None or CertificationTarget.objects.filter(name=TARGET_NAME).exists():
        return False
    rng = random.Random(SEED)
    today = timezone.localdate()
    posts = {p.code: p for p in Post.objects.all()}
    grades = {g.number: g for g in Grade.objects.all()}
    policy = PromotionPolicy.load()
    ce_policy = CertificationPolicy.load()
    workers = list(
        Person.objects.filter(
            unit__path__startswith=jiulong.path,
            kind__in=[PersonKind.COMMUNITY_WORKER, PersonKind.SOCIAL_WORKER],
        )
        .select_related("unit")
        .order_by("staff_no")
    )
    by_unit: dict[int, list[Person]] = {}
    for person in workers:
        by_unit.setdefault(person.unit_id, []).append(person)

    # Education, posts and initial placement ------------------------------------
    changes = []
    for people in by_unit.values():
        # the learner login (JL0001) is an ordinary worker; the next heads 盘龙 (shequ)
        ranked = [p for p in people if p.staff_no != "JL0001"]
        for person in people:
            person.education = rng.choice(EDUCATION)
            index = ranked.index(person) if person in ranked else None
            if person.kind == PersonKind.COMMUNITY_WORKER and person.unit.kind == "community":
                code = "head" if index == 0 else "deputy" if index in (1, 2) else "other"
            else:
                code = "other"
            person.post = posts[code]
            placed_on = max(
                person.joined_on or datetime.date(2020, 1, 1), datetime.date(2019, 1, 1)
            )
            number = initial_grade(person, person.post, placed_on, policy)
            changes.append(
                GradeChange(
                    person=person,
                    post=person.post,
                    grade=grades[number],
                    effective_on=placed_on,
                    reason=GradeChangeReason.INITIAL,
                    note="2019 年三岗二十一级套改",
                )
            )
            # Regular promotions about every three years since placement, as far as
            # the post allows; the last one lands at a different time for each person.
            grade, when = number, placed_on
            while True:
                when = when.replace(year=when.year + 3) + datetime.timedelta(
                    days=rng.randint(0, 240)
                )
                if when > today - datetime.timedelta(days=rng.randint(30, 500)):
                    break
                if not person.post.allows(grade + 1):
                    break
                grade += 1
                changes.append(
                    GradeChange(
                        person=person,
                        post=person.post,
                        grade=grades[grade],
                        effective_on=when,
                        reason=GradeChangeReason.PROMOTION,
                        note="年度晋级",
                    )
                )
    Person.objects.bulk_update(workers, ["education", "post"], batch_size=500)
    GradeChange.objects.bulk_create(changes, batch_size=500)

    # Certificates, with obtained dates spread so the monthly trend climbs -----
    certificates, attempts, periods_for = [], [], []
    serial = 0
    for person in workers:
        rate = COMMUNITY_RATES.get(person.unit.code, 0.92)
        if rng.random() < rate:
            serial += 1
            level = _level(rng)
            # A fifth of certificates were obtained in the last twelve months.
            if rng.random() < 0.2:
                obtained = today - datetime.timedelta(days=rng.randint(5, 360))
            else:
                obtained = datetime.date(
                    rng.randint(2014, 2024), rng.choice([6, 11]), 30 if rng.random() < 0.5 else 15
                )
            cert = Certificate(
                person=person,
                level=level,
                number=f"CQ{obtained.year}{serial:06d}",
                obtained_on=obtained,
                status=CertificateStatus.VALID,
                exam_year=obtained.year if obtained.month > 6 else obtained.year - 1,
            )
            if level > CertLevel.ASSISTANT:
                # Their assistant certificate came first.
                certificates.append(
                    Certificate(
                        person=person,
                        level=CertLevel.ASSISTANT,
                        number=f"CQA{serial:06d}",
                        obtained_on=obtained.replace(year=obtained.year - 2),
                        status=CertificateStatus.VALID,
                    )
                )
            certificates.append(cert)
            periods_for.append(cert)
        else:
            # Sat the 2025 exam and passed one of the two subjects.
            year = 2025
            attempts.append(
                ExamAttempt(
                    person=person,
                    year=year,
                    level=CertLevel.ASSISTANT,
                    subject=ExamSubject.COMPREHENSIVE,
                    score=Decimal(rng.randint(61, 78)),
                )
            )
            attempts.append(
                ExamAttempt(
                    person=person,
                    year=year,
                    level=CertLevel.ASSISTANT,
                    subject=ExamSubject.PRACTICE,
                    score=Decimal(rng.randint(42, 59)),
                )
            )
    # The demo learner (xueyuan) has none yet: she prepares for her first (talent.demo.promotion).
    newcomer = {c.person_id for c in certificates if c.person.staff_no == "JL0001"}
    certificates = [c for c in certificates if c.person_id not in newcomer]
    periods_for = [c for c in periods_for if c.person_id not in newcomer]
    # A few certificates whose registration lapsed (expired).
    for cert in certificates[::97]:
        cert.valid_until = today - datetime.timedelta(days=rng.randint(30, 300))
    Certificate.objects.bulk_create(certificates, batch_size=500)
    ExamAttempt.objects.bulk_create(attempts, batch_size=500)

    # Registration periods and CE hours for the current period -------------------
    periods, hours = [], []
    for cert in periods_for:
        start = cert.obtained_on
        while start.replace(year=start.year + 3) < today:
            start = start.replace(year=start.year + 3)
        period = RegistrationPeriod(
            person=cert.person,
            certificate=cert,
            starts_on=start,
            ends_on=start.replace(year=start.year + ce_policy.registration_years),
            required_hours=ce_policy.required_hours(cert.level),
        )
        periods.append(period)
        elapsed = (today - start).days / ((period.ends_on - start).days or 1)
        pace = rng.choice([1.2, 1.1, 1.0, 0.9, 0.6])  # some fall behind
        earned = int(period.required_hours * elapsed * pace)
        n = 0
        while earned > 0:
            chunk = min(earned, rng.choice([4, 6, 8, 12]))
            n += 1
            hours.append(
                CEHourEntry(
                    person=cert.person,
                    hours=Decimal(chunk),
                    source=rng.choice([CESource.COURSE, CESource.SALON, CESource.TRAINING]),
                    source_ref=f"demo:{cert.pk}:{n}",
                    description="九龙社工学院学习",
                    earned_on=min(today, start + datetime.timedelta(days=30 * n)),
                )
            )
            earned -= chunk
    RegistrationPeriod.objects.bulk_create(periods, batch_size=500)
    CEHourEntry.objects.bulk_create(hours, batch_size=1000)

    # Annual assessments for the last three years ---------------------------------
    assessments = []
    for person in workers:
        for year in range(today.year - 3, today.year):
            roll = rng.random()
            result = (
                AssessmentResult.EXCELLENT
                if roll < 0.15
                else AssessmentResult.BASIC
                if roll > 0.96
                else AssessmentResult.COMPETENT
            )
            if roll > 0.995:
                result = AssessmentResult.INCOMPETENT
            assessments.append(AnnualAssessment(person=person, year=year, result=result))
    AnnualAssessment.objects.bulk_create(assessments, batch_size=500)

    # The target and its monthly history ---------------
    _last, following = demo_sittings(today)
    target = CertificationTarget.objects.create(
        name=TARGET_NAME,
        unit=jiulong,
        person_kind=PersonKind.COMMUNITY_WORKER,
        rate=Decimal("89"),
        deadline=datetime.date(following.year, 12, 31),
    )
    district = jiulong.get_parent()
    CertificationTarget.objects.create(
        name="九龙坡区专业社工持证率",
        unit=district,
        person_kind=PersonKind.SOCIAL_WORKER,
        rate=Decimal("60"),
        deadline=datetime.date(today.year + 1, 12, 31),
    )
    for back in range(11, 0, -1):
        month_end = month_start(today, back=back - 1) - datetime.timedelta(days=1)
        snapshot_target(target, month_end)
    snapshot_target(target, today)
    return True
