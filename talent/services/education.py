"""Continuing-education writes: the CE-hours ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_not_self, require_perm, require_person_in_scope
from talent.models import CEHourEntry, Person
from talent.selectors.duties import Decision


def credit_ce_hours(
    *,
    person: Person,
    hours: Decimal | int | float | str,
    source: str,
    source_ref: str,
    earned_on: datetime.date,
    description: str = "",
    actor=None,
) -> tuple[CEHourEntry, bool]:
    """Credit continuing-education hours once per ``(person, source, source_ref)``.

    Returns ``(entry, created)``; a second call for the same source returns the
    existing entry unchanged. Safe under concurrency: the database constraint
    decides, and a losing racer reads the winner's row.

    ``actor`` is who decided the hours count (HR, the signing mentor, a session's
    owner) and may not be the person credited; hours a rule credits by itself
    (a completed course) pass ``actor=None``, the system.
    """
    require_not_self(actor, person, Decision.CE_HOURS)
    hours = Decimal(str(hours))
    if hours <= 0:
        raise ValidationError(_("学时必须大于 0。"))
    existing = CEHourEntry.objects.filter(person=person, source=source, source_ref=source_ref)
    if entry := existing.first():
        return entry, False
    try:
        with transaction.atomic():
            entry = CEHourEntry.objects.create(
                person=person,
                hours=hours,
                source=source,
                source_ref=source_ref,
                earned_on=earned_on,
                description=description,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(
                actor=actor,
                action="talent.ce.credit",
                obj=entry,
                after={
                    "person": person.staff_no,
                    "hours": str(hours),
                    "source": source,
                    "source_ref": source_ref,
                },
            )
    except IntegrityError:
        return existing.get(), False
    return entry, True


@transaction.atomic
def record_ce_hours(
    *,
    actor,
    person: Person,
    hours: Decimal | int | float | str,
    source: str,
    source_ref: str,
    earned_on: datetime.date,
    description: str = "",
) -> tuple[CEHourEntry, bool]:
    """HR records hours learnt elsewhere for a person in their scope (never
    for themselves), through the same ledger call lms uses."""
    require_perm(actor, "talent.add_cehourentry")
    require_person_in_scope(actor, person)
    return credit_ce_hours(
        person=person,
        hours=hours,
        source=source,
        source_ref=source_ref,
        earned_on=earned_on,
        description=description,
        actor=actor,
    )
