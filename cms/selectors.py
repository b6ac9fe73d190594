"""cms reads that join talent and lms: the coordinator's 实习与轮岗协调 numbers —
places used against capacity per base and term, placements behind hours pace, and
the approval and evaluation queues."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from lms import api as lms
from talent import api as talent


@dataclass
class CoordinatorReport:
    term: str
    capacity: list
    behind: list
    waiting_approval: list
    waiting_evaluation: list


def coordinator_report(user, term: str | None = None) -> CoordinatorReport:
    """Four queries whatever the number of placements: bases with usage, active
    placements, their signed hours, and the two queues."""
    term = term or talent.current_term()
    active = list(
        talent.placements_for_coordinator(user).filter(status=talent.PlacementStatus.ACTIVE)
    )
    hours = lms.signed_hours_by_placement(p.pk for p in active)
    behind = talent.behind_pace(active, hours, timezone.localdate())
    queues = list(
        talent.placements_for_coordinator(user)
        .filter(status__in=(talent.PlacementStatus.PROPOSED, talent.PlacementStatus.COMPLETED))
        .order_by("start")
    )
    return CoordinatorReport(
        term=term,
        capacity=talent.capacity_usage(user, term),
        behind=sorted(behind, key=lambda r: r.shortfall, reverse=True),
        waiting_approval=[p for p in queues if p.status == talent.PlacementStatus.PROPOSED],
        waiting_evaluation=[p for p in queues if p.status == talent.PlacementStatus.COMPLETED],
    )
