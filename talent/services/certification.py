"""Certification writes: exam results (proposing a certificate on a pass),
certificates (opening the registration period and any bonus grade) and targets."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import (
    require_not_self,
    require_people_in_scope,
    require_perm,
    require_person_in_scope,
    require_unit_in_scope,
)
from talent.models import (
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    CertificationSnapshot,
    CertificationTarget,
    CertLevel,
    ExamAttempt,
    ExamSitting,
    OrgUnit,
    Person,
    RegistrationPeriod,
)
from talent.selectors import certification as certification_selectors
from talent.selectors.certification import passed_exam
from talent.selectors.duties import Decision
from talent.services.ladder import grant_certification_bonus


@transaction.atomic
def record_exam_attempt(
    *, actor, person: Person, year: int, level: int, subject: str, score: Decimal
) -> tuple[ExamAttempt, Certificate | None]:
    """Record (or correct) one subject score; when the attempts now make a pass
    and the person holds no current certificate of that level, propose one for
    HR to confirm. Returns the attempt and the proposed certificate, if any."""
    require_perm(actor, "talent.add_examattempt")
    require_person_in_scope(actor, person)
    require_not_self(actor, person, Decision.EXAM)
    score = Decimal(str(score))
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(_("成绩应在 0 到 100 分之间。"))
    attempt, created = ExamAttempt.objects.update_or_create(
        person=person, year=year, level=level, subject=subject, defaults={"score": score}
    )
    audit.record(
        actor=actor,
        action="talent.exam.record",
        obj=attempt,
        after={
            "person": person.staff_no,
            "year": year,
            "level": level,
            "subject": subject,
            "score": str(score),
        },
    )
    return attempt, _propose_if_passed(actor, person, level)


def _propose_if_passed(actor, person: Person, level: int) -> Certificate | None:
    policy = CertificationPolicy.load()
    year = passed_exam(person, level, policy.pass_mark)
    if year is None:
        return None
    current = Certificate.objects.filter(
        person=person,
        level=level,
        status__in=[CertificateStatus.PROPOSED, CertificateStatus.VALID],
    )
    if current.exists():
        return None
    sitting = ExamSitting.objects.filter(year=year).first()
    certificate = Certificate.objects.create(
        person=person,
        level=level,
        # Passes count from the day the results are published.
        obtained_on=sitting.results_on if sitting else datetime.date(year, 12, 31),
        status=CertificateStatus.PROPOSED,
        exam_year=year,
    )
    audit.record(
        actor=actor,
        action="talent.certificate.propose",
        obj=certificate,
        after=audit.snapshot(certificate),
    )
    return certificate


@transaction.atomic
def save_certificate(*, actor, certificate: Certificate) -> Certificate:
    """Create or edit a certificate. When it becomes valid, its first
    registration period opens and any certification bonus grade is granted."""
    creating = certificate.pk is None
    require_perm(actor, "talent.add_certificate" if creating else "talent.change_certificate")
    require_person_in_scope(actor, certificate.person)
    require_not_self(actor, certificate.person, Decision.CERTIFICATE)
    before: dict = {}
    was_valid = False
    if not creating:
        stored = Certificate.objects.select_for_update().get(pk=certificate.pk)
        require_person_in_scope(actor, stored.person)
        require_not_self(actor, stored.person, Decision.CERTIFICATE)
        before = audit.snapshot(stored)
        was_valid = stored.status == CertificateStatus.VALID
    if certificate.status == CertificateStatus.VALID and not certificate.number.strip():
        raise ValidationError({"number": _("有效证书必须填写证书编号。")})
    certificate.number = certificate.number.strip()
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as error:
        raise ValidationError(_("证书编号已存在，或该人员已有同等级的有效证书。")) from error
    after = audit.snapshot(certificate)
    if creating:
        audit.record(actor=actor, action="talent.certificate.create", obj=certificate, after=after)
    else:
        before, after = audit.diff(before, after)
        audit.record(
            actor=actor,
            action="talent.certificate.edit",
            obj=certificate,
            before=before,
            after=after,
        )
    if certificate.status == CertificateStatus.VALID and not was_valid:
        _on_valid(actor, certificate)
    return certificate


@transaction.atomic
def confirm_certificate(
    *, actor, certificate: Certificate, number: str, obtained_on: datetime.date
) -> Certificate:
    """HR confirms a proposed certificate with its number and date. Confirming is a
    decision: nobody confirms their own certificate."""
    require_not_self(actor, certificate.person, Decision.CERTIFICATE)
    if certificate.status != CertificateStatus.PROPOSED:
        raise ValidationError(_("只有待确认的证书可以确认。"))
    certificate.number = number
    certificate.obtained_on = obtained_on
    certificate.status = CertificateStatus.VALID
    certificate.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    return save_certificate(actor=actor, certificate=certificate)


def _on_valid(actor, certificate: Certificate) -> None:
    policy = CertificationPolicy.load()
    start = certificate.obtained_on
    ends = _add_years(start, policy.registration_years)
    RegistrationPeriod.objects.get_or_create(
        certificate=certificate,
        starts_on=start,
        defaults={
            "person": certificate.person,
            "ends_on": ends,
            "required_hours": policy.required_hours(certificate.level),
        },
    )
    grant_certification_bonus(actor=actor, certificate=certificate)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def save_target(*, actor, target: CertificationTarget) -> CertificationTarget:
    creating = target.pk is None
    require_perm(
        actor, "talent.add_certificationtarget" if creating else "talent.change_certificationtarget"
    )
    require_unit_in_scope(actor, target.unit)
    before = {} if creating else audit.snapshot(CertificationTarget.objects.get(pk=target.pk))
    target.save()
    before, after = audit.diff(before, audit.snapshot(target))
    audit.record(actor=actor, action="talent.target.save", obj=target, before=before, after=after)
    return target


def snapshot_target(target: CertificationTarget, as_of: datetime.date) -> int:
    """Write this month's snapshot for every unit of the target's subtree that has
    people in its population (one aggregate per query, rolled up by path)."""
    tallies = certification_selectors.tally_by_unit(target, target.unit, as_of, 255)
    rolled: dict[str, certification_selectors.Tally] = defaultdict(certification_selectors.Tally)
    step = target.unit.steplen
    for path, tally in tallies.items():
        for end in range(len(target.unit.path), len(path) + 1, step):
            rolled[path[:end]].add(tally)
    units = dict(OrgUnit.objects.filter(path__in=rolled).values_list("path", "pk"))
    month = certification_selectors.month_start(as_of)
    rows = [
        CertificationSnapshot(
            target=target,
            unit_id=units[path],
            month=month,
            population=t.population,
            certified=t.certified,
            assistant=t.by_level[CertLevel.ASSISTANT],
            intermediate=t.by_level[CertLevel.INTERMEDIATE],
            senior=t.by_level[CertLevel.SENIOR],
        )
        for path, t in rolled.items()
    ]
    CertificationSnapshot.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["target", "unit", "month"],
        update_fields=["population", "certified", "assistant", "intermediate", "senior"],
    )
    return len(rows)


def snapshot_all_targets(*, as_of: datetime.date) -> int:
    written = 0
    for target in CertificationTarget.objects.filter(is_active=True).select_related("unit"):
        written += snapshot_target(target, as_of)
    return written


# Imports: many facts at once, the same rules, a constant number of queries ------


@transaction.atomic
def register_certificates(*, actor, certificates: list[Certificate]) -> list[Certificate]:
    """Register many certificates (the certificate import) with the rules of
    ``save_certificate``: every person in scope and not the actor, a valid
    certificate has a number; each valid one opens its registration period and
    grants any certification bonus. Queries do not grow with the count."""
    from talent.services.ladder import grant_certification_bonuses

    require_perm(actor, "talent.add_certificate")
    people = [c.person for c in certificates]
    require_people_in_scope(actor, people)
    require_not_self(actor, people, Decision.CERTIFICATE)
    for certificate in certificates:
        certificate.number = certificate.number.strip()
        if certificate.status == CertificateStatus.VALID and not certificate.number:
            raise ValidationError({"number": _("有效证书必须填写证书编号。")})
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(certificates, batch_size=500)
    except IntegrityError as error:
        raise ValidationError(_("证书编号已存在，或该人员已有同等级的有效证书。")) from error
    audit.record_many(
        actor=actor,
        action="talent.certificate.create",
        entries=((c, {}, audit.snapshot(c)) for c in certificates),
    )
    valid = [c for c in certificates if c.status == CertificateStatus.VALID]
    policy = CertificationPolicy.load()
    RegistrationPeriod.objects.bulk_create(
        [
            RegistrationPeriod(
                certificate=c,
                person_id=c.person_id,
                starts_on=c.obtained_on,
                ends_on=_add_years(c.obtained_on, policy.registration_years),
                required_hours=policy.required_hours(c.level),
            )
            for c in valid
        ],
        batch_size=500,
    )
    grant_certification_bonuses(actor=actor, certificates=valid)
    return certificates


@transaction.atomic
def record_exam_results(
    *, actor, attempts: list[ExamAttempt]
) -> tuple[list[ExamAttempt], list[Certificate]]:
    """Record many new subject scores (the exam-results import) with the rules of
    ``record_exam_attempt``, then propose a certificate for every person and level
    the scores now make a pass, unless one is already current. Returns the
    attempts and the proposed certificates; queries do not grow with the count."""
    require_perm(actor, "talent.add_examattempt")
    people = {a.person.pk: a.person for a in attempts}
    require_people_in_scope(actor, people.values())
    require_not_self(actor, people.values(), Decision.EXAM)
    for attempt in attempts:
        attempt.score = Decimal(str(attempt.score))
        if not Decimal(0) <= attempt.score <= Decimal(100):
            raise ValidationError(_("成绩应在 0 到 100 分之间。"))
    try:
        with transaction.atomic():
            ExamAttempt.objects.bulk_create(attempts, batch_size=500)
    except IntegrityError as error:
        raise ValidationError(_("同一人同一年度同一科目的成绩已登记。")) from error
    audit.record_many(
        actor=actor,
        action="talent.exam.record",
        entries=(
            (
                a,
                {},
                {
                    "person": a.person.staff_no,
                    "year": a.year,
                    "level": a.level,
                    "subject": a.subject,
                    "score": str(a.score),
                },
            )
            for a in attempts
        ),
    )
    return attempts, _propose_passes(actor, people, {(a.person.pk, a.level) for a in attempts})


def _propose_passes(actor, people: dict, pairs: set[tuple[int, int]]) -> list[Certificate]:
    policy = CertificationPolicy.load()
    passes: dict[tuple[int, int], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for person_id, level, subject, year in ExamAttempt.objects.filter(
        person_id__in=list(people), score__gte=policy.pass_mark
    ).values_list("person_id", "level", "subject", "year"):
        passes[(person_id, level)][subject].add(year)
    current = set(
        Certificate.objects.filter(
            person_id__in=list(people),
            status__in=[CertificateStatus.PROPOSED, CertificateStatus.VALID],
        ).values_list("person_id", "level")
    )
    rules = certification_selectors.exam_rules()
    results_days = dict(ExamSitting.objects.values_list("year", "results_on"))
    proposed = []
    for person_id, level in sorted(pairs):
        year = certification_selectors.pass_year(
            level, passes.get((person_id, level), {}), rules.get(level)
        )
        if year is None or (person_id, level) in current:
            continue
        proposed.append(
            Certificate(
                person=people[person_id],
                level=level,
                # Passes count from the day the results are published.
                obtained_on=results_days.get(year, datetime.date(year, 12, 31)),
                status=CertificateStatus.PROPOSED,
                exam_year=year,
            )
        )
    Certificate.objects.bulk_create(proposed, batch_size=500)
    audit.record_many(
        actor=actor,
        action="talent.certificate.propose",
        entries=((c, {}, audit.snapshot(c)) for c in proposed),
    )
    return proposed
