"""Certificate, exam-result and assessment imports (dry run, cell errors, commit)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talent.imports import base as imports
from talent.imports import certification as hr_imports
from talent.imports import ladder as ladder_imports
from talent.models import AnnualAssessment, Certificate, ExamAttempt, RegistrationPeriod
from tests.talent.xlsx import upload, workbook_bytes


def run(spec, apply, rows, actor, commit, title_rows=()):
    return imports.run_import(
        spec(actor=actor),
        upload(workbook_bytes(rows, title_rows=title_rows)),
        actor=actor,
        commit=commit,
        apply=lambda parsed: apply(parsed, actor=actor),
    )


CERT_HEADER = ["工号", "证书等级", "证书编号", "取得日期", "有效期至", "发证机关"]


@pytest.mark.django_db
def test_certificate_import_lists_every_bad_cell(jl_hr, people):
    rows = [
        CERT_HEADER,
        [people["panlong"].staff_no + " ", "助理社会工作师", "２０２５CQ001", "2025年3月1日"],
        [people["xijiao"].staff_no, "助理社会工作师", "2025CQ002", "2025-03-01"],
        [people["longquan"].staff_no, "初级", "2025CQ001", "2025/13/01"],
    ]
    result = run(
        hr_imports.certificate_spec,
        hr_imports.apply_certificates,
        rows,
        jl_hr,
        True,
        title_rows=["九龙街道 2025 年持证登记表"],
    )
    assert not result.committed
    messages = {(e.row, e.column, e.message) for e in result.errors}
    assert (5, "B", "应为以下之一：助理社会工作师、社会工作师、高级社会工作师") in messages
    assert (5, "C", "与第 3 行重复") in messages
    assert (5, "D", "日期不存在") in messages
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_certificate_import_outside_scope_is_refused(jl_hr, people):
    rows = [CERT_HEADER, [people["xijiao"].staff_no, "助理社会工作师", "2025CQ002", "2025-03-01"]]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr, True)
    assert [e.message for e in result.errors] == [
        f"找不到工号 {people['xijiao'].staff_no}，或该人员不在您的管辖范围内"
    ]
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_certificate_import_commits_through_the_service(jl_hr, people):
    rows = [
        CERT_HEADER,
        [people["panlong"].staff_no, "社会工作师", 2025001, "2025-03-01"],
        [people["longquan"].staff_no, "助理社会工作师", "2025002", 45717],
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr, True)
    assert result.committed and result.summary == "登记证书 2 张"
    cert = Certificate.objects.get(number="2025001")
    assert cert.level == 2 and cert.status == "valid"
    assert RegistrationPeriod.objects.get(certificate=cert).required_hours == 90
    assert Certificate.objects.get(number="2025002").obtained_on == datetime.date(2025, 3, 1)


@pytest.mark.django_db
def test_exam_import_proposes_certificates(jl_hr, people):
    no = people["panlong"].staff_no
    rows = [
        ["工号", "考试年度", "报考等级", "科目", "成绩"],
        [no, "２０２５", "助理社会工作师", "社会工作综合能力", "71.5"],
        [no, 2025, "助理社会工作师", "社会工作实务", 60],
    ]
    result = run(hr_imports.exam_spec, hr_imports.apply_exam_results, rows, jl_hr, True)
    assert result.committed, result.errors
    assert result.summary == "登记成绩 2 条，生成待确认证书 1 张"
    assert ExamAttempt.objects.count() == 2
    assert Certificate.objects.get(person=people["panlong"]).status == "proposed"


@pytest.mark.django_db
def test_exam_import_refuses_scores_out_of_range_and_repeats(jl_hr, people):
    no = people["panlong"].staff_no
    rows = [
        ["工号", "考试年度", "报考等级", "科目", "成绩"],
        [no, 2025, "助理社会工作师", "社会工作实务", 101],
        [no, 2025, "高级社会工作师", "社会工作实务", 80],
    ]
    result = run(hr_imports.exam_spec, hr_imports.apply_exam_results, rows, jl_hr, False)
    assert {(e.row, e.column) for e in result.errors} == {(2, "E"), (3, "C")}


@pytest.mark.django_db
def test_assessment_import_refuses_a_year_already_recorded(jl_hr, people):
    person = people["panlong"]
    AnnualAssessment.objects.create(person=person, year=2024, result="competent")
    rows = [
        ["工号", "考核年度", "考核结果", "备注"],
        [person.staff_no, 2024, "优秀", ""],
        [people["longquan"].staff_no, 2025, "称职", ""],
        [people["longquan"].staff_no, 2025, "优秀", ""],
    ]
    result = run(
        ladder_imports.assessment_spec, ladder_imports.apply_assessments, rows, jl_hr, True
    )
    assert not result.committed
    assert {e.row for e in result.errors} == {2, 4}
    assert "2024 年已有考核结果" in str(result.errors[0])
    assert "与第 3 行是同一人同一年度的考核" in str(result.errors[1])
    assert AnnualAssessment.objects.count() == 1


@pytest.mark.django_db
def test_admin_import_flow_dry_run_then_confirm(client, jl_hr, people):
    client.force_login(jl_hr)
    url = reverse("talent_assessment_import")
    template = load_workbook(io.BytesIO(client.get(url, {"template": 1}).content))
    sheet = template.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["工号", "考核年度", "考核结果"]
    assert any("优秀" in v.formula1 for v in sheet.data_validations.dataValidation)
    data = workbook_bytes(
        [["工号", "考核年度", "考核结果"], [people["panlong"].staff_no, 2025, "优秀"]]
    )
    response = client.post(url, {"file": upload(data)})
    assert response.status_code == 200 and not AnnualAssessment.objects.exists()
    token = response.context["token"]
    response = client.post(url, {"token": token}, follow=True)
    assert "导入完成" in response.content.decode()
    assert AnnualAssessment.objects.get().result == "excellent"


ROSTER_HEADER = ["工号", "姓名", "人员类别", "所在单位", "学历", "岗位"]


def roster(rows, actor):
    from talent.imports.people import apply_roster, roster_spec

    return run(roster_spec, apply_roster, [ROSTER_HEADER, *rows], actor, True)


@pytest.mark.django_db
def test_roster_sets_education_and_post_and_keeps_them_when_blank(jl_hr, district):
    result = roster(
        [["JL9001", "新同事", "社区工作者", "盘龙社区", "硕士研究生", "社区副职"]], jl_hr
    )
    assert result.committed, result.errors
    from talent.models import Person

    person = Person.objects.get(staff_no="JL9001")
    assert person.education == "master" and person.post.code == "deputy"
    result = roster([["JL9001", "新同事", "社区工作者", "盘龙社区", "", ""]], jl_hr)
    assert result.committed
    person.refresh_from_db()
    assert person.education == "master" and person.post.code == "deputy"


@pytest.mark.django_db
def test_roster_cannot_change_a_post(jl_hr, district):
    roster([["JL9002", "老同事", "社区工作者", "盘龙社区", "本科", "其他社区工作者"]], jl_hr)
    result = roster([["JL9002", "老同事", "社区工作者", "盘龙社区", "本科", "社区正职"]], jl_hr)
    assert not result.committed
    assert "岗位聘任" in result.errors[0].message
