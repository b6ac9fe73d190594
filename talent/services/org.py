"""Org-unit writes: add a unit under one the actor manages, edit or move it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.checks import require_user_perm as _require
from talent.checks import require_user_unit_in_scope as _require_unit_in_scope
from talent.models import OrgUnit
from talent.selectors.access import scope_for


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
