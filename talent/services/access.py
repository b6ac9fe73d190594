"""Role writes: grant, change and revoke a role over an org subtree, keeping
the role's group membership in step."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_user_perm as _require
from talent.checks import require_user_unit_in_scope as _require_unit_in_scope
from talent.models import OrgUnit, Role, ScopeGrant, UnitKind
from talent.models.access import ROLE_GROUP_NAMES
from talent.selectors.access import ScopeRule


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
    user.__dict__.pop("_academy_district_roles", None)
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
    user.__dict__.pop("_academy_district_roles", None)
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


# The one door of every generic admin write ------------------------------------


def _perm(instance, action: str) -> str:
    opts = instance._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def _require_rule(actor, rule: ScopeRule, obj) -> None:
    refusal = rule.write_refusal(actor, obj)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def save_in_scope(*, actor, rule: ScopeRule, instance, write: Callable[[], Model], audited=True):
    """Create or change ``instance`` through ``write()`` (a form's save, or a
    domain service) so that every reference the rule names lies in the actor's
    scope on the object as it was (read again, locked) and as it is after the
    write (read again, many-to-many rows included). A refusal after the write
    rolls it back. ``audited`` writes the create/edit event with the changed
    fields; a domain service that audits itself passes False."""
    creating = instance.pk is None
    _require(actor, _perm(instance, "add" if creating else "change"))
    model = type(instance)
    before: dict = {}
    if not creating:
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        _require_rule(actor, rule, stored)
        before = audit.snapshot(stored)
    saved = write()
    _require_rule(actor, rule, model._default_manager.get(pk=saved.pk))
    if audited:
        after = audit.snapshot(saved)
        if creating:
            audit.record(actor=actor, action="academy.create", obj=saved, after=after)
        else:
            before, after = audit.diff(before, after)
            audit.record(actor=actor, action="academy.edit", obj=saved, before=before, after=after)
    return saved


@transaction.atomic
def delete_in_scope(*, actor, rule: ScopeRule, instance, delete: Callable[[], None], audited=True):
    """Delete ``instance`` through ``delete()`` when the actor holds every
    reference the rule names. A row other records still depend on is refused
    with the kinds of those records, instead of failing in the database."""
    _require(actor, _perm(instance, "delete"))
    stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    _require_rule(actor, rule, stored)
    if audited:
        audit.record(
            actor=actor, action="academy.delete", obj=stored, before=audit.snapshot(stored)
        )
    try:
        with transaction.atomic():
            delete()
    except (ProtectedError, RestrictedError) as error:
        dependants = getattr(error, "protected_objects", None) or error.restricted_objects
        raise ValidationError(in_use_message(stored, dependants)) from error


def in_use_message(obj, dependants) -> str:
    """ "X is still used by …, so it cannot be deleted", naming kinds, not rows."""
    kinds = sorted({str(d._meta.verbose_name) for d in dependants})
    return _("“%(object)s”已被%(kinds)s使用，不能删除；可以停用或保留它。") % {
        "object": obj,
        "kinds": "、".join(kinds),
    }
