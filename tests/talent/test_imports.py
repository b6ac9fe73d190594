import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from talent.imports import base as imports
from talent.models import Person
from tests.assertions import assert_admin_refused
from tests.factories import PersonFactory
from tests.talent.xlsx import (
    BILLION_LAUGHS,
    upload,
    with_extra_part,
    with_replaced_part,
    workbook_bytes,
)

HEADER = ["工号", "姓名", "人员类别", "所在单位", "性别", "手机号", "参加工作日期", "在职"]


# The framework's cell parsers ---------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("2024.3.5", datetime.date(2024, 3, 5)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),
        ("２０２４－０３－０５", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        (45356, datetime.date(2024, 3, 5)),
        (datetime.datetime(2024, 3, 5, 8, 0), datetime.date(2024, 3, 5)),
    ],
)
def test_dates_typed_many_ways_are_understood(value, expected):
    assert imports.date(value) == expected


@pytest.mark.parametrize("value", ["05/03/2024", "2024-02-30", "明天"])
def test_ambiguous_or_impossible_dates_are_refused(value):
    with pytest.raises(imports.CellValueError):
        imports.date(value)


def test_codes_stored_as_numbers_and_full_width_digits_become_text():
    parse = imports.code()
    assert parse(1001.0) == "1001"
    assert parse("  ＪＬ１００１ ") == "JL1001"
    with pytest.raises(imports.CellValueError):
        parse("JL 10#01")


def test_choice_accepts_label_or_value_and_names_the_options():
    parse = imports.choice({"F": "女", "M": "男"})
    assert parse(" 女 ") == "F" and parse("M") == "M"
    with pytest.raises(imports.CellValueError, match="女、男"):
        parse("未知")


# Hostile files -----------------------------------------------------------------


def test_a_text_file_renamed_to_xlsx_is_rejected():
    with pytest.raises(imports.ImportRejected, match="不是有效的 .xlsx"):
        imports.open_workbook(upload("工号,姓名\nJL1,张三\n".encode()))


def test_an_oversized_file_is_rejected():
    with pytest.raises(imports.ImportRejected, match="文件过大"):
        imports.open_workbook(upload(b"0" * (imports.MAX_UPLOAD_BYTES + 1)))


def test_an_xml_bomb_is_rejected_before_parsing():
    data = with_replaced_part(
        workbook_bytes([HEADER]), "xl/worksheets/sheet1.xml", BILLION_LAUGHS.encode()
    )
    with pytest.raises(imports.ImportRejected, match="不安全的 XML"):
        imports.open_workbook(upload(data))


def test_a_zip_bomb_is_rejected():
    data = with_extra_part(
        workbook_bytes([HEADER]), "xl/media/padding.xml", b"0" * (30 * 1024 * 1024)
    )
    with pytest.raises(imports.ImportRejected, match="压缩炸弹"):
        imports.open_workbook(upload(data))


def test_a_zip_that_is_not_a_workbook_is_rejected():
    import io
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(imports.ImportRejected, match="不是有效的 .xlsx"):
        imports.open_workbook(upload(output.getvalue()))


# The roster import through the admin ---------------------------------------------


@pytest.fixture
def hr_client(client, jl_hr):
    client.force_login(jl_hr)
    return client


def post_file(client, data):
    return client.post(reverse("talent_roster_import"), {"file": upload(data)})


@pytest.mark.django_db
def test_template_has_chinese_headers_and_drop_downs(hr_client, district):
    from io import BytesIO

    from openpyxl import load_workbook

    response = hr_client.get(reverse("talent_roster_import") + "?template=1")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:4] == ["工号", "姓名", "人员类别", "所在单位"]
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("社区工作者" in f for f in formulas)


@pytest.mark.django_db
def test_messy_but_unambiguous_file_imports_after_confirmation(hr_client, district):
    rows = [
        HEADER,
        [1001, "  张晓梅 ", "社区工作者", "盘龙社区", "女", "138 0000 0000", "2019年7月1日", "是"],
        ["ＪＬ１００２", "李强", "网格员", "jl-longquan", "男", None, 43647, None],
    ]
    data = workbook_bytes(rows, title_rows=["九龙街道社区工作者花名册（2026年11月）"])
    dry = post_file(hr_client, data)
    assert dry.status_code == 200
    assert not dry.context["errors"], [str(e) for e in dry.context["errors"]]
    assert not Person.objects.filter(
        staff_no__in=["1001", "JL1002"]
    ).exists()  # dry run wrote nothing
    token = dry.context["token"]
    done = hr_client.post(reverse("talent_roster_import"), {"token": token})
    assert done.status_code == 302
    zhang = Person.objects.get(staff_no="1001")
    assert (zhang.name, zhang.unit.name, zhang.phone) == ("张晓梅", "盘龙社区", "13800000000")
    assert zhang.joined_on == datetime.date(2019, 7, 1)
    li = Person.objects.get(staff_no="JL1002")
    assert li.unit == district["longquan"] and li.joined_on == datetime.date(2019, 7, 1)
    entry = ModelLogEntry.objects.get(action="talent.import")
    assert entry.user.username == "hr_jl" and entry.data["after"]["rows"] == 2
    # a token is single-use
    again = hr_client.post(reverse("talent_roster_import"), {"token": token})
    assert again.status_code == 302 and Person.objects.filter(staff_no="1001").count() == 1


