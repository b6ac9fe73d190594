"""One person's whole record for HR's person page: unit and post history, grade
timeline, annual assessments, certificates with registration and continuing-education
hours against each period, national exam results and placements.

Each part is a fixed number of queries, whatever the length of the person's history
(the page pins its total in a test). lms adds the learning parts (programme stage,
mentorships and signed hours, mock exams) through the person page's section hook.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from wagtail.models import ModelLogEntry

from talent.models import (
    AnnualAssessment,
    CEHourEntry,
    Certificate,
    CertificateStatus,
    ExamAttempt,
    GradeChange,
    OrgUnit,
    Person,
    Placement,
    RegistrationPeriod,
)
from talent.selectors.people import USER_PERSON

RECENT = 8  # rows a section shows before "查看全部"


@dataclass
class UnitMove:
    """A recorded change of the person's unit (from the audit trail)."""

    when: datetime.datetime
    before: OrgUnit | None
    after: OrgUnit | None


def unit_moves(person: Person) -> list[UnitMove]:
    """Unit changes recorded by ``save_person`` and imports, newest first (two queries)."""
    entries = [
        e
        for e in ModelLogEntry.objects.for_instance(person)
        .filter(action="talent.person.edit")
        .order_by("-timestamp", "-pk")
        .only("timestamp", "data")
        if "unit_id" in (e.data or {}).get("after", {})
    ]
    ids = {e.data["before"].get("unit_id") for e in entries} | {
        e.data["after"].get("unit_id") for e in entries
    }
    units = OrgUnit.objects.in_bulk([i for i in ids if i])
    return [
        UnitMove(
            e.timestamp,
            units.get(e.data["before"].get("unit_id")),
            units.get(e.data["after"].get("unit_id")),
        )
        for e in entries
    ]


def grade_timeline(person: Person) -> list[GradeChange]:
    """Every grade change, oldest first: the post and grade the person held when."""
    return list(
        GradeChange.objects.filter(person=person)
        .select_related("post", "grade", f"approved_by__{USER_PERSON}")
        .order_by("effective_on", "id")
    )


def assessments(person: Person) -> list[AnnualAssessment]:
    return list(AnnualAssessment.objects.filter(person=person).order_by("-year")[:RECENT])


@dataclass
class PeriodHours:
    period: RegistrationPeriod
    earned: Decimal
    expected: Decimal  # by a steady pace to today

    @property
    def percent(self) -> int:
        required = self.period.required_hours
        return min(100, int(self.earned * 100 / required)) if required else 100

    @property
    def is_open(self) -> bool:
        return self.expected < self.period.required_hours or self.earned < self.expected

    @property
    def behind(self) -> bool:
        return self.earned < self.expected


def registration_hours(person: Person, as_of: datetime.date) -> list[PeriodHours]:
    """Each registration period with the CE hours earned inside it and the hours a
    steady pace would have reached by ``as_of`` (one query)."""
    earned = (
        CEHourEntry.objects.filter(
            person=OuterRef("person"),
            earned_on__gte=OuterRef("starts_on"),
            earned_on__lte=OuterRef("ends_on"),
        )
        .order_by()
        .values("person")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    periods = (
        RegistrationPeriod.objects.filter(person=person)
        .select_related("certificate")
        .annotate(
            earned=Coalesce(
                Subquery(earned, output_field=DecimalField()),
                Decimal(0),
                output_field=DecimalField(),
            )
        )
        .order_by("-starts_on")
    )
    rows = []
    for period in periods:
        length = (period.ends_on - period.starts_on).days or 1
        elapsed = min(max((as_of - period.starts_on).days, 0), length)
        expected = (Decimal(period.required_hours) * elapsed / length).quantize(Decimal("0.1"))
        rows.append(PeriodHours(period, Decimal(period.earned), expected))
    return rows


def certificates(person: Person) -> list[Certificate]:
    return list(
        Certificate.objects.filter(person=person)
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("-level", "-obtained_on")
    )


def ce_entries(person: Person) -> list[CEHourEntry]:
    return list(CEHourEntry.objects.filter(person=person).order_by("-earned_on", "-id")[:RECENT])


def exam_results(person: Person) -> list[ExamAttempt]:
    """National exam scores, latest year first."""
    return list(ExamAttempt.objects.filter(person=person).order_by("-year", "level", "subject"))


def placements(person: Person) -> list[Placement]:
    return list(
        Placement.objects.filter(person=person)
        .select_related("host_unit", "base", "supervisor", "rotation_plan")
        .order_by("-start")[:RECENT]
    )
