"""Exam-cycle writes: sittings and their 报名 lists."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_perm, require_person_in_scope
from talent.models import Certificate, CertLevel, ExamEntry, ExamSitting, Person
from talent.selectors.certification import held_certificates
from talent.services.notifications import notify


@transaction.atomic
def save_sitting(*, actor, sitting: ExamSitting) -> ExamSitting:
    """Create or edit a sitting (a national date, so no unit scope applies)."""
    creating = sitting.pk is None
    require_perm(actor, "talent.add_examsitting" if creating else "talent.change_examsitting")
    sitting.full_clean()
    before = {} if creating else audit.snapshot(ExamSitting.objects.get(pk=sitting.pk))
    sitting.save()
    before, after = audit.diff(before, audit.snapshot(sitting))
    audit.record(actor=actor, action="talent.sitting.save", obj=sitting, before=before, after=after)
    return sitting


@transaction.atomic
def enter_for_sitting(
    *,
    actor,
    sitting: ExamSitting,
    people: Iterable[Person],
    level: int = CertLevel.ASSISTANT,
    as_of: datetime.date | None = None,
) -> tuple[list[ExamEntry], list[Person]]:
    """Put people on the sitting's 报名 list at ``level``, while registration is
    open. Everyone must be in the actor's scope (else nothing is entered).
    People already on the list, or already holding that level, are skipped and
    returned as such. Each person entered is told."""
    require_perm(actor, "talent.add_examentry")
    as_of = as_of or timezone.localdate()
    if as_of > sitting.registration_deadline:
        raise ValidationError(
            _("%(name)s 报名已于 %(date)s 截止。")
            % {"name": sitting.name, "date": sitting.registration_deadline}
        )
    people = list(people)
    for person in people:
        require_person_in_scope(actor, person)
    ids = [p.pk for p in people]
    already = set(
        ExamEntry.objects.filter(sitting=sitting, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    already |= set(
        Certificate.objects.filter(
            held_certificates(as_of), person_id__in=ids, level__gte=level
        ).values_list("person_id", flat=True)
    )
    entered_by = actor if getattr(actor, "is_authenticated", False) else None
    fresh = [p for p in people if p.pk not in already]
    entries = ExamEntry.objects.bulk_create(
        ExamEntry(sitting=sitting, person=p, level=level, entered_by=entered_by) for p in fresh
    )
    if entries:
        audit.record(
            actor=actor,
            action="talent.sitting.enter",
            obj=sitting,
            after={
                "level": int(level),
                "people": [p.staff_no for p in fresh],
            },
        )
    for person in fresh:
        if person.user_id:
            notify(
                recipient=person.user,
                title=_("已为您报名：%(name)s") % {"name": sitting.name},
                body=_("报考等级：%(level)s。考试日期：%(start)s 至 %(end)s。请抓紧备考。")
                % {
                    "level": CertLevel(level).label,
                    "start": sitting.exam_starts_on,
                    "end": sitting.exam_ends_on,
                },
                url="/learn/exams/",
            )
    return entries, [p for p in people if p.pk in already]


@transaction.atomic
def withdraw_entry(*, actor, entry: ExamEntry, as_of: datetime.date | None = None) -> None:
    """Take a person off the 报名 list while registration is still open."""
    require_perm(actor, "talent.delete_examentry")
    require_person_in_scope(actor, entry.person)
    as_of = as_of or timezone.localdate()
    if as_of > entry.sitting.registration_deadline:
        raise ValidationError(_("报名已截止，不能再撤销。"))
    audit.record(
        actor=actor,
        action="talent.sitting.withdraw",
        obj=entry.sitting,
        before={"person": entry.person.staff_no, "level": entry.level},
    )
    entry.delete()
