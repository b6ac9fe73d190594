"""Registration writes: recording a (re-)registration, and the daily reminders."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_not_self, require_perm, require_person_in_scope
from talent.models import (
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    RegistrationPeriod,
    RegistrationReminder,
    Role,
    ScopeGrant,
)
from talent.selectors.duties import Decision
from talent.selectors.registration import (
    RegistrationStatus,
    add_months,
    due_reminders,
    registration_row,
    with_registration,
)
from talent.services.notifications import notify


@transaction.atomic
def record_registration(
    *, actor, certificate: Certificate, as_of: datetime.date | None = None
) -> RegistrationPeriod:
    """Record a certificate's registration (登记) or re-registration (再登记): the
    next period opens for ``registration_years``. A first registration is taken
    until its deadline; a renewal only in the window before the period ends and
    with the period's continuing-education hours earned. Nobody records their own."""
    require_perm(actor, "talent.add_registrationperiod")
    require_person_in_scope(actor, certificate.person)
    require_not_self(actor, certificate.person, Decision.CERTIFICATE)
    as_of = as_of or timezone.localdate()
    policy = CertificationPolicy.load()
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != CertificateStatus.VALID:
        raise ValidationError(_("只有有效的证书可以办理登记。"))
    row = registration_row(
        with_registration(Certificate.objects.filter(pk=locked.pk), as_of).get(), as_of, policy
    )
    if row.refusal:
        raise ValidationError(row.refusal)
    starts = as_of if row.status == RegistrationStatus.NOT_REGISTERED else row.deadline
    starts = starts + datetime.timedelta(days=row.status == RegistrationStatus.DUE)
    period = RegistrationPeriod.objects.create(
        person=locked.person,
        certificate=locked,
        starts_on=starts,
        ends_on=add_months(starts, 12 * policy.registration_years),
        required_hours=policy.required_hours(locked.level),
    )
    audit.record(
        actor=actor,
        action="talent.registration.record",
        obj=locked,
        after={"starts_on": str(period.starts_on), "ends_on": str(period.ends_on)},
    )
    return period


def _hr_officers(units_paths: set[str]) -> dict[str, list]:
    """For each unit path, the users holding the HR role over the nearest unit
    above it (or on it): the HR officer of that unit. One query."""
    grants = list(ScopeGrant.objects.filter(role=Role.HR).select_related("user", "unit"))
    officers: dict[str, list] = {}
    for path in units_paths:
        covering = [g for g in grants if path.startswith(g.unit.path) and g.user.is_active]
        if covering:
            depth = max(len(g.unit.path) for g in covering)
            officers[path] = [g.user for g in covering if len(g.unit.path) == depth]
        else:
            officers[path] = []
    return officers


def send_registration_reminders(*, as_of: datetime.date | None = None) -> int:
    """Remind each person whose registration deadline is near, and the HR officer
    of their unit, at the policy's thresholds (90, 60, 30 and 7 days by default).

    A reminder claims its (person, deadline, threshold) row in the same transaction
    as its notifications, so running the task twice, or twice at once, reminds once.
    When a run finds a deadline past several thresholds (the task did not run for
    a while), only the nearest one goes out."""
    as_of = as_of or timezone.localdate()
    policy = CertificationPolicy.load()
    due = due_reminders(as_of, policy.reminder_thresholds())
    officers = _hr_officers({row.certificate.person.unit.path for row, _t in due})
    sent = 0
    for row, threshold in due:
        certificate = row.certificate
        person = certificate.person
        try:
            with transaction.atomic():
                RegistrationReminder.objects.create(
                    person=person,
                    certificate=certificate,
                    kind=row.reminder_kind,
                    deadline=row.deadline,
                    days_before=threshold,
                )
                _notify_all(row, person, officers[person.unit.path])
        except IntegrityError:
            continue
        sent += 1
    return sent


def _notify_all(row, person, hr_users) -> None:
    certificate = row.certificate
    what = _("初始登记") if row.status == RegistrationStatus.NOT_REGISTERED else _("再登记")
    hours = ""
    if row.ce_required is not None:
        hours = _("本期继续教育学时：已修 %(earned)s / 应修 %(required)s。") % {
            "earned": row.ce_earned,
            "required": row.ce_required,
        }
    if person.user_id:
        notify(
            recipient=person.user,
            title=_("证书%(what)s还剩 %(days)d 天") % {"what": what, "days": row.days_left},
            body=_("您的%(level)s证书（%(number)s）须在 %(deadline)s 前办理%(what)s。%(hours)s")
            % {
                "level": certificate.get_level_display(),
                "number": certificate.number,
                "deadline": row.deadline,
                "what": what,
                "hours": hours,
            },
        )
    for user in hr_users:
        if user.pk == person.user_id:
            continue
        notify(
            recipient=user,
            title=_("%(name)s 的证书%(what)s还剩 %(days)d 天")
            % {"name": person.name, "what": what, "days": row.days_left},
            body=_(
                "%(unit)s %(name)s 的%(level)s证书（%(number)s）须在 %(deadline)s 前办理%(what)s。%(hours)s"  # noqa: E501
            )
            % {
                "unit": person.unit.name,
                "name": person.name,
                "level": certificate.get_level_display(),
                "number": certificate.number,
                "deadline": row.deadline,
                "what": what,
                "hours": hours,
            },
            url=reverse("talent_certificate:inspect", args=[certificate.pk]),
        )
