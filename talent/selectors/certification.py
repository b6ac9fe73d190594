"""Certification reads: the certification report, snapshots, the CE pace list
and the exam-pass rule (writes are in ``talent.services.certification``).

The report's numbers come from one grouped aggregate query, whatever the number
of people or units: the population per child branch of the unit and highest
valid certificate held.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from talent.models import (
    CEHourEntry,
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    CertificationSnapshot,
    CertificationTarget,
    CertLevel,
    ExamAttempt,
    ExamRule,
    OrgUnit,
    Person,
    RegistrationPeriod,
)
from talent.selectors.access import Scope

LEVELS = (CertLevel.ASSISTANT, CertLevel.INTERMEDIATE, CertLevel.SENIOR)


def held_certificates(as_of: datetime.date, prefix: str = "") -> Q:
    """Certificates that count on ``as_of``: confirmed, obtained, not expired."""
    return Q(**{f"{prefix}status": CertificateStatus.VALID, f"{prefix}obtained_on__lte": as_of}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": as_of})
    )


def target_population(target: CertificationTarget, unit: OrgUnit) -> QuerySet[Person]:
    """The active people of ``unit``'s subtree that ``target`` counts."""
    people = Person.objects.filter(is_active=True, unit__path__startswith=unit.path)
    if target.person_kind:
        people = people.filter(kind=target.person_kind)
    if target.post_id:
        people = people.filter(post_id=target.post_id)
    return people


def people_to_certify(target: CertificationTarget, unit: OrgUnit, as_of: datetime.date):
    """The target's population in ``unit`` without a held certificate."""
    held = Certificate.objects.filter(held_certificates(as_of), person=OuterRef("pk"))
    return target_population(target, unit).exclude(Exists(held))


@dataclass
class Tally:
    population: int = 0
    by_level: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def certified(self) -> int:
        return sum(self.by_level.values())

    def add(self, other: Tally) -> None:
        self.population += other.population
        for level, count in other.by_level.items():
            self.by_level[level] += count


