"""Registration lifecycle reads: each certificate's registration status, the CE
hours of its current period, the deadlines reminders count down to, and the
lapsed list.

A confirmed certificate must be registered within ``register_within_months`` of
being obtained; a registration runs for its RegistrationPeriod and is renewed
(再登记) in the ``renewal_window_months`` before it ends. Status on a day:

- 未登记 (not registered): no period yet, the registration deadline not passed;
- 已登记 (registered until …): a period runs and its renewal window has not opened;
- 待再登记 (due for re-registration): a period runs and its renewal window is open;
- 已失效 (lapsed): the deadline passed without a registration, the last period
  ended without a next one, or the certificate's own validity ended.

Every list is one query: the periods' dates and the hours earned in the current
one are subqueries of the certificate row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DateField,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from talent.models import (
    CEHourEntry,
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    RegistrationPeriod,
    ReminderKind,
)
from talent.selectors.access import Scope


class RegistrationStatus:
    NOT_REGISTERED = "not_registered"
    REGISTERED = "registered"
    DUE = "due"
    LAPSED = "lapsed"

    LABELS = {
        NOT_REGISTERED: _("未登记"),
        REGISTERED: _("已登记"),
        DUE: _("待再登记"),
        LAPSED: _("已失效"),
    }


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _period_field(field: str, as_of: datetime.date, *, current: bool):
    periods = RegistrationPeriod.objects.filter(certificate=OuterRef("pk"))
    if current:
        periods = periods.filter(starts_on__lte=as_of, ends_on__gte=as_of)
    return Subquery(periods.order_by("-ends_on").values(field)[:1])


def with_registration(certificates: QuerySet, as_of: datetime.date) -> QuerySet:
    """Annotate each certificate with its last period's end (``registered_until``),
    the current period's start and required hours, and the hours earned in it."""
    earned = (
        CEHourEntry.objects.filter(
            person=OuterRef("person"),
            earned_on__gte=OuterRef("current_start"),
            earned_on__lte=as_of,
        )
        .order_by()
        .values("person")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    last_end = (
        RegistrationPeriod.objects.filter(certificate=OuterRef("pk"))
        .order_by()
        .values("certificate")
        .annotate(last=Max("ends_on"))
        .values("last")
    )
    return certificates.annotate(
        registered_until=Subquery(last_end, output_field=DateField()),
        current_start=_period_field("starts_on", as_of, current=True),
        current_required=_period_field("required_hours", as_of, current=True),
    ).annotate(
        ce_earned=Coalesce(
            Subquery(earned, output_field=DecimalField()),
            Decimal(0),
            output_field=DecimalField(),
        )
    )


@dataclass
class RegistrationRow:
    certificate: Certificate
    status: str
    deadline: datetime.date | None
    ce_earned: Decimal | None
    ce_required: int | None
    as_of: datetime.date
    refusal: str = ""  # why a (re-)registration cannot be recorded now ('' when it can)

    @property
    def label(self) -> str:
        return str(RegistrationStatus.LABELS[self.status])

    @property
    def days_left(self) -> int | None:
        return (self.deadline - self.as_of).days if self.deadline else None

    @property
    def reminder_kind(self) -> str:
        if self.status == RegistrationStatus.NOT_REGISTERED:
            return ReminderKind.REGISTER
        return ReminderKind.RENEW

    @property
    def ce_short(self) -> bool:
        return self.ce_required is not None and self.ce_earned < self.ce_required


def registration_row(certificate, as_of: datetime.date, policy=None) -> RegistrationRow:
    """The status of one annotated certificate (see ``with_registration``)."""
    policy = policy or CertificationPolicy.load()
    until = certificate.registered_until
    required = certificate.current_required
    earned = certificate.ce_earned if required is not None else None
    if certificate.valid_until is not None and certificate.valid_until < as_of:
        status, deadline = RegistrationStatus.LAPSED, certificate.valid_until
    elif until is None:
        deadline = add_months(certificate.obtained_on, policy.register_within_months)
        lapsed = deadline < as_of
        status = RegistrationStatus.LAPSED if lapsed else RegistrationStatus.NOT_REGISTERED
    elif until < as_of:
        status, deadline = RegistrationStatus.LAPSED, until
    elif as_of >= add_months(until, -policy.renewal_window_months):
        status, deadline = RegistrationStatus.DUE, until
    else:
        status, deadline = RegistrationStatus.REGISTERED, until
    row = RegistrationRow(certificate, status, deadline, earned, required, as_of)
    row.refusal = _registration_refusal(row, policy)
    return row


def _registration_refusal(row: RegistrationRow, policy) -> str:
    if row.status == RegistrationStatus.LAPSED:
        return str(_("该证书登记已失效，请按规定重新办理后更正证书记录。"))
    if row.status == RegistrationStatus.REGISTERED:
        return str(
            _("再登记应在有效期届满前 %(m)d 个月内办理（%(from)s 起）。")
            % {
                "m": policy.renewal_window_months,
                "from": add_months(row.deadline, -policy.renewal_window_months),
            }
        )
    if row.status == RegistrationStatus.DUE and row.ce_short:
        return str(
            _("本登记期继续教育学时 %(earned)s，未达到要求的 %(required)s 学时，不能再登记。")
            % {"earned": row.ce_earned, "required": row.ce_required}
        )
    return ""


def valid_certificates(scope: Scope | None, as_of: datetime.date) -> QuerySet[Certificate]:
    """Each active person's highest confirmed certificate: the one whose registration
    matters (a 社会工作师 does not keep registering as 助理)."""
    higher = Certificate.objects.filter(
        person=OuterRef("person"), status=CertificateStatus.VALID, level__gt=OuterRef("level")
    )
    certificates = Certificate.objects.filter(
        status=CertificateStatus.VALID, obtained_on__lte=as_of, person__is_active=True
    ).exclude(Exists(higher))
    return certificates.filter(scope.q("person__unit__")) if scope is not None else certificates


def registration_rows(
    scope: Scope, as_of: datetime.date, *, status: str | None = None
) -> list[RegistrationRow]:
    """Every confirmed certificate in scope with its registration status (one query)."""
    policy = CertificationPolicy.load()
    certificates = with_registration(valid_certificates(scope, as_of), as_of)
    if status == RegistrationStatus.LAPSED:
        certificates = certificates.filter(lapsed_q(as_of, policy))
    rows = [
        registration_row(c, as_of, policy)
        for c in certificates.select_related("person__unit").order_by(
            "person__unit__path", "person__staff_no", "level"
        )
    ]
    return [r for r in rows if status is None or r.status == status]


def lapsed_q(as_of: datetime.date, policy) -> Q:
    """Certificates (annotated by ``with_registration``) whose registration lapsed."""
    never_registered_by = add_months(as_of, -policy.register_within_months)
    return (
        Q(valid_until__lt=as_of)
        | Q(registered_until__lt=as_of)
        | Q(registered_until__isnull=True, obtained_on__lt=never_registered_by)
    )


def lapsed_registrations(scope: Scope, as_of: datetime.date, limit: int = 8):
    """The lapsed registrations in scope, most recently lapsed first, and their count
    (two queries, for the HR dashboard)."""
    policy = CertificationPolicy.load()
    lapsed = with_registration(valid_certificates(scope, as_of), as_of).filter(
        lapsed_q(as_of, policy)
    )
    rows = [
        registration_row(c, as_of, policy)
        for c in lapsed.select_related("person__unit").order_by(
            F("registered_until").desc(nulls_last=True), "-obtained_on", "-pk"
        )[:limit]
    ]
    return rows, lapsed.count()


def due_reminders(as_of: datetime.date, thresholds: list[int]) -> list[tuple[RegistrationRow, int]]:
    """Certificates whose registration deadline falls within the largest threshold,
    each with the threshold it has reached (the smallest one not below the days
    left). One query over every unit: the daily task reminds everybody."""
    policy = CertificationPolicy.load()
    horizon = as_of + datetime.timedelta(days=max(thresholds))
    register_from = add_months(as_of, -policy.register_within_months)
    register_to = add_months(horizon, -policy.register_within_months)
    certificates = (
        with_registration(valid_certificates(None, as_of), as_of)
        .filter(
            Q(registered_until__gte=as_of, registered_until__lte=horizon)
            | Q(
                registered_until__isnull=True,
                obtained_on__gte=register_from,
                obtained_on__lte=register_to,
            )
        )
        .exclude(valid_until__lt=as_of)
        .select_related("person__unit", "person__user")
        .order_by("pk")
    )
    due = []
    for certificate in certificates:
        row = registration_row(certificate, as_of, policy)
        days = row.days_left
        if row.status == RegistrationStatus.LAPSED or days is None or days < 0:
            continue
        reached = [t for t in thresholds if days <= t]
        if reached:
            due.append((row, min(reached)))
    return due
