"""My career 我的职业发展: what a worker sees about their own place on the ladder —
post, grade and pay coefficient (the amount only where the district shows it),
years in grade, certificates with validity and registration, recent annual
assessments, every rule for the next grade with what is missing (evaluated by
``talent.selectors.ladder.evaluate_people``, the code the promotion review runs),
any 公示 list they are on, and their grade history. A fixed number of queries,
however long the history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

from talent.models import (
    AnnualAssessment,
    CandidateStatus,
    CEHourEntry,
    Certificate,
    CertificateStatus,
    GradeChange,
    PayPolicy,
    Person,
    PromotionCandidate,
    RegistrationPeriod,
    RoundStatus,
)
from talent.selectors.certification import held_certificates
from talent.selectors.ladder import Evaluation, evaluate_people, full_years

RECENT_ASSESSMENTS = 5


@dataclass
class CertificateLine:
    certificate: Certificate
    held: bool  # counts today (confirmed, obtained, not past its validity)
    period: RegistrationPeriod | None  # the registration period running today, if any
    last_period: RegistrationPeriod | None

    @property
    def registration(self) -> str:
        """registered | lapsed | none | pending."""
        if self.certificate.status == CertificateStatus.PROPOSED:
            return "pending"
        if self.period is not None:
            return "registered"
        return "lapsed" if self.last_period is not None else "none"

    @property
    def earned(self) -> Decimal:
        return getattr(self.period, "earned", Decimal(0)) if self.period else Decimal(0)

    @property
    def percent(self) -> int:
        if not self.period or not self.period.required_hours:
            return 0
        return min(100, int(self.earned * 100 / self.period.required_hours))


@dataclass
class Career:
    person: Person
    current: GradeChange | None
    coefficient: Decimal | None
    monthly_pay: Decimal | None  # None unless the district shows amounts
    years_in_grade: int
    months_in_grade: int
    next: Evaluation | None
    certificates: list[CertificateLine]
    assessments: list[AnnualAssessment]
    history: list[GradeChange]
    listed: list[PromotionCandidate]  # 公示 lists the person is on now

    @property
    def range(self) -> range:
        """The grades the current post allows (the ladder drawn on the page)."""
        if self.current is None:
            return range(0)
        return range(self.current.post.min_grade, self.current.post.max_grade + 1)

    @property
    def missing(self) -> list[str]:
        return [r.missing for r in self.next.failed if r.missing] if self.next else []


def _months(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def _certificates(person: Person, today: datetime.date) -> list[CertificateLine]:
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
    periods = RegistrationPeriod.objects.annotate(
        earned=Coalesce(
            Subquery(earned, output_field=DecimalField()), Decimal(0), output_field=DecimalField()
        )
    ).order_by("-starts_on")
    certificates = (
        Certificate.objects.filter(person=person)
        .exclude(status=CertificateStatus.REVOKED)
        .prefetch_related(Prefetch("registration_periods", queryset=periods))
        .order_by("-level", "-obtained_on")
    )
    held = set(
        Certificate.objects.filter(held_certificates(today), person=person).values_list(
            "pk", flat=True
        )
    )
    lines = []
    for certificate in certificates:
        periods = list(certificate.registration_periods.all())
        running = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
        lines.append(
            CertificateLine(
                certificate, certificate.pk in held, running, periods[0] if periods else None
            )
        )
    return lines


def career_for(person: Person, today: datetime.date) -> Career:
    """Everything the worker's own career page shows, in thirteen queries."""
    history = list(
        GradeChange.objects.filter(person=person)
        .select_related("grade", "post", "review")
        .order_by("-effective_on", "-id")
    )
    current = next((c for c in history if c.effective_on <= today), None)
    evaluation = None
    if person.post_id:
        evaluation = evaluate_people(Person.objects.filter(pk=person.pk), today)[0]
    coefficient = current.grade.pay_coefficient if current else None
    pay = PayPolicy.load()
    monthly = pay.monthly(coefficient) if coefficient and pay.show_amount_to_staff else None
    listed = list(
        PromotionCandidate.objects.filter(
            person=person, status=CandidateStatus.LISTED, review__status=RoundStatus.NOTICE
        ).select_related("review")
    )
    return Career(
        person=person,
        current=current,
        coefficient=coefficient,
        monthly_pay=monthly,
        years_in_grade=full_years(current.effective_on, today) if current else 0,
        months_in_grade=_months(current.effective_on, today) % 12 if current else 0,
        next=evaluation,
        certificates=_certificates(person, today),
        assessments=list(
            AnnualAssessment.objects.filter(person=person).order_by("-year")[:RECENT_ASSESSMENTS]
        ),
        history=history,
        listed=listed,
    )
