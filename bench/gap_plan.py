"""The gap plan for a 100,000-person district (issue 18).

Goals: the same number of queries at 100 and at 100,000 persons; time at most 2x
hand-written SQL producing the same thing in the same run (the population and
certified counts, and the uncertified ranked by readiness with their cohort and
报名 flags).
"""

import datetime
import random
import sys
import time
from decimal import Decimal

from _setup import django_with_temp_db, report

django_with_temp_db()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lms.models import (  # noqa: E402
    Cohort,
    CohortKind,
    CohortMembership,
    Programme,
    SubjectReadiness,
    Tier,
)
from lms.selectors.gapplan import gap_plan  # noqa: E402
from talent.models import (  # noqa: E402
    Certificate,
    CertificationTarget,
    ExamEntry,
    ExamSitting,
    OrgUnit,
    Person,
)
from talent.selectors.access import scope_for  # noqa: E402

AS_OF = datetime.date(2027, 3, 10)
NOW = datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC)
rng = random.Random(18)


def build(subdistricts: int, communities: int, people: int, code: str) -> OrgUnit:
    root = OrgUnit.add_root(name=f"{code}区", code=code, kind="district")
    units = []
    for s in range(subdistricts):
        sub_path = OrgUnit._get_path(root.path, 2, s + 1)
        units.append(
            OrgUnit(
                path=sub_path,
                depth=2,
                numchild=communities,
                name=f"街道{s}",
                code=f"{code}-s{s}",
                kind="subdistrict",
            )
        )
        for c in range(communities):
            units.append(
                OrgUnit(
                    path=OrgUnit._get_path(sub_path, 3, c + 1),
                    depth=3,
                    numchild=0,
                    name=f"社区{s}-{c}",
                    code=f"{code}-s{s}-c{c}",
                    kind="community",
                )
            )
    OrgUnit.objects.bulk_create(units, batch_size=2000)
    OrgUnit.objects.filter(pk=root.pk).update(numchild=subdistricts)
    community_ids = list(
        OrgUnit.objects.filter(path__startswith=root.path, depth=3).values_list("pk", flat=True)
    )
    Person.objects.bulk_create(
        (
            Person(
                staff_no=f"{code}{i:06d}",
                name=f"人员{i}",
                kind="community_worker",
                unit_id=community_ids[i % len(community_ids)],
            )
            for i in range(people)
        ),
        batch_size=5000,
    )
    certs, readiness, uncertified = [], [], []
    for pk in Person.objects.filter(staff_no__startswith=code).values_list("pk", flat=True):
        if rng.random() < 0.86:
            certs.append(
                Certificate(
                    person_id=pk,
                    level=1,
                    number=f"{code}A{pk}",
                    obtained_on=datetime.date(2020, 1, 1),
                )
            )
            continue
        uncertified.append(pk)
        for subject in ("comprehensive", "practice"):
            if rng.random() < 0.85:
                readiness.append(
                    SubjectReadiness(
                        person_id=pk,
                        level="assistant",
                        subject=subject,
                        attempts=2,
                        questions=120,
                        share=Decimal("0.6"),
                        probability=Decimal(str(round(rng.random(), 4))),
                        last_attempt_at=NOW,
                    )
                )
    Certificate.objects.bulk_create(certs, batch_size=5000)
    SubjectReadiness.objects.bulk_create(readiness, batch_size=5000)
    return OrgUnit.objects.get(pk=root.pk), uncertified


