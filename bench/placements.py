"""Placement hot paths: the partner's hours transcript and the coordinator report.

1. Transcript (summary + every signed log) for 300 placements / 12,000 signed logs,
   against a baseline that writes a workbook of the same rows already in memory:
   reading and shaping the rows keeps the whole export within 2.5× of writing alone.
2. Coordinator report at 2,000 vs 200 active placements: time grows at most
   linearly (ratio ≤ 12 for 10× data) and the number of queries does not grow.

Run: .venv/bin/python bench/placements.py
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["ACADEMY_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-placements-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

TRANSCRIPT_GOAL = 2.5
SCALING_GOAL = 12.0


def best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


@transaction.atomic
def build(placements: int, logs_each: int):
    from lms.models import LogStatus, PracticeLog, SignMethod
    from talent.models import (
        OrgUnit,
        Person,
        Placement,
        PracticeBase,
        Role,
        ScopeGrant,
        University,
    )

    User = get_user_model()
    district = OrgUnit.add_root(name="九龙坡区", code="b-jlp", kind="district")
    host = district.add_child(name="九龙社工中心", code="b-centre", kind="centre")
    uni_unit = OrgUnit.add_root(name="西南大学", code="b-swu", kind="university")
    university = University.objects.create(unit=uni_unit)
    base = PracticeBase.objects.create(
        university=university,
        host_unit=host,
        name="基地",
        agreement_start=datetime.date(2020, 1, 1),
        agreement_end=datetime.date(2030, 1, 1),
        capacity_per_term=10_000,
    )
    partner = User.objects.create(username="b-partner")
    ScopeGrant.objects.create(user=partner, role=Role.PARTNER, unit=uni_unit)
    coordinator = User.objects.create(username="b-coord")
    ScopeGrant.objects.create(user=coordinator, role=Role.ORGANISER, unit=district)
    signer = User.objects.create(username="b-signer")
    people = Person.objects.bulk_create(
        Person(staff_no=f"B{n:05d}", name=f"学生{n}", kind="intern", unit=uni_unit)
        for n in range(placements)
    )
    today = timezone.localdate()
    rows = Placement.objects.bulk_create(
        Placement(
            kind="intern",
            person=p,
            base=base,
            host_unit=host,
            start=today - datetime.timedelta(days=60),
            end=today + datetime.timedelta(days=60),
            term="2026-autumn",
            required_hours=Decimal(160),
            status="active",
        )
        for p in people
    )
    now = timezone.now()
    PracticeLog.objects.bulk_create(
        (
            PracticeLog(
                person_id=pl.person_id,
                placement=pl,
                date=today - datetime.timedelta(days=i + 1),
                hours=Decimal(4),
                activity="社区走访",
                status=LogStatus.SIGNED,
                signed_by=signer,
                sign_method=SignMethod.SESSION,
                signed_at=now,
            )
            for pl in rows
            for i in range(logs_each)
        ),
        batch_size=2000,
    )
    return partner, coordinator


def main() -> int:
    call_command("migrate", verbosity=0)
    from cms.selectors import coordinator_report
    from cms.views.partner import transcript_sheets
    from talent.models import Placement
    from talent.selectors import placements as selectors
    from talent.spreadsheets import write_workbook

    partner, coordinator = build(300, 40)

    def hot():
        qs = selectors.placements_for_partner(selectors.partner_scope(partner))
        with tempfile.TemporaryFile() as out:
            write_workbook(out, transcript_sheets(qs))

    qs = selectors.placements_for_partner(selectors.partner_scope(partner))
    prebuilt = [(title, headings, list(rows)) for title, headings, rows in transcript_sheets(qs)]

    def baseline():
        with tempfile.TemporaryFile() as out:
            write_workbook(out, prebuilt)

    rows = sum(len(r) for _t, _h, r in prebuilt)
    transcript_ratio = best(hot) / best(baseline)
    print(f"transcript ({rows} rows): ratio {transcript_ratio:.2f} (goal <= {TRANSCRIPT_GOAL})")

    def report():
        coordinator_report(coordinator)

    # 200 active placements: deactivate all but 200
    ids = list(Placement.objects.values_list("pk", flat=True).order_by("pk"))
    Placement.objects.filter(pk__in=ids[200:]).update(status="approved")
    small = best(report)
    with CaptureQueriesContext(connection) as small_queries:
        report()
    # 2,000 active placements
    build_more(1800)
    large = best(report)
    with CaptureQueriesContext(connection) as large_queries:
        report()
    Placement.objects.filter(pk__in=ids[200:]).update(status="active")
    scaling = large / small
    print(
        f"coordinator report 2,000 vs 200 placements: ratio {scaling:.2f} "
        f"(goal <= {SCALING_GOAL}); queries {len(small_queries)} → {len(large_queries)}"
    )
    ok = (
        transcript_ratio <= TRANSCRIPT_GOAL
        and scaling <= SCALING_GOAL
        and len(large_queries) == len(small_queries)
    )
    return 0 if ok else 1


def build_more(count: int) -> None:
    """Add ``count`` more active placements (no logs) under the same host."""
    from talent.models import Person, Placement, PracticeBase

    base = PracticeBase.objects.get()
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        Person(staff_no=f"C{n:05d}", name=f"学生C{n}", kind="intern", unit=base.university.unit)
        for n in range(count)
    )
    Placement.objects.bulk_create(
        Placement(
            kind="intern",
            person=p,
            base=base,
            host_unit=base.host_unit,
            start=today - datetime.timedelta(days=30),
            end=today + datetime.timedelta(days=30),
            term="2026-autumn",
            required_hours=Decimal(100),
            status="active",
        )
        for p in people
    )


if __name__ == "__main__":
    sys.exit(main())
