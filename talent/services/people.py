"""People writes: HR's people and a university partner's own students.

Each service is one transaction: validate, check permission, change, write the
audit event, then schedule side effects with ``transaction.on_commit``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_user_perm as _require
from talent.checks import require_user_unit_in_scope as _require_unit_in_scope
from talent.models import Person, PersonKind
from talent.selectors.placements import partner_scope


@transaction.atomic
def save_person(*, actor, person: Person) -> Person:
    """Create or update a person. The actor must hold the person's unit in scope,
    before and after the change: nobody can move a person out of, or into, a
    subtree they do not manage."""
    creating = person.pk is None
    _require(actor, "talent.add_person" if creating else "talent.change_person")
    _require_unit_in_scope(actor, person.unit)
    before: dict = {}
    if not creating:
        stored = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
        _require_unit_in_scope(actor, stored.unit)
        before = audit.snapshot(stored)
    person.full_clean()
    person.save()
    after = audit.snapshot(person)
    if creating:
        audit.record(actor=actor, action="talent.person.create", obj=person, after=after)
    else:
        before, after = audit.diff(before, after)
        if after:
            audit.record(
                actor=actor, action="talent.person.edit", obj=person, before=before, after=after
            )
    return person


@transaction.atomic
def delete_person(*, actor, person: Person) -> None:
    _require(actor, "talent.delete_person")
    _require_unit_in_scope(actor, person.unit)
    audit.record(
        actor=actor, action="talent.person.delete", obj=person, before=audit.snapshot(person)
    )
    person.delete()


@transaction.atomic
def save_student(*, actor, person: Person) -> Person:
    """Create or update one student. The unit, before and after, must be in
    the partner's university; the kind is always intern."""
    scope = partner_scope(actor)
    if scope.everything or not scope.contains_unit(person.unit):
        raise PermissionDenied(_("只能在本校范围内添加学生。"))
    creating = person.pk is None
    before = {}
    if not creating:
        stored = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
        if not scope.contains_unit(stored.unit):
            raise PermissionDenied(_("只能在本校范围内添加学生。"))
        before = audit.snapshot(stored)
    person.kind = PersonKind.INTERN
    person.full_clean()
    person.save()
    after = audit.snapshot(person)
    if creating:
        audit.record(actor=actor, action="talent.person.create", obj=person, after=after)
    else:
        before, after = audit.diff(before, after)
        audit.record(
            actor=actor, action="talent.person.edit", obj=person, before=before, after=after
        )
    return person
