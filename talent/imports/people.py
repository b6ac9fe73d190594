"""People imports: HR's roster 花名册导入 (create or update people within scope)
and a university partner's student list 学生名单导入 (its own interns)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.models import EducationLevel, Person, PersonKind, Post
from talent.models.people import Gender
from talent.selectors.access import scope_for
from talent.selectors.placements import partner_scope
from talent.services.people import upsert_people

ROSTER_FIELDS = (
    "name",
    "kind",
    "unit",
    "gender",
    "phone",
    "email",
    "joined_on",
    "is_active",
    "education",
    "post_id",
)
# Optional ladder columns: a blank cell keeps what is stored. A post is set for
# people without one; changing it is an appointment (a GradeChange), not an import.
KEEP_WHEN_BLANK = ("education", "post_id")


def contact_columns() -> list[imports.Column]:
    """Gender, mobile and e-mail: the optional columns every people import shares."""
    return [
        imports.Column(
            "gender",
            _("性别"),
            imports.choice(Gender.choices),
            required=False,
            example=Gender.FEMALE.label,
        ),
        imports.Column("phone", _("手机号"), imports.phone, required=False, example="13800000000"),
        imports.Column("email", _("电子邮箱"), imports.email, required=False),
    ]


def roster_spec(*, actor) -> imports.ImportSpec:
    scope = scope_for(actor)
    units = list(scope.units().order_by("path"))

    def check_rows(rows: list[imports.ParsedRow]) -> list[imports.Problem]:
        """People that exist outside the actor's scope cannot be touched by this
        import; a stored post changes only through an appointment."""
        numbers = {r.values["staff_no"]: r.number for r in rows if r.has("staff_no")}
        outside = (
            Person.objects.filter(staff_no__in=list(numbers))
            .exclude(scope.q("unit__"))
            .values_list("staff_no", flat=True)
        )
        problems = [
            imports.Problem(
                numbers[no],
                "staff_no",
                _("该工号已被您管辖范围以外的人员使用，不能通过导入修改；请核对工号"),
            )
            for no in outside
        ]
        posts = {r.values["staff_no"]: r for r in rows if r.has("staff_no", "post_id")}
        moved = Person.objects.filter(staff_no__in=list(posts), post__isnull=False).values_list(
            "staff_no", "post_id"
        )
        problems += [
            imports.Problem(
                posts[no].number,
                "post_id",
                _("岗位变动请在“等级变动”中以“岗位聘任”办理，不能通过导入修改；请填写现岗位或留空"),
            )
            for no, post_id in moved
            if posts[no].values["post_id"] != post_id
        ]
        return problems

    return imports.ImportSpec(
        name="roster",
        title=_("人员花名册导入"),
        columns=[
            imports.Column(
                "staff_no",
                _("工号"),
                imports.code(),
                unique=True,
                example="JL1001",
                help=_("唯一；已存在的工号会更新该人员信息。"),
            ),
            imports.Column("name", _("姓名"), imports.text(50), example="张晓梅"),
            imports.Column(
                "kind",
                _("人员类别"),
                imports.choice(PersonKind.choices),
                example=PersonKind.COMMUNITY_WORKER.label,
            ),
            imports.Column(
                "unit",
                _("所在单位"),
                imports.unit(units),
                aliases=(_("单位"), _("单位编码")),
                example=units[-1].name if units else "",
                help=_("填写单位名称或单位编码。"),
            ),
            *contact_columns(),
            imports.Column(
                "joined_on",
                _("参加工作日期"),
                imports.past_date,
                required=False,
                example="2019-07-01",
                help=_("支持 2019-07-01、2019/7/1、2019年7月1日 等写法；不能晚于今天。"),
            ),
            imports.Column("is_active", _("在职"), imports.boolean, required=False, example="是"),
            imports.Column(
                "education",
                _("学历"),
                imports.choice(EducationLevel.choices),
                required=False,
                example=EducationLevel.BACHELOR.label,
            ),
            imports.Column(
                "post_id",
                _("岗位"),
                imports.choice([(p.pk, p.name) for p in Post.objects.all()]),
                required=False,
                help=_("三岗之一；已有岗位的人员调岗请办理岗位聘任。"),
            ),
        ],
        check_rows=check_rows,
    )


def apply_roster(rows: list[imports.ParsedRow], *, actor) -> str:
    """Create new people and update existing ones in bulk (called inside run_import's
    transaction; the dry run has already checked scope for every unit and person)."""

    def values_for(row, person):
        values = dict(row.values)
        for f in ("gender", "phone", "email"):
            values[f] = values[f] or ""
        values["is_active"] = True if values["is_active"] is None else values["is_active"]
        for f in KEEP_WHEN_BLANK:
            if values[f] is None:
                values[f] = getattr(person, f) if person else None
        values["education"] = values["education"] or ""
        return {f: values[f] for f in ROSTER_FIELDS}

    done = upsert_people(rows, ROSTER_FIELDS, values_for)
    return _("新增 %(new)d 人，更新 %(changed)d 人，未变化 %(same)d 人") % {
        "new": done.created,
        "changed": done.changed,
        "same": done.unchanged,
    }


STUDENT_FIELDS = ("name", "unit", "gender", "phone", "email")


def student_spec(*, actor) -> imports.ImportSpec:
    """学生名单导入: 学号, 姓名, 院系 and optional contact columns."""
    scope = partner_scope(actor)
    units = list(scope.units().order_by("path")) if not scope.everything else []

    def check_rows(rows: list[imports.ParsedRow]) -> list[imports.Problem]:
        numbers = {r.values["staff_no"]: r.number for r in rows if r.has("staff_no")}
        outside = (
            Person.objects.filter(staff_no__in=list(numbers))
            .exclude(scope.q("unit__"))
            .values_list("staff_no", flat=True)
        )
        return [
            imports.Problem(numbers[no], "staff_no", _("该学号已被其他单位的人员使用，请核对"))
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

    def values_for(row, person):
        values = {f: row.values[f] or "" for f in STUDENT_FIELDS}
        values["unit"] = row.values["unit"]
        return values if person else {**values, "kind": PersonKind.INTERN}

    done = upsert_people(rows, STUDENT_FIELDS, values_for)
    return _("新增 %(new)d 名学生，更新 %(changed)d 名，未变化 %(same)d 名") % {
        "new": done.created,
        "changed": done.changed,
        "same": done.unchanged,
    }


def roster_unit(*, actor):
    """The unit a roster import's audit event is attached to: the top of the scope."""
    return scope_for(actor).units().order_by("path").first()


def student_unit(*, actor):
    return partner_scope(actor).units().order_by("path").first()


ROSTER = imports.Importer(spec=roster_spec, apply=apply_roster, audit_object=roster_unit)
STUDENTS = imports.Importer(spec=student_spec, apply=apply_students, audit_object=student_unit)
