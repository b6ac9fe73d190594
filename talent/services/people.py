"""People writes: HR's people and a university partner's own students.

Each service is one transaction: validate, check permission, change, write the
audit event, then schedule side effects with ``transaction.on_commit``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import OuterRef, ProtectedError, RestrictedError, Subquery
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_user_perm as _require
from talent.checks import require_user_unit_in_scope as _require_unit_in_scope
from talent.models import Person, PersonKind
from talent.selectors.people import account_names_to_sync
from talent.selectors.placements import partner_scope


def sync_account_names(*, user_ids=None) -> int:
    """Give each linked account its person's 姓名 as its full name (one UPDATE).

    Our screens name people through ``display_name``; Wagtail's sidebar, dashboard and
    history columns use ``get_full_name()``, so the account carries the same name. Runs
    after every write that links an account or renames a person."""
    stale = account_names_to_sync()
    if user_ids is not None:
        stale = stale.filter(pk__in=[i for i in user_ids if i])
    name = Person.objects.filter(user=OuterRef("pk")).values("name").order_by()[:1]
    return (
        get_user_model()
        .objects.filter(pk__in=stale.values("pk"))
        .update(first_name=Subquery(name), last_name="")
    )


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
    sync_account_names(user_ids=[person.user_id])
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
    """Delete a person who has no records yet (a typo in a roster, a duplicate).
    Someone with records — hours, certificates, grades, check-ins — is never
    deleted with them: the refusal names the kinds and points to 离职 instead."""
    _require(actor, "talent.delete_person")
    _require_unit_in_scope(actor, person.unit)
    kinds = _records_of(person)
    if kinds:
        raise ValidationError(
            _("%(name)s 已有%(kinds)s等记录，不能删除；如已离开，请在人员信息中取消“在职”。")
            % {"name": person.name, "kinds": "、".join(kinds)}
        )
    audit.record(
        actor=actor, action="talent.person.delete", obj=person, before=audit.snapshot(person)
    )
    person.delete()


def _records_of(person: Person) -> list[str]:
    """The kinds of record that would go with the person (or stop the delete)."""
    collector = Collector(using=router.db_for_write(Person))
    try:
        collector.collect([person])
    except (ProtectedError, RestrictedError) as error:
        dependants = getattr(error, "protected_objects", None) or error.restricted_objects
        return sorted({str(d._meta.verbose_name) for d in dependants})
    kinds = {
        str(model._meta.verbose_name)
        for model, rows in collector.data.items()
        if model is not Person and rows
    }
    kinds |= {str(qs.model._meta.verbose_name) for qs in collector.fast_deletes if qs.exists()}
    return sorted(kinds)


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
    sync_account_names(user_ids=[person.user_id])
    after = audit.snapshot(person)
    if creating:
        audit.record(actor=actor, action="talent.person.create", obj=person, after=after)
    else:
        before, after = audit.diff(before, after)
        audit.record(
            actor=actor, action="talent.person.edit", obj=person, before=before, after=after
        )
    return person


@dataclass
class Upserted:
    created: int
    changed: int
    unchanged: int


def upsert_people(rows, fields: tuple[str, ...], values_for) -> Upserted:
    """Create or update people by 工号 in bulk: the one write behind every people import.

    ``values_for(row, person)`` gives the row's field values (``person`` is the existing
    record or None, so blanks can keep what is stored); a new person also gets the
    values' other keys (e.g. ``kind``). Four queries whatever the number of rows. Runs
    inside the import's transaction, after its dry run has checked every unit and 工号.
    """
    existing = {
        p.staff_no: p
        for p in Person.objects.filter(staff_no__in=[r.values["staff_no"] for r in rows])
    }
    new, changed = [], []
    for row in rows:
        person = existing.get(row.values["staff_no"])
        values = values_for(row, person)
        if person is None:
            new.append(Person(staff_no=row.values["staff_no"], **values))
        elif any(getattr(person, f) != values[f] for f in fields):
            for f in fields:
                setattr(person, f, values[f])
            changed.append(person)
    Person.objects.bulk_create(new, batch_size=1000)
    Person.objects.bulk_update(changed, fields, batch_size=1000)
    if "name" in fields and any(p.user_id for p in changed):
        sync_account_names(user_ids=[p.user_id for p in changed])
    return Upserted(len(new), len(changed), len(rows) - len(new) - len(changed))
