"""Exam-cycle reads: the next sitting, a sitting's 报名 list in scope and what
came of it (results recorded, passes, certificates waiting for confirmation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from talent.models import (
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    ExamAttempt,
    ExamEntry,
    ExamSitting,
)
from talent.selectors.access import Scope


def next_sitting(as_of: datetime.date) -> ExamSitting | None:
    """The first sitting whose results are still to come on ``as_of``: the one
    whose passes can next move a certification rate."""
    return ExamSitting.objects.filter(results_on__gt=as_of).order_by("results_on").first()


def registration_open(sitting: ExamSitting, as_of: datetime.date) -> bool:
    return as_of <= sitting.registration_deadline


def entries_in_scope(scope: Scope, sitting: ExamSitting) -> QuerySet[ExamEntry]:
    return (
        ExamEntry.objects.filter(scope.q("person__unit__"), sitting=sitting)
        .select_related("person__unit")
        .order_by("person__unit__path", "person__staff_no")
    )


def entered_ids(sitting: ExamSitting | None) -> QuerySet:
    """Person ids on ``sitting``'s 报名 list (a subquery for other apps' reads)."""
    if sitting is None:
        return ExamEntry.objects.none().values("person_id")
    return ExamEntry.objects.filter(sitting=sitting).values("person_id")


@dataclass
class SittingSummary:
    entries: int
    with_results: int
    passed_subjects: int
    proposed: int
    confirmed: int


def sitting_summary(scope: Scope, sitting: ExamSitting) -> SittingSummary:
    """Counts for a sitting's page, within the user's scope: two queries."""
    pass_mark = CertificationPolicy.load().pass_mark
    attempts = ExamAttempt.objects.filter(
        scope.q("person__unit__"), year=sitting.year, person__exam_entries__sitting=sitting
    )
    results = attempts.aggregate(
        people=Count("person", distinct=True),
        passed=Count("pk", filter=Q(score__gte=pass_mark)),
    )
    certificates = Certificate.objects.filter(
        scope.q("person__unit__"), exam_year=sitting.year
    ).aggregate(
        proposed=Count("pk", filter=Q(status=CertificateStatus.PROPOSED)),
        confirmed=Count("pk", filter=Q(status=CertificateStatus.VALID)),
    )
    return SittingSummary(
        entries=entries_in_scope(scope, sitting).count(),
        with_results=results["people"],
        passed_subjects=results["passed"],
        proposed=certificates["proposed"],
        confirmed=certificates["confirmed"],
    )


def proposed_certificates(scope: Scope, sitting: ExamSitting | None = None) -> QuerySet:
    """Certificates waiting for HR's confirmation in scope (of one sitting's year)."""
    certificates = Certificate.objects.filter(
        scope.q("person__unit__"), status=CertificateStatus.PROPOSED
    )
    if sitting is not None:
        certificates = certificates.filter(exam_year=sitting.year)
    return certificates.select_related("person__unit", "person__user").order_by(
        "person__unit__path", "person__staff_no"
    )
