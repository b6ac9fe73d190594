"""Two coordinators approving at the same moment, with real threads and real
transactions, on SQLite (IMMEDIATE) and PostgreSQL (select_for_update)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from talent.models import Placement, PlacementStatus
from talent.services import placements as svc

pytestmark = pytest.mark.django_db(transaction=True)

SPRING = (datetime.date(2026, 3, 2), datetime.date(2026, 6, 26))


def race(calls):
    """Run ``calls`` in threads released together; return what each raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except ValidationError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def proposals(bases, people, base="panlong"):
    return [
        svc.propose_placement(
            actor=bases["swu_partner"],
            person=p,
            base=bases[base],
            start=SPRING[0],
            end=SPRING[1],
            required_hours=120,
        )
        for p in people
    ]


def test_two_coordinators_cannot_both_take_the_last_place(
    bases, students, user_with_role, district
):
    from talent.models import Role

    second_coordinator = user_with_role(Role.ORGANISER, district["jl"], "coord_jl_2")
    first, a, b = proposals(bases, students[:3])
    svc.approve_placement(actor=bases["coordinator"], placement=first)  # 1 of 2 places left
    outcomes = race(
        [
            lambda: svc.approve_placement(actor=bases["coordinator"], placement=a),
            lambda: svc.approve_placement(actor=second_coordinator, placement=b),
        ]
    )
    assert sorted(str(o) == "ok" for o in outcomes) == [False, True]
    assert "名额已满" in str(next(o for o in outcomes if o != "ok"))
    approved = Placement.objects.filter(base=bases["panlong"], status=PlacementStatus.APPROVED)
    assert approved.count() == bases["panlong"].capacity_per_term


def test_concurrent_approvals_never_double_book_a_person(bases, students):
    student = students[0]
    at_panlong = proposals(bases, [student])[0]
    at_longquan = proposals(bases, [student], base="longquan")[0]
    outcomes = race(
        [
            lambda: svc.approve_placement(actor=bases["coordinator"], placement=at_panlong),
            lambda: svc.approve_placement(actor=bases["coordinator"], placement=at_longquan),
        ]
    )
    assert sorted(str(o) == "ok" for o in outcomes) == [False, True]
    assert Placement.objects.filter(person=student, status=PlacementStatus.APPROVED).count() == 1


def test_many_concurrent_approvals_fill_exactly_the_capacity(bases, students, district):
    from tests.factories import PersonFactory

    more = students + [PersonFactory(unit=district["swu"], kind="intern") for _ in range(4)]
    base = bases["longquan"]
    base.capacity_per_term = 3
    base.save()
    pending = proposals(bases, more, base="longquan")
    outcomes = race(
        [
            (lambda p=p: svc.approve_placement(actor=bases["coordinator"], placement=p))
            for p in pending
        ]
    )
    assert sum(o == "ok" for o in outcomes) == 3
    assert Placement.objects.filter(base=base, status=PlacementStatus.APPROVED).count() == 3
