"""A community head's team: who is certified, whose registration is due, who is
behind on continuing-education hours (lms adds the programme stage).

Who is a community head is data, not a grant: an active person whose post is 社区正职
(``Post.code == "head"``, the Party secretary and the committee director) and whose unit
is a 社区. Their team is the active people of that community (and anything under it),
interns excepted. See docs/decisions/0017-community-head-team-view.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from talent.models import (
    CEHourEntry,
    Certificate,
    CertLevel,
    Grade,
    OrgUnit,
    Person,
    PersonKind,
    RegistrationPeriod,
    UnitKind,
)
from talent.selectors.certification import held_certificates
from talent.selectors.ladder import with_current_grade

HEAD_POST = "head"
REGISTRATION_DUE_DAYS = 180  # a period ending within half a year needs re-registration


def headed_unit(person: Person | None) -> OrgUnit | None:
    """The community ``person`` heads, or None (no query: the person is loaded with
    its unit and post by ``person_for_user``)."""
    if person is None or not person.is_active or person.post_id is None:
        return None
    if person.post.code != HEAD_POST or person.unit.kind != UnitKind.COMMUNITY:
        return None
    return person.unit


@dataclass
class TeamMember:
    person: Person
    grade: Grade | None = None
    level: int | None = None  # highest held certificate
    period: RegistrationPeriod | None = None  # the current (or latest) registration period
    earned: Decimal = Decimal(0)
    expected: Decimal = Decimal(0)
    stage: str = ""  # filled in by the caller from lms (programme stage)

    @property
    def level_label(self) -> str:
        return CertLevel(self.level).label if self.level else ""

    @property
    def behind(self) -> bool:
        return self.period is not None and self.earned < self.expected

    @property
    def due_on(self) -> datetime.date | None:
        return self.period.ends_on if self.period is not None else None

    def registration_due(self, as_of: datetime.date) -> bool:
        return (
            self.period is not None and (self.period.ends_on - as_of).days <= REGISTRATION_DUE_DAYS
        )

    @property
    def percent(self) -> int:
        if self.period is None or not self.period.required_hours:
            return 0
        return min(100, int(self.earned * 100 / self.period.required_hours))


def team_people(unit: OrgUnit):
    return (
        Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .exclude(kind=PersonKind.INTERN)
        .select_related("unit", "post")
    )


def team(unit: OrgUnit, as_of: datetime.date) -> list[TeamMember]:
    """Every member of ``unit``'s team with their grade, highest held certificate and
    current registration period with CE hours against a steady pace. Four queries,
    whatever the size of the team."""
    people = list(
        with_current_grade(team_people(unit), as_of).order_by(
            F("post__rank").desc(nulls_last=True), "staff_no"
        )
    )
    ids = [p.pk for p in people]
    grades = Grade.objects.in_bulk(field_name="number")
    levels = dict(
        Certificate.objects.filter(held_certificates(as_of), person_id__in=ids)
        .order_by()
        .values("person_id")
        .annotate(top=Max("level"))
        .values_list("person_id", "top")
    )
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
    periods: dict[int, RegistrationPeriod] = {}
    for period in (
        RegistrationPeriod.objects.filter(person_id__in=ids, starts_on__lte=as_of)
        .annotate(
            earned=Coalesce(
                Subquery(earned, output_field=DecimalField()),
                Decimal(0),
                output_field=DecimalField(),
            )
        )
        .order_by("person_id", "-starts_on")
    ):
        periods.setdefault(period.person_id, period)
    members = []
    for person in people:
        member = TeamMember(
            person=person,
            grade=grades.get(person.current_grade),
            level=levels.get(person.pk),
        )
        period = periods.get(person.pk)
        if period is not None:
            length = (period.ends_on - period.starts_on).days or 1
            elapsed = min(max((as_of - period.starts_on).days, 0), length)
            member.period = period
            member.earned = Decimal(period.earned)
            member.expected = (Decimal(period.required_hours) * elapsed / length).quantize(
                Decimal("0.1")
            )
        members.append(member)
    return members
