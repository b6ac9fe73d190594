"""Reads about salons: the calendar and roadshow rankings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from lms.models import RoadshowSlot, Salon, SalonStatus


def published_salons() -> QuerySet[Salon]:
    slots = RoadshowSlot.objects.select_related("studio", "presenter").order_by("order")
    return (
        Salon.objects.filter(status=SalonStatus.PUBLISHED)
        .select_related("theme", "centre")
        .prefetch_related(Prefetch("slots", queryset=slots))
    )


def salon_calendar(now=None) -> dict[str, list[Salon]]:
    """Upcoming salons soonest first, past salons latest first (three queries)."""
    now = now or timezone.now()
    salons = list(published_salons().order_by("starts_at"))
    upcoming = [s for s in salons if s.ends_at >= now]
    past = [s for s in reversed(salons) if s.ends_at < now]
    return {"upcoming": upcoming, "past": past}


@dataclass(frozen=True)
class RankedSlot:
    slot: RoadshowSlot
    rank: int | None
    average: Decimal | None
    judges: int


def ranking(salon: Salon) -> list[RankedSlot]:
    """Slots by average judge total (sum of a judge's rubric scores, averaged over
    judges), ties sharing a rank; unscored slots last. One query."""
    slots = (
        RoadshowSlot.objects.filter(salon=salon)
        .select_related("studio", "presenter")
        .annotate(total=Sum("scores__score"), judge_count=Count("scores__judge", distinct=True))
    )
    scored = []
    unscored = []
    for slot in slots:
        if slot.judge_count:
            average = (slot.total / slot.judge_count).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            scored.append((slot, average))
        else:
            unscored.append(slot)
    scored.sort(key=lambda item: (-item[1], item[0].order))
    result: list[RankedSlot] = []
    previous = None
    rank = 0
    for index, (slot, average) in enumerate(scored, start=1):
        if average != previous:
            rank = index
            previous = average
        result.append(RankedSlot(slot, rank, average, slot.judge_count))
    result += [RankedSlot(slot, None, None, 0) for slot in sorted(unscored, key=lambda s: s.order)]
    return result
