"""The unit import 组织单位导入: the org tree as code, name, kind and parent code.

New units go under a parent the importer manages, or under another new unit of the
same file (in any order); an existing code in scope renames or re-kinds that unit.
A parent change is a move, done one unit at a time in the admin, not an import."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from talent.imports import base as imports
from talent.imports.base import Problem
from talent.imports.certification import commit_rows
from talent.models import OrgUnit, UnitKind
from talent.selectors.access import scope_for
from talent.services.org import NewUnit, import_org_units


def unit_code(value) -> str:
    """A unit code as stored (lower case letters, digits, - and _)."""
    result = imports.clean_text(value).replace(" ", "").lower()
    if len(result) > 40:
        raise imports.CellValueError(_("不能超过 %(n)d 个字符") % {"n": 40})
    if not re.fullmatch(r"[a-z0-9_-]+", result):
        raise imports.CellValueError(_("只能包含英文字母、数字、- 和 _"))
    return result


def _stored(actor, rows) -> tuple[dict[str, OrgUnit], dict[str, str], set[str]]:
    """Units named by the file's codes and parent codes: those in scope by code,
    the parent code of each, and the codes that exist outside the scope."""
    codes = {r.values[k] for r in rows for k in ("code", "parent") if r.has(k)}
    found = list(OrgUnit.objects.filter(code__in=list(codes)))
    scope = scope_for(actor)
    inside = {u.code: u for u in found if scope.contains_unit(u)}
    outside = {u.code for u in found if not scope.contains_unit(u)}
    parent_paths = {u.path[: -u.steplen] for u in inside.values() if u.depth > 1}
    parent_codes = dict(OrgUnit.objects.filter(path__in=parent_paths).values_list("path", "code"))
    parents = {u.code: parent_codes.get(u.path[: -u.steplen], "") for u in inside.values()}
    return inside, parents, outside


def unit_spec(*, actor) -> imports.ImportSpec:
    def check_rows(rows):
        inside, parents, outside = _stored(actor, rows)
        problems: list[Problem] = []
        in_file = {r.values["code"]: r for r in rows if r.has("code")}
        for row in rows:
            code, parent = row.values["code"], row.values["parent"]
            if row.has("code") and code in outside:
                problems.append(
                    Problem(
                        row.number, "code", _("单位编码 %(c)s 已被使用，请换一个编码") % {"c": code}
                    )
                )
                continue
            if not row.has("parent"):
                continue
            if parent == code:
                problems.append(Problem(row.number, "parent", _("上级单位不能是它自己")))
            elif parent not in inside and parent not in in_file:
                problems.append(
                    Problem(
                        row.number,
                        "parent",
                        _(
                            "找不到上级单位编码 %(c)s，或不在您的管辖范围内；"
                            "请填写已有单位或本表中的单位编码"
                        )
                        % {"c": parent},
                    )
                )
            elif code in inside and parents.get(code) != parent:
                problems.append(
                    Problem(
                        row.number,
                        "parent",
                        _(
                            "单位 %(c)s 已在 %(p)s 之下；调整上级单位请在“组织单位”中移动，"
                            "导入时请填写现上级单位编码"
                        )
                        % {"c": code, "p": parents.get(code) or "—"},
                    )
                )
        problems += _cycles(rows, in_file, inside)
        problems += imports.duplicates(
            rows,
            ("parent", "name"),
            "name",
            _("与第 %(row)d 行同名且上级单位相同，请改名或删除重复的一行"),
        )
        return problems

    return imports.ImportSpec(
        name="units",
        title=_("组织单位导入"),
        columns=[
            imports.Column(
                "code",
                _("单位编码"),
                unit_code,
                unique=True,
                aliases=(_("编码"),),
                example="jl-xinqiao",
                help=_("唯一；已有的编码会更新该单位的名称和类型。"),
            ),
            imports.Column(
                "name", _("单位名称"), imports.text(100), aliases=(_("名称"),), example="新桥社区"
            ),
            imports.Column(
                "kind",
                _("单位类型"),
                imports.choice(UnitKind.choices),
                aliases=(_("类型"),),
                example=UnitKind.COMMUNITY.label,
            ),
            imports.Column(
                "parent",
                _("上级单位编码"),
                unit_code,
                example="jl",
                help=_("您管辖范围内已有单位的编码，或本表中另一行的单位编码。"),
            ),
        ],
        check_rows=check_rows,
    )


def _cycles(rows, in_file, inside) -> list[Problem]:
    """New units whose parent chain never reaches a stored unit (A under B under A)."""
    problems = []
    for row in rows:
        if not row.has("code", "parent") or row.values["code"] in inside:
            continue
        seen, code = set(), row.values["code"]
        while code in in_file and code not in seen and code not in inside:
            seen.add(code)
            code = in_file[code].values["parent"]
        if code in seen:
            problems.append(
                Problem(
                    row.number,
                    "parent",
                    _("上级单位形成循环（%(chain)s），请检查上级单位编码")
                    % {"chain": " → ".join(sorted(seen))},
                )
            )
    return problems


def apply_units(rows, *, actor) -> str:
    inside, _parents, _outside = _stored(actor, rows)
    new, changed = [], []
    for row in rows:
        v = row.values
        unit = inside.get(v["code"])
        if unit is None:
            new.append(NewUnit(v["code"], v["name"], v["kind"], v["parent"]))
        elif (unit.name, unit.kind) != (v["name"], v["kind"]):
            changed.append((unit, {"name": v["name"], "kind": v["kind"]}))
    counts: dict = {}

    def write():
        counts["new"], counts["changed"] = import_org_units(actor=actor, new=new, changed=changed)

    commit_rows(rows, write)
    return _("新增单位 %(new)d 个，更新 %(changed)d 个，未变化 %(same)d 个") % {
        "new": counts["new"],
        "changed": counts["changed"],
        "same": len(rows) - counts["new"] - counts["changed"],
    }


def unit_audit_object(*, actor):
    return scope_for(actor).units().order_by("path").first()


UNITS = imports.Importer(spec=unit_spec, apply=apply_units, audit_object=unit_audit_object)
