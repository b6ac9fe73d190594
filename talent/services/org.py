"""Org-unit writes: add a unit under one the actor manages, edit or move it, and
add or rename many at once (the unit import)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Length, Substr
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


@dataclass
class NewUnit:
    code: str
    name: str
    kind: str
    parent_code: str  # an existing unit in scope, or another NewUnit's code


@transaction.atomic
def import_org_units(
    *, actor, new: list[NewUnit], changed: list[tuple[OrgUnit, dict]]
) -> tuple[int, int]:
    """Add many units (the unit import) under parents the actor manages, parents
    before children, each parent's new children in name order after the existing
    ones; rename or re-kind existing units in scope. The tree's paths are computed
    here and written in bulk (treebeard's add_child costs queries per node), so
    queries do not grow with the count. Moves are not imports: see update_org_unit."""
    if new:
        _require(actor, "talent.add_orgunit")
    if changed:
        _require(actor, "talent.change_orgunit")
    scope = scope_for(actor)
    by_code = {u.code: u for u in new}
    existing_codes = {u.parent_code for u in new if u.parent_code not in by_code}
    parents = {
        p.code: p for p in OrgUnit.objects.select_for_update().filter(code__in=list(existing_codes))
    }
    if len(parents) != len(existing_codes) or any(
        not scope.contains_unit(p) for p in parents.values()
    ):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    if any(not scope.contains_unit(unit) for unit, _values in changed):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    step = OrgUnit.steplen
    last = dict(
        OrgUnit.objects.annotate(parent_path=Substr("path", 1, Length("path") - step))
        .filter(parent_path__in=[p.path for p in parents.values()])
        .values("parent_path")
        .annotate(last=Max("path"))
        .values_list("parent_path", "last")
    )
    children: dict[str, list[NewUnit]] = {}
    for unit in new:
        children.setdefault(unit.parent_code, []).append(unit)
    created: list[OrgUnit] = []
    queue = [(parents[code], code) for code in sorted(existing_codes)]
    while queue:
        parent, code = queue.pop()
        kids = sorted(children.get(code, []), key=lambda u: (u.name, u.code))
        start = OrgUnit._str2int(last[parent.path][-step:]) + 1 if parent.path in last else 1
        for offset, kid in enumerate(kids):
            node = OrgUnit(
                name=kid.name,
                code=kid.code,
                kind=kid.kind,
                depth=parent.depth + 1,
                path=OrgUnit._get_path(parent.path, parent.depth + 1, start + offset),
                numchild=0,  # counted when its own children are placed
            )
            created.append(node)
            queue.append((node, kid.code))
        parent.numchild += len(kids)
    if len(created) != len(new):
        raise ValidationError(_("上级单位形成循环，无法确定单位的位置。"))
    OrgUnit.objects.bulk_create(created, batch_size=500)
    OrgUnit.objects.bulk_update(list(parents.values()), ["numchild"], batch_size=500)
    before = {unit.pk: audit.snapshot(unit) for unit, _values in changed}
    for unit, values in changed:
        for field, value in values.items():
            setattr(unit, field, value)
    OrgUnit.objects.bulk_update([u for u, _v in changed], ["name", "kind"], batch_size=500)
    audit.record_many(
        actor=actor,
        action="talent.orgunit.create",
        entries=((u, {}, audit.snapshot(u)) for u in created),
    )
    audit.record_many(
        actor=actor,
        action="talent.orgunit.edit",
        entries=((u, *audit.diff(before[u.pk], audit.snapshot(u))) for u, _values in changed),
    )
    return len(created), len(changed)
