"""Practice hours seen from a placement (实习/轮岗): the signed logs that count
toward its required hours."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum

from lms.models import LogStatus, PracticeLog
from talent import api as talent

TENTH = Decimal("0.1")


def signed_hours_by_placement(placement_ids: Iterable[int]) -> dict[int, Decimal]:
    """Signed hours per placement in one query, to a tenth of an hour (the same
    on SQLite and PostgreSQL); placements without any are 0."""
    ids = list(placement_ids)
    totals = dict(
        PracticeLog.objects.filter(placement_id__in=ids, status=LogStatus.SIGNED)
        .order_by()
        .values("placement_id")
        .annotate(total=Sum("hours"))
        .values_list("placement_id", "total")
    )
    return {pk: Decimal(totals.get(pk) or 0).quantize(TENTH) for pk in ids}


def signed_logs_for_placement(placement_id: int) -> QuerySet[PracticeLog]:
    """The signed logs of one placement, oldest first, with who signed them."""
    return signed_logs_for_placements([placement_id])


def signed_logs_for_placements(placement_ids: Iterable[int]) -> QuerySet[PracticeLog]:
    """Signed logs of several placements in one query, by placement then date."""
    return (
        PracticeLog.objects.filter(placement_id__in=list(placement_ids), status=LogStatus.SIGNED)
        .select_related(f"signed_by__{talent.USER_PERSON}")
        .order_by("placement_id", "date", "id")
    )
