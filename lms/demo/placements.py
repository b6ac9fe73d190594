"""Demo signed shift hours for the demo placements (see talent/demo_placements.py):
4-hour shifts at the host (three a week for interns, daily for rotations), signed
by the placement's supervisor as a closed QR check-in session would sign them.
One intern is left behind pace on purpose. Idempotent: placements that already
have logs are skipped."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lms.models import LogStatus, PracticeLog, SignMethod
from talent.api import Placement, PlacementKind, PlacementStatus

SHIFT_HOURS = Decimal("4")
ACTIVITIES = [
    "个案走访与记录",
    "社区小组活动协助",
    "居民议事会记录",
    "长者探访",
    "青少年四点半课堂",
]


def shift_days(placement: Placement, *, behind: bool) -> tuple[int, ...]:
    """Weekdays with a 4-hour shift: rotation trainees work the week (20 h, the
    plan's weekly hours), interns three days; the one left behind pace one."""
    if placement.kind == PlacementKind.ROTATION:
        return (0, 1, 2, 3, 4)
    return (2,) if behind else (0, 2, 4)


@transaction.atomic
def build() -> int:
    today = timezone.localdate()
    fallback = get_user_model().objects.get(username="zuzhi")
    placements = (
        Placement.objects.filter(
            status__in=(
                PlacementStatus.ACTIVE,
                PlacementStatus.COMPLETED,
                PlacementStatus.EVALUATED,
            ),
            practice_logs__isnull=True,
        )
        .select_related("supervisor__user", "person")
        .order_by("person__staff_no", "start")
    )
    logs = []
    behind = None
    for placement in placements:
        signer = (
            placement.supervisor.user
            if placement.supervisor and placement.supervisor.user
            else fallback
        )
        if behind is None and placement.status == PlacementStatus.ACTIVE and placement.base_id:
            behind = placement
        weekdays = shift_days(placement, behind=placement is behind)
        day = placement.start
        last = min(placement.end, today - datetime.timedelta(days=1))
        n = 0
        while day <= last:
            if day.weekday() in weekdays:
                signed_at = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(17, 30))
                )
                logs.append(
                    PracticeLog(
                        person=placement.person,
                        placement=placement,
                        date=day,
                        hours=SHIFT_HOURS,
                        activity=f"{placement.host_unit.name}：{ACTIVITIES[n % len(ACTIVITIES)]}",
                        status=LogStatus.SIGNED,
                        signed_by=signer,
                        sign_method=SignMethod.SESSION,
                        signed_at=signed_at,
                        created_by=signer,
                    )
                )
                n += 1
            day += datetime.timedelta(days=1)
    PracticeLog.objects.bulk_create(logs)
    return len(logs)
