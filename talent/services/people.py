"""Writes. Each service is one transaction: validate, check permission, change,
write the audit event, then schedule side effects with ``transaction.on_commit``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from talent import audit
from talent.models import CEHourEntry, Notification, OrgUnit, Person, Role, ScopeGrant, UnitKind
from talent.models.access import ROLE_GROUP_NAMES
from talent.selectors.access import scope_for


def _require(actor, perm: str) -> None:
    if not (actor and actor.has_perm(perm)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _require_unit_in_scope(actor, unit: OrgUnit | None) -> None:
    if not scope_for(actor).contains_unit(unit):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))


# Org units ------------------------------------------------------------------


@transaction.atomic
def create_org_unit(*, actor, parent: OrgUnit | None, name: str, code: str, kind: str) -> OrgUnit:
    """A new unit goes under a parent the actor manages; only a district admin
    (or superuser) with global scope may add a new root."""
    _require(actor, "talent.add_orgunit")
    if parent is None:
        if not scope_for(actor).everything:
            raise PermissionDenied(_("只有系统管理员可以新建顶级单位。"))
        unit = OrgUnit.add_root(name=name, code=code, kind=kind)
    else:
        _require_unit_in_scope(actor, parent)
        parent.refresh_from_db()
        unit = parent.add_child(name=name, code=code, kind=kind)
    audit.record(actor=actor, action="talent.orgunit.create", obj=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def update_org_unit(*, actor, unit: OrgUnit, parent: OrgUnit | None = None) -> OrgUnit:
    """Save edited fields of ``unit``; move it under ``parent`` when that changed.
    A unit cannot be moved into its own subtree, nor out of the actor's scope."""
    _require(actor, "talent.change_orgunit")
    stored = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require_unit_in_scope(actor, stored)
    before = audit.snapshot(stored)
    unit.path, unit.depth, unit.numchild = stored.path, stored.depth, stored.numchild
    unit.save()
    current_parent = stored.get_parent()
    if parent is not None and (current_parent is None or parent.pk != current_parent.pk):
        _require_unit_in_scope(actor, parent)
        if parent.path.startswith(stored.path):
            raise ValidationError(_("不能把单位移动到它自己的下级单位下面。"))
        unit.move(parent, pos="sorted-child")
        unit.refresh_from_db()
    after = audit.snapshot(unit)
    after["parent_id"] = parent.pk if parent else (current_parent.pk if current_parent else None)
    before["parent_id"] = current_parent.pk if current_parent else None
    before, after = audit.diff(before, after)
    audit.record(actor=actor, action="talent.orgunit.edit", obj=unit, before=before, after=after)
    return unit


# People ---------------------------------------------------------------------


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


# Roles ----------------------------------------------------------------------


@transaction.atomic
def grant_role(*, actor, user, role: Role, unit: OrgUnit) -> ScopeGrant:
    """Give ``user`` a role over ``unit``'s subtree and put them in the role's group.
    ``actor=None`` is for the system itself (data loading)."""
    if actor is not None:
        _require(actor, "talent.add_scopegrant")
        _require_unit_in_scope(actor, unit)
    if role == Role.PARTNER and unit.kind != UnitKind.UNIVERSITY:
        raise ValidationError(_("高校合作方只能授权到高校单位。"))
    grant, created = ScopeGrant.objects.get_or_create(user=user, role=role, unit=unit)
    user.__dict__.pop("_academy_grants", None)  # the per-request scope cache
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role(role)]))
    if created:
        audit.record(
            actor=actor,
            action="talent.scope.grant",
            obj=grant,
            after={"user": user.get_username(), "role": role, "unit": unit.name},
        )
    return grant


@transaction.atomic
def update_grant(*, actor, grant: ScopeGrant) -> ScopeGrant:
    """Change a grant's user, role or unit; both the old and new unit must be in
    the actor's scope, and group membership follows the change."""
    _require(actor, "talent.change_scopegrant")
    stored = ScopeGrant.objects.select_for_update().select_related("unit", "user").get(pk=grant.pk)
    _require_unit_in_scope(actor, stored.unit)
    _require_unit_in_scope(actor, grant.unit)
    before = audit.snapshot(stored)
    grant.save()
    _sync_group(stored.user, stored.role)
    grant.user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role(grant.role)]))
    before, after = audit.diff(before, audit.snapshot(grant))
    audit.record(actor=actor, action="talent.scope.edit", obj=grant, before=before, after=after)
    return grant


def _sync_group(user, role) -> None:
    user.__dict__.pop("_academy_grants", None)
    if not ScopeGrant.objects.filter(user=user, role=role).exists():
        user.groups.remove(Group.objects.get(name=ROLE_GROUP_NAMES[Role(role)]))


@transaction.atomic
def revoke_role(*, actor, grant: ScopeGrant) -> None:
    if actor is not None:
        _require(actor, "talent.delete_scopegrant")
        _require_unit_in_scope(actor, grant.unit)
    audit.record(
        actor=actor,
        action="talent.scope.revoke",
        obj=grant,
        before={"user": grant.user.get_username(), "role": grant.role, "unit": grant.unit.name},
    )
    user, role = grant.user, grant.role
    grant.delete()
    _sync_group(user, role)


# Continuing education ------------------------------------------------------


def credit_ce_hours(
    *,
    person: Person,
    hours: Decimal | int | float | str,
    source: str,
    source_ref: str,
    earned_on: datetime.date,
    description: str = "",
    actor=None,
) -> tuple[CEHourEntry, bool]:
    """Credit continuing-education hours once per ``(person, source, source_ref)``.

    Returns ``(entry, created)``; a second call for the same source returns the
    existing entry unchanged. Safe under concurrency: the database constraint
    decides, and a losing racer reads the winner's row.
    """
    hours = Decimal(str(hours))
    if hours <= 0:
        raise ValidationError(_("学时必须大于 0。"))
    existing = CEHourEntry.objects.filter(person=person, source=source, source_ref=source_ref)
    if entry := existing.first():
        return entry, False
    try:
        with transaction.atomic():
            entry = CEHourEntry.objects.create(
                person=person,
                hours=hours,
                source=source,
                source_ref=source_ref,
                earned_on=earned_on,
                description=description,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record(
                actor=actor,
                action="talent.ce.credit",
                obj=entry,
                after={
                    "person": person.staff_no,
                    "hours": str(hours),
                    "source": source,
                    "source_ref": source_ref,
                },
            )
    except IntegrityError:
        return existing.get(), False
    return entry, True


# Notifications --------------------------------------------------------------


def notify(*, recipient, title: str, body: str = "", url: str = "") -> Notification:
    """Store an in-app notification; e-mail a copy from a background task once
    the surrounding transaction commits (never for a rolled-back change)."""
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(
            lambda: async_task("talent.tasks.email_notification", notification.pk)
        )
    return notification


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
