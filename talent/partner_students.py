"""University partners add and import their own students 实习生.

A student is a ``Person`` of kind intern under the partner's university in the
org tree; a partner can create or update only people in that subtree.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.imports.people import contact_columns
from talent.selectors.placements import partner_scope

from . import audit
from .models import Person, PersonKind

STUDENT_FIELDS = ("name", "unit", "gender", "phone", "email")


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


def student_spec(*, actor) -> imports.ImportSpec:
    """学生名单导入: 学号, 姓名, 院系 and optional contact columns."""
    scope = partner_scope(actor)
    units = list(scope.units().order_by("path")) if not scope.everything else []

    def check_rows(rows: list[imports.ParsedRow]) -> list[imports.CellError]:
        numbers = {r.values["staff_no"]: r.number for r in rows}
        outside = (
            Person.objects.filter(staff_no__in=list(numbers))
            .exclude(scope.q("unit__"))
            .values_list("staff_no", flat=True)
        )
        return [
            imports.CellError(
                numbers[no], "A", _("学号"), _("该学号已被其他单位的人员使用，请核对")
            )
            for no in outside
        ]

    return imports.ImportSpec(
        name="students",
        title=_("学生名单导入"),
        columns=[
            imports.Column(
                "staff_no",
                _("学号"),
                imports.code(),
                unique=True,
                aliases=(_("工号"),),
                example="SWU2026001",
                help=_("唯一；已存在的学号会更新该学生信息。"),
            ),
            imports.Column("name", _("姓名"), imports.text(50), example="王思远"),
            imports.Column(
                "unit",
                _("院系"),
                imports.unit(units),
                aliases=(_("所在单位"), _("单位")),
                example=units[-1].name if units else "",
                help=_("填写本校院系名称或单位编码。"),
            ),
            *contact_columns(),
        ],
        check_rows=check_rows,
    )


def apply_students(rows: list[imports.ParsedRow], *, actor) -> str:
    """Create new students and update existing ones (inside run_import's
    transaction; the dry run has checked every unit and number is the partner's)."""
    existing = {
        p.staff_no: p
        for p in Person.objects.filter(staff_no__in=[r.values["staff_no"] for r in rows])
    }
    new, changed = [], []
    for row in rows:
        values = {f: row.values[f] or "" for f in STUDENT_FIELDS}
        values["unit"] = row.values["unit"]
        person = existing.get(row.values["staff_no"])
        if person is None:
            new.append(Person(staff_no=row.values["staff_no"], kind=PersonKind.INTERN, **values))
        elif any(getattr(person, f) != values[f] for f in STUDENT_FIELDS):
            for f in STUDENT_FIELDS:
                setattr(person, f, values[f])
            changed.append(person)
    Person.objects.bulk_create(new, batch_size=1000)
    Person.objects.bulk_update(changed, STUDENT_FIELDS, batch_size=1000)
    return _("新增 %(new)d 名学生，更新 %(changed)d 名，未变化 %(same)d 名") % {
        "new": len(new),
        "changed": len(changed),
        "same": len(rows) - len(new) - len(changed),
    }
