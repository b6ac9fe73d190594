"""Certification report at 100,000 persons and 5,000 units.

Goals (issue 4): at most 5 queries, the same count at 100 persons; time at most
2x one hand-written SQL aggregate over the same tables.
"""

import datetime
import random
import sys
import time

from _setup import django_with_temp_db, report

django_with_temp_db()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from talent.models import (  # noqa: E402
    Certificate,
    CertificationTarget,
    OrgUnit,
    Person,
)
from talent.selectors.certification import certification_report  # noqa: E402

AS_OF = datetime.date(2026, 11, 23)
rng = random.Random(5)


def build(subdistricts: int, communities: int, people: int, code: str) -> OrgUnit:
    """A district with subdistricts × communities (bulk, paths computed like treebeard)."""
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
    communities_ids = list(
        OrgUnit.objects.filter(path__startswith=root.path, depth=3).values_list("pk", flat=True)
    )
    persons = [
        Person(
            staff_no=f"{code}{i:06d}",
            name="人员",
            kind="community_worker",
            unit_id=communities_ids[i % len(communities_ids)],
        )
        for i in range(people)
    ]
    Person.objects.bulk_create(persons, batch_size=5000)
    certs = []
    for pk in Person.objects.filter(staff_no__startswith=code).values_list("pk", flat=True):
        roll = rng.random()
        if roll < 0.86:
            certs.append(
                Certificate(
                    person_id=pk,
                    level=1,
                    number=f"{code}A{pk}",
                    obtained_on=datetime.date(2020, 1, 1),
                )
            )
        if roll < 0.2:
            certs.append(
                Certificate(
                    person_id=pk,
                    level=2,
                    number=f"{code}B{pk}",
                    obtained_on=datetime.date(2022, 1, 1),
                )
            )
        if 0.86 <= roll < 0.88:  # expired
            certs.append(
                Certificate(
                    person_id=pk,
                    level=1,
                    number=f"{code}X{pk}",
                    obtained_on=datetime.date(2015, 1, 1),
                    valid_until=datetime.date(2020, 1, 1),
                )
            )
    Certificate.objects.bulk_create(certs, batch_size=5000)
    return OrgUnit.objects.get(pk=root.pk)


BASELINE_SQL = """
SELECT SUBSTR(u.path, 1, %(len)s) AS branch,
       COUNT(*) AS population,
       COUNT(c.top) AS certified,
       SUM(CASE WHEN c.top = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.top = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.top = 3 THEN 1 ELSE 0 END)
FROM talent_person p
JOIN talent_orgunit u ON u.id = p.unit_id
LEFT JOIN (
    SELECT person_id, MAX(level) AS top FROM talent_certificate
    WHERE status = 'valid' AND obtained_on <= %(day)s
      AND (valid_until IS NULL OR valid_until >= %(day)s)
    GROUP BY person_id
) c ON c.person_id = p.id
WHERE p.is_active AND p.kind = 'community_worker' AND u.path LIKE %(prefix)s
GROUP BY branch
"""


def baseline(unit):
    with connection.cursor() as cursor:
        cursor.execute(
            BASELINE_SQL,
            {
                "len": len(unit.path) + unit.steplen,
                "day": AS_OF.isoformat(),
                "prefix": unit.path + "%",
            },
        )
        return cursor.fetchall()


def best_of(fn, n=5):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(unit, label):
    target = CertificationTarget.objects.create(
        name=label,
        unit=unit,
        person_kind="community_worker",
        rate=89,
        deadline=datetime.date(2026, 12, 31),
    )
    with CaptureQueriesContext(connection) as ctx:
        result = certification_report(target=target, unit=unit, as_of=AS_OF)
    return target, result, len(ctx.captured_queries)


start = time.perf_counter()
big = build(subdistricts=50, communities=99, people=100_000, code="B")
small = build(subdistricts=2, communities=5, people=100, code="S")
print(
    f"built {OrgUnit.objects.count()} units, {Person.objects.count()} persons, "
    f"{Certificate.objects.count()} certificates in {time.perf_counter() - start:.1f}s"
)

target, result, big_queries = measure(big, "big")
_t, small_result, small_queries = measure(small, "small")
rows = baseline(big)
assert sum(r[1] for r in rows) == result.total.population == 100_000
assert sum(r[2] for r in rows) == result.total.certified, (rows[:3], result.total.certified)
print(
    f"population {result.total.population}, certified {result.total.certified}, "
    f"rate {result.total.rate}%, gap {result.total.gap}, {len(result.children)} children"
)

ours, _r = best_of(lambda: certification_report(target=target, unit=big, as_of=AS_OF))
raw, _r = best_of(lambda: baseline(big))
print(f"report {ours * 1000:.0f} ms, hand-written SQL {raw * 1000:.0f} ms")

ok = all(
    [
        report("queries at 100,000 persons", big_queries, 5),
        report("queries at 100 persons", small_queries, 5),
        report("query count growth (100k - 100)", big_queries - small_queries, 0),
        report("time ratio report / hand-written SQL", ours / raw, 2.0, "x"),
    ]
)
sys.exit(0 if ok else 1)
