"""Role writes: grant, change and revoke a role over an org subtree, keeping
the role's group membership in step."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_user_perm as _require
from talent.checks import require_user_unit_in_scope as _require_unit_in_scope
from talent.models import OrgUnit, Role, ScopeGrant, UnitKind
from talent.models.access import ROLE_GROUP_NAMES


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
