"""The unit import 组织单位导入: code, name, kind and parent code, within scope."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from talent.imports import base as imports
from talent.imports.org import apply_units, unit_spec
from talent.models import OrgUnit
from tests.talent.xlsx import upload, workbook_bytes

HEADER = ["单位编码", "单位名称", "单位类型", "上级单位编码"]


@pytest.fixture
def jl_admin(district, user_with_role):
    from talent.models import Role

    return user_with_role(Role.DISTRICT_ADMIN, district["jl"], "admin_jl")


def run(rows, actor, commit=True):
    return imports.run_import(
        unit_spec(actor=actor),
        upload(workbook_bytes([HEADER, *rows])),
        actor=actor,
        commit=commit,
        apply=lambda parsed: apply_units(parsed, actor=actor),
    )


@pytest.mark.django_db
def test_units_are_added_under_parents_in_scope_in_any_row_order(jl_admin, district):
    result = run(
        [
            ["jl-xq-1", "新桥一组", "社工室", "jl-xq"],  # its parent is two rows below
            ["JL-HS", "和顺社区", "社区", "jl"],
            ["jl-xq", "新桥社区", "社区", "jl"],
            ["jl-panlong", "盘龙社区（新）", "社区", "jl"],  # an existing unit: renamed
        ],
        jl_admin,
    )
    assert result.committed, [str(e) for e in result.errors]
    assert result.summary == "新增单位 3 个，更新 1 个，未变化 0 个"
    xq = OrgUnit.objects.get(code="jl-xq")
    group = OrgUnit.objects.get(code="jl-xq-1")
    assert group.get_parent() == xq and xq.get_parent() == district["jl"]
    assert OrgUnit.objects.get(code="jl-hs").kind == "community"
    district["jl"].refresh_from_db()
    assert district["jl"].numchild == 4 and xq.numchild == 1
    assert [u.code for u in district["jl"].get_children()] == [
        "jl-panlong",
        "jl-longquan",
        "jl-hs",
        "jl-xq",
    ]
    assert OrgUnit.find_problems() == ([], [], [], [], [])
    assert OrgUnit.objects.get(code="jl-panlong").name == "盘龙社区（新）"
    # The tree still takes treebeard's own inserts.
    district["jl"].refresh_from_db()
    later = district["jl"].add_child(name="后来社区", code="jl-later", kind="community")
    assert later.get_parent() == district["jl"]
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"talent.orgunit.create", "talent.orgunit.edit"} <= actions


@pytest.mark.django_db
def test_the_unit_import_stays_inside_the_importers_subtree(jl_admin, district):
    result = run(
        [
            ["jl-a", "甲社区", "社区", "yjp"],  # a parent outside the scope …
            ["jl-b", "乙社区", "社区", "nowhere"],  # … reads like an unknown one
            ["yjp-xijiao", "西郊社区", "社区", "jl"],  # a code taken outside the scope
            ["jl-longquan", "龙泉社区", "社区", "jl-panlong"],  # a move is not an import
            ["jl-c", "丙社区", "社区", "jl-d"],
            ["jl-d", "丁社区", "社区", "jl-c"],  # a cycle
            ["jl-e", "戊社区", "菜市场", "jl"],
        ],
        jl_admin,
    )
    assert not result.committed
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(2, "D")] == messages[(3, "D")].replace("nowhere", "yjp")
    assert "已被使用" in messages[(4, "A")]
    assert "移动" in messages[(5, "D")]
    assert "循环" in messages[(6, "D")] and "循环" in messages[(7, "D")]
    assert (8, "C") in messages
    assert not OrgUnit.objects.filter(code__in=["jl-a", "jl-b", "jl-c", "jl-e"]).exists()


@pytest.mark.django_db
def test_unit_import_page_commits_all_or_nothing(client, jl_admin, district):
    client.force_login(jl_admin)
    url = reverse("talent_unit_import")
    data = workbook_bytes([HEADER, ["jl-new", "新社区", "社区", "jl"]])
    dry = client.post(url, {"file": upload(data)})
    assert dry.status_code == 200 and not dry.context["errors"], dry.context["errors"]
    assert not OrgUnit.objects.filter(code="jl-new").exists()
    client.post(url, {"token": dry.context["token"]})
    assert OrgUnit.objects.get(code="jl-new").get_parent() == district["jl"]