def tally_by_unit(target, unit, as_of, key_length: int) -> dict[str, Tally]:
    """Population and highest held level per group of people; people are grouped
    by the first ``key_length`` characters of their unit's path (a child branch
    of ``unit``, or the unit itself with a long enough length)."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    # Each person's highest held level as a correlated subquery (an index lookup by
    # person): its cost follows the population whatever the planner's statistics
    # say (a NOT EXISTS over certificates took minutes on freshly loaded tables).
    top = Subquery(
        Certificate.objects.filter(held_certificates(as_of), person=OuterRef("pk"))
        .order_by("-level")
        .values("level")[:1]
    )
    rows = (
        target_population(target, unit)
        .annotate(key=Substr("unit__path", 1, key_length), top=top)
        .values("key", "top")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        tally = tallies[row["key"]]
        tally.population += row["n"]
        if row["top"] is not None:
            tally.by_level[row["top"]] += row["n"]
    return tallies


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def needed_for(rate: Decimal, population: int, certified: int) -> int:
    """People still to certify to reach ``rate`` percent (0 when already met)."""
    required = (Decimal(rate) * population / 100).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(required) - certified)


@dataclass
class ReportRow:
    unit: OrgUnit | None
    label: str
    tally: Tally
    rate_target: Decimal

    @property
    def population(self) -> int:
        return self.tally.population

    @property
    def certified(self) -> int:
        return self.tally.certified

    @property
    def rate(self) -> Decimal | None:
        return percent(self.certified, self.population)

    @property
    def gap(self) -> int:
        return needed_for(self.rate_target, self.population, self.certified)

    @property
    def met(self) -> bool:
        return self.population > 0 and self.gap == 0

    def level(self, level: int) -> int:
        return self.tally.by_level[level]


@dataclass
class TrendPoint:
    month: datetime.date
    population: int
    certified: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.certified, self.population)


@dataclass
class CertificationReport:
    target: CertificationTarget
    unit: OrgUnit
    as_of: datetime.date
    total: ReportRow
    children: list[ReportRow]
    trend: list[TrendPoint]


def certification_report(
    *, target: CertificationTarget, unit: OrgUnit, as_of: datetime.date, months: int = 12
) -> CertificationReport:
    """Population, certified by level, rate, target and gap for ``unit`` and each
    of its child units, plus the monthly trend (snapshots, then today's figure).
    Four queries, whatever the size of the subtree."""
    depth_len = unit.steplen * (unit.depth + 1)
    children = list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1))
    tallies = tally_by_unit(target, unit, as_of, depth_len)
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    rows = [
        ReportRow(child, child.name, tallies.get(child.path, Tally()), target.rate)
        for child in sorted(children, key=lambda u: u.path)
    ]
    own = tallies.get(unit.path)
    if own and own.population:
        rows.insert(0, ReportRow(unit, _("%(unit)s本级") % {"unit": unit.name}, own, target.rate))
    first_month = month_start(as_of, back=months - 1)
    trend = [
        TrendPoint(s["month"], s["population"], s["certified"])
        for s in CertificationSnapshot.objects.filter(
            target=target, unit=unit, month__gte=first_month, month__lt=month_start(as_of)
        ).values("month", "population", "certified")
    ]
    trend.append(TrendPoint(month_start(as_of), total.population, total.certified))
    return CertificationReport(
        target=target,
        unit=unit,
        as_of=as_of,
        total=ReportRow(unit, unit.name, total, target.rate),
        children=rows,
        trend=trend,
    )


def month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def visible_targets(scope: Scope) -> QuerySet[CertificationTarget]:
    """Targets set on a unit in scope, or on an ancestor of one (a subdistrict's
    HR reads its subdistrict against the district's target)."""
    targets = CertificationTarget.objects.filter(is_active=True)
    if not scope.everything:
        ancestors = {path[:i] for path in scope.paths for i in range(4, len(path) + 1, 4)}
        targets = targets.filter(Q(unit__path__in=ancestors) | scope.q("unit__"))
    # The most specific target first: it is the report's default.
    return targets.select_related("unit", "post").order_by("-unit__depth", "unit__path", "name")


def report_unit(scope: Scope, target: CertificationTarget, requested: OrgUnit | None) -> OrgUnit:
    """The unit to report on: the requested one when the user may see it and the
    target covers it, else the highest unit the two share."""
    if requested and scope.contains_unit(requested) and target.unit.contains(requested):
        return requested
    if scope.contains_unit(target.unit):
        return target.unit
    inside = sorted(p for p in scope.paths if p.startswith(target.unit.path))
    if not inside:
        raise PermissionDenied(_("该持证目标不在您的管辖范围内。"))
    return OrgUnit.objects.get(path=inside[0])


@dataclass
class PaceRow:
    period: RegistrationPeriod
    earned: Decimal
    expected: Decimal

    @property
    def shortfall(self) -> Decimal:
        return (self.expected - self.earned).quantize(Decimal("0.1"))

    @property
    def days_left(self) -> int:
        return (self.period.ends_on - self.as_of).days

    as_of: datetime.date = datetime.date.min


def ce_pace(scope: Scope, as_of: datetime.date, *, behind_only: bool = True) -> list[PaceRow]:
    """Open registration periods in scope with the hours earned so far against the
    linear pace (required × elapsed share of the period). One query."""
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
        RegistrationPeriod.objects.filter(
            scope.q("person__unit__"), starts_on__lte=as_of, ends_on__gte=as_of
        )
        .filter(person__is_active=True)
        .select_related("person__unit", "certificate")
        .annotate(
            earned=Coalesce(
                Subquery(earned, output_field=DecimalField()),
                Decimal(0),
                output_field=DecimalField(),
            )
        )
        .order_by("person__unit__path", "person__staff_no")
    )
    rows = []
    for period in periods:
        length = (period.ends_on - period.starts_on).days or 1
        elapsed = (as_of - period.starts_on).days
        expected = (Decimal(period.required_hours) * elapsed / length).quantize(Decimal("0.1"))
        row = PaceRow(period, Decimal(period.earned), expected, as_of)
        if not behind_only or row.earned < row.expected:
            rows.append(row)
    return rows


def exam_rule(level: int) -> ExamRule | None:
    """The rule that makes ``level`` from exam passes (data, see ``talent.seed``)."""
    return ExamRule.objects.filter(level=level).first()


def passed_exam(person: Person, level: int, pass_mark: Decimal) -> int | None:
    """The year the person's attempts first make a pass at ``level``, or None."""
    passes: dict[str, set[int]] = defaultdict(set)
    for subject, year in ExamAttempt.objects.filter(
        person=person, level=level, score__gte=pass_mark
    ).values_list("subject", "year"):
        passes[subject].add(year)
    return pass_year(level, passes, exam_rule(level))


def exam_rules() -> dict[int, ExamRule]:
    """Every level's rule (one query, for the imports' bulk proposals)."""
    return {rule.level: rule for rule in ExamRule.objects.all()}


def pass_year(level: int, passes: dict[str, set[int]], rule: ExamRule | None) -> int | None:
    """The first year that passed subjects (subject → years passed) make a pass.

    The level's ExamRule (data) says which subjects, each passed within
    ``window_years`` consecutive exam years (助理: 综合能力 and 实务 in the same year;
    中级: 综合能力, 实务 and 法规与政策 within two). A level awarded after a review
    (高级) is recorded as a certificate directly, so it never passes here."""
    if rule is None or rule.by_review or not rule.subjects:
        return None
    passes = defaultdict(set, passes)
    years = sorted(set().union(*(passes[s] for s in rule.subjects)))
    for year in years:
        window = set(range(year - rule.window_years + 1, year + 1))
        if all(passes[s] & window for s in rule.subjects):
            return year
    return None


def highest_held_level(person: Person, as_of: datetime.date) -> int | None:
    """The highest level ``person`` holds on ``as_of`` (None when uncertified)."""
    return (
        Certificate.objects.filter(held_certificates(as_of), person=person)
        .order_by("-level")
        .values_list("level", flat=True)
        .first()
    )


def carried_passes(person: Person, level: int, sitting_year: int, pass_mark: Decimal) -> set[str]:
    """Subjects of ``level`` already passed in years that still count together with
    a sitting in ``sitting_year`` (中级: a subject passed the year before carries)."""
    rule = exam_rule(level)
    if rule is None or rule.window_years <= 1:
        return set()
    first = sitting_year - rule.window_years + 1
    return set(
        ExamAttempt.objects.filter(
            person=person,
            level=level,
            score__gte=pass_mark,
            year__gte=first,
            year__lt=sitting_year,
        ).values_list("subject", flat=True)
    )


def exam_pass_mark() -> Decimal:
    """The policy's pass mark (per 100 points) for the national exam; mock exams use
    it scaled to their own full marks."""
    return CertificationPolicy.load().pass_mark
