"""A promotion round at 2,000 people (issue 15).

Goals: the round page runs the same number of queries at 100 and at 2,000 people;
building its rows (rules, list, approvals) costs at most 1.5x the bare rule
evaluation of the same people (measured in the same process); approving a list of
350 people finishes in one transaction, timed.
"""

import datetime
import random
import sys
import time

from _setup import django_with_temp_db, report

django_with_temp_db()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from talent.models import (  # noqa: E402
    AnnualAssessment,
    Grade,
    GradeChange,
    OrgUnit,
    Person,
    Post,
    PromotionReview,
    RoundStatus,
)
from talent.selectors import promotion as rounds  # noqa: E402
from talent.selectors.ladder import evaluate_people  # noqa: E402

REVIEW_DAY = datetime.date(2026, 11, 2)
rng = random.Random(15)


def build(code: str, people: int) -> OrgUnit:
    root = OrgUnit.add_root(name=f"{code}街道", code=code, kind="subdistrict")
    units = [
        root.add_child(name=f"{code}社区{n}", code=f"{code}-{n}", kind="community")
        for n in range(20)
    ]
    post = Post.objects.get(code="other")
    grades = {g.number: g for g in Grade.objects.all()}
    persons = Person.objects.bulk_create(
        Person(
            staff_no=f"{code}{i:05d}",
            name=f"人员{i}",
            kind="community_worker",
            unit=units[i % len(units)],
            post=post,
        )
        for i in range(people)
    )
    GradeChange.objects.bulk_create(
        GradeChange(
            person=p,
            post=post,
            grade=grades[rng.randint(1, 10)],
            effective_on=datetime.date(rng.choice([2019, 2021, 2023, 2024]), 3, 1),
            reason="initial",
        )
        for p in persons
    )
    AnnualAssessment.objects.bulk_create(
        AnnualAssessment(person=p, year=y, result=rng.choice(["competent"] * 9 + ["basic"]))
        for p in persons
        for y in (2023, 2024, 2025)
    )
    return root


def page_queries(client, review) -> tuple[int, float]:
    url = reverse("talent_review:inspect", args=[review.pk])
    client.get(url)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"state": "eligible", "p": 2})
    assert response.status_code == 200
    return len(ctx.captured_queries), time.perf_counter() - start


def main() -> int:
    admin = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    small = PromotionReview.objects.create(
        unit=build("S", 100), review_date=REVIEW_DAY, title="小", status=RoundStatus.DRAFT
    )
    large_unit = build("L", 2000)
    large = PromotionReview.objects.create(
        unit=large_unit, review_date=REVIEW_DAY, title="大", status=RoundStatus.DRAFT
    )
    small_queries, _ = page_queries(client, small)
    large_queries, large_time = page_queries(client, large)
    print(f"round page: {small_queries} queries at 100, {large_queries} at 2,000")
    print(f"round page at 2,000 people: {large_time * 1000:.0f} ms")

    people = rounds.review_people(large)
    base = min(_timed(lambda: evaluate_people(people, REVIEW_DAY)) for _ in range(3))
    rows = min(_timed(lambda: rounds.round_rows(large, admin)) for _ in range(3))
    print(f"rule evaluation at 2,000: {base * 1000:.0f} ms; round rows: {rows * 1000:.0f} ms")

    from talent.services import promotion as services

    eligible = [r.person.pk for r in rounds.round_rows(large, admin) if r.listable][:350]
    services.list_candidates(actor=admin, review=large, person_ids=eligible)
    services.publish_review(actor=admin, review=large, today=REVIEW_DAY)
    large.refresh_from_db()
    approver = get_user_model().objects.create_superuser("second", "s@example.org", "x")
    start = time.perf_counter()
    changes = services.approve_review(
        actor=approver, review=large, today=large.notice_ends_on + datetime.timedelta(days=1)
    )
    approve = time.perf_counter() - start
    print(f"approving {len(changes)} people: {approve * 1000:.0f} ms")

    ok = report("round page queries, 2,000 vs 100", large_queries / small_queries, 1.0)
    ok &= report("round rows vs bare rule evaluation", rows / base, 1.5)
    return 0 if ok else 1


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