@pytest.mark.django_db
def test_every_bad_cell_is_listed_by_row_and_column_and_nothing_is_written(hr_client, district):
    rows = [
        HEADER,
        ["JL2001", "王五", "社区工作者", "盘龙社区", "女", None, "2020-01-01", "是"],
        ["JL2002", "", "厨师", "西郊社区", "未知", "12ab", "05/03/2024", "也许"],
        ["JL2001", "重复", "社区工作者", "盘龙社区", None, None, None, None],
    ]
    response = post_file(hr_client, workbook_bytes(rows))
    errors = [str(e) for e in response.context["errors"]]
    assert "第 3 行 B 列（姓名）：不能为空" in errors
    assert any(e.startswith("第 3 行 C 列（人员类别）：应为以下之一") for e in errors)
    assert "第 3 行 D 列（所在单位）：找不到单位“西郊社区”，或不在您的管辖范围内" in errors
    assert any(e.startswith("第 3 行 E 列（性别）") for e in errors)
    assert any(e.startswith("第 3 行 F 列（手机号）") for e in errors)
    assert any(e.startswith("第 3 行 G 列（参加工作日期）") for e in errors)
    assert any(e.startswith("第 3 行 H 列（在职）") for e in errors)
    assert "第 4 行 A 列（工号）：与第 2 行重复" in errors
    assert response.context["token"] is None
    assert "预检发现" in response.content.decode()
    assert not Person.objects.filter(staff_no="JL2001").exists()


@pytest.mark.django_db
def test_import_cannot_touch_people_outside_scope(hr_client, district, people):
    outsider = people["xijiao"]
    rows = [HEADER, [outsider.staff_no, "改名", "社区工作者", "盘龙社区", None, None, None, None]]
    response = post_file(hr_client, workbook_bytes(rows))
    assert any("管辖范围以外" in str(e) for e in response.context["errors"])
    outsider.refresh_from_db()
    assert outsider.name == "王西郊" and outsider.unit == district["xijiao"]


@pytest.mark.django_db
def test_missing_required_column_and_missing_header_are_explained(hr_client, district):
    response = post_file(
        hr_client, workbook_bytes([["工号", "姓名", "所在单位"], ["JL1", "张三", "盘龙社区"]])
    )
    assert "缺少必填列“人员类别”" in " ".join(str(e) for e in response.context["errors"])
    response = post_file(hr_client, workbook_bytes([["a", "b"], [1, 2]]))
    assert "没有找到标题行" in response.context["form"].errors["file"][0]


@pytest.mark.django_db
def test_updates_existing_people_in_scope(hr_client, district):
    person = PersonFactory(unit=district["panlong"], staff_no="JL3001", name="旧名")
    rows = [HEADER, ["JL3001", "新名", "社区工作者", "龙泉社区", None, None, None, "否"]]
    dry = post_file(hr_client, workbook_bytes(rows))
    hr_client.post(reverse("talent_roster_import"), {"token": dry.context["token"]})
    person.refresh_from_db()
    assert (person.name, person.unit, person.is_active) == ("新名", district["longquan"], False)


@pytest.mark.django_db
def test_a_row_error_during_commit_rolls_back_every_row(district, jl_hr):
    spec = imports.ImportSpec(
        name="t", title="t", columns=[imports.Column("staff_no", "工号", imports.code())]
    )

    def apply(rows):
        for row in rows:
            PersonFactory(unit=district["panlong"], staff_no=row.values["staff_no"])
            if row.values["staff_no"] == "B":
                raise imports.RowError(row.number, "不允许", "A", "工号")
        return "ok"

    result = imports.run_import(
        spec,
        upload(workbook_bytes([["工号"], ["A"], ["B"]])),
        actor=jl_hr,
        commit=True,
        apply=apply,
    )
    assert not result.committed and str(result.errors[0]) == "第 3 行 A 列（工号）：不允许"
    assert not Person.objects.filter(staff_no__in=["A", "B"]).exists()


@pytest.mark.django_db
def test_users_without_add_permission_cannot_import(client, district, user_with_role):
    from talent.models import Role

    client.force_login(user_with_role(Role.ORGANISER, district["jl"]))
    response = client.get(reverse("talent_roster_import"))
    assert_admin_refused(response)