def extras(root, uncertified, tier, sitting):
    cohort = Cohort.objects.create(
        tier=tier,
        name=f"{root.code}考试专班",
        kind=CohortKind.EXAM_CLASS,
        unit=root,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    CohortMembership.objects.bulk_create(
        (CohortMembership(cohort=cohort, person_id=pk) for pk in uncertified[::7]), batch_size=5000
    )
    ExamEntry.objects.bulk_create(
        (ExamEntry(sitting=sitting, person_id=pk, level=1) for pk in uncertified[::5]),
        batch_size=5000,
    )
    target = CertificationTarget.objects.create(
        name=root.code,
        unit=root,
        person_kind="community_worker",
        rate=89,
        deadline=datetime.date(2027, 12, 31),
    )
    return cohort, target


RANKING_SQL = """
SELECT p.id, p.staff_no, p.name, u.name, rc.probability, rp.probability,
       EXISTS(SELECT 1 FROM lms_cohortmembership m WHERE m.cohort_id = %(cohort)s
              AND m.person_id = p.id),
       EXISTS(SELECT 1 FROM talent_examentry e WHERE e.sitting_id = %(sitting)s
              AND e.person_id = p.id)
FROM talent_person p
JOIN talent_orgunit u ON u.id = p.unit_id
LEFT JOIN lms_subjectreadiness rc ON rc.person_id = p.id AND rc.level = 'assistant'
     AND rc.subject = 'comprehensive'
LEFT JOIN lms_subjectreadiness rp ON rp.person_id = p.id AND rp.level = 'assistant'
     AND rp.subject = 'practice'
WHERE p.is_active AND p.kind = 'community_worker' AND u.path LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM talent_certificate c WHERE c.person_id = p.id
      AND c.status = 'valid' AND c.obtained_on <= %(day)s
      AND (c.valid_until IS NULL OR c.valid_until >= %(day)s))
ORDER BY COALESCE(rc.probability, 0) * COALESCE(rp.probability, 0) DESC, p.staff_no
"""
TOTALS_SQL = """
SELECT COUNT(*), COUNT(c.person_id)
FROM talent_person p JOIN talent_orgunit u ON u.id = p.unit_id
LEFT JOIN (SELECT DISTINCT person_id FROM talent_certificate WHERE status = 'valid'
           AND obtained_on <= %(day)s AND (valid_until IS NULL OR valid_until >= %(day)s)) c
       ON c.person_id = p.id
WHERE p.is_active AND p.kind = 'community_worker' AND u.path LIKE %(prefix)s
"""


def baseline(root, cohort, sitting):
    params = {
        "cohort": cohort.pk,
        "sitting": sitting.pk,
        "prefix": root.path + "%",
        "day": AS_OF.isoformat(),
    }
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL, params)
        totals = cursor.fetchone()
        cursor.execute(RANKING_SQL, params)
        return totals, cursor.fetchall()


def best_of(fn, n=3):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


start = time.perf_counter()
tier = Tier.objects.create(programme=Programme.objects.create(name="考试专班"), name="考前冲刺")
sitting = ExamSitting.objects.create(
    year=2027,
    name="2027",
    registration_deadline=datetime.date(2027, 3, 31),
    exam_starts_on=datetime.date(2027, 6, 12),
    exam_ends_on=datetime.date(2027, 6, 13),
    results_on=datetime.date(2027, 8, 20),
)
big, big_unc = build(subdistricts=50, communities=99, people=100_000, code="B")
small, small_unc = build(subdistricts=2, communities=5, people=100, code="S")
big_cohort, big_target = extras(big, big_unc, tier, sitting)
small_cohort, small_target = extras(small, small_unc, tier, sitting)
print(
    f"built {Person.objects.count()} persons, {SubjectReadiness.objects.count()} readiness rows "
    f"in {time.perf_counter() - start:.1f}s"
)
admin = get_user_model().objects.create(username="bench", is_superuser=True)
scope = scope_for(admin)


def plan(root, target, cohort):
    return gap_plan(scope=scope, target=target, unit=root, as_of=AS_OF)


def counted(root, target, cohort):
    with CaptureQueriesContext(connection) as ctx:
        result = plan(root, target, cohort)
        _ = (result.message, result.projected_rate, result.reach_probability, result.needed_top)
    return result, len(ctx.captured_queries)


plan(small, small_target, small_cohort)  # first use creates the policy rows
result, big_queries = counted(big, big_target, big_cohort)
_r, small_queries = counted(small, small_target, small_cohort)
totals, rows = baseline(big, big_cohort, sitting)
assert totals == (result.population, result.certified), (totals, result.population)
assert len(rows) == len(result.rows)
ours_top = [r.person_id for r in result.rows if r.probability is not None][:50]
assert ours_top == [r[0] for r in rows][:50], "the two rankings differ"
print(
    f"population {result.population}, certified {result.certified}, gap {result.gap}, "
    f"ranked {len(result.rows)}, in cohort {result.in_cohort}, entered {len(result.entered)}, "
    f"expected passes {result.expected_entered:.1f}"
)
print(result.message)

ours, _r = best_of(lambda: plan(big, big_target, big_cohort), 5)
raw, _r = best_of(lambda: baseline(big, big_cohort, sitting), 5)
print(f"gap plan {ours * 1000:.0f} ms, hand-written SQL {raw * 1000:.0f} ms")
ok = all(
    [
        report("queries at 100,000 persons", big_queries, 12),
        report("query count growth (100k - 100)", big_queries - small_queries, 0),
        report("time ratio gap plan / hand-written SQL", ours / raw, 2.0, "x"),
    ]
)
sys.exit(0 if ok else 1)
