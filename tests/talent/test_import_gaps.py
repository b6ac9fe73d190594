"""Issue 16: imports HR can trust. One test per gap the hostile-file corpus found:
facts lost, impossible facts, errors one at a time, the wrong sheet, invisible
characters, formula cells."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from talent.imports import base as imports
from talent.imports import certification as hr_imports
from talent.imports import ladder as ladder_imports
from talent.imports.people import apply_roster, roster_spec
from talent.models import (
    AnnualAssessment,
    Certificate,
    CertificateStatus,
    ExamAttempt,
    Person,
    RegistrationPeriod,
)
from tests.factories import PersonFactory
from tests.talent.xlsx import upload, workbook_bytes

CERT_HEADER = ["工号", "证书等级", "证书编号", "取得日期", "证书状态", "注销日期", "注销原因"]


def run(spec, apply, rows, actor, commit=True):
    return imports.run_import(
        spec(actor=actor),
        upload(workbook_bytes(rows)),
        actor=actor,
        commit=commit,
        apply=lambda parsed: apply(parsed, actor=actor),
    )


def found(result):
    return {(e.row, e.column, e.message) for e in result.errors}


# Facts lost ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_revoked_certificate_is_stored_revoked_with_its_date_and_reason(jl_hr, people):
    rows = [
        CERT_HEADER,
        [
            people["panlong"].staff_no,
            "助理社会工作师",
            "2020CQ1",
            "2020-06-01",
            "已注销",
            "2023-05-04",
            "本人申请注销",
        ],
        [people["longquan"].staff_no, "助理社会工作师", "2021CQ2", "2021-06-01", "有效"],
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr)
    assert result.committed, [str(e) for e in result.errors]
    revoked = Certificate.objects.get(number="2020CQ1")
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_on == datetime.date(2023, 5, 4)
    assert revoked.revoked_reason == "本人申请注销"
    # A revoked certificate opens no registration period; a valid one does.
    assert not RegistrationPeriod.objects.filter(certificate=revoked).exists()
    assert RegistrationPeriod.objects.filter(certificate__number="2021CQ2").exists()


@pytest.mark.django_db
def test_revoked_status_needs_its_date_and_the_date_needs_the_status(jl_hr, people):
    no = people["panlong"].staff_no
    rows = [
        CERT_HEADER,
        [no, "助理社会工作师", "2020CQ1", "2020-06-01", "已注销"],
        [people["longquan"].staff_no, "社会工作师", "2021CQ2", "2021-06-01", "有效", "2022-01-01"],
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr, False)
    assert (2, "F", "状态为“已注销”时必须填写注销日期") in found(result)
    assert any(e.row == 3 and e.column == "F" and "已注销" in e.message for e in result.errors)


@pytest.mark.django_db
def test_an_unknown_column_is_refused_by_name(jl_hr, people):
    rows = [
        ["工号", "证书等级", "证书编号", "取得日期", "备注说明"],
        [people["panlong"].staff_no, "助理社会工作师", "2020CQ1", "2020-06-01", "x"],
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr)
    assert not result.committed
    [error] = result.errors
    assert (error.row, error.column) == (1, "E")
    assert "模板中没有“备注说明”这一列" in error.message
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_the_exam_import_keeps_the_sitting_date(jl_hr, people):
    rows = [
        ["工号", "考试年度", "报考等级", "科目", "成绩", "考试日期"],
        [people["panlong"].staff_no, 2025, "助理社会工作师", "社会工作实务", 71, "2025-06-14"],
    ]
    result = run(hr_imports.exam_spec, hr_imports.apply_exam_results, rows, jl_hr)
    assert result.committed, result.errors
    assert ExamAttempt.objects.get().sat_on == datetime.date(2025, 6, 14)


# Impossible facts ------------------------------------------------------------------


@pytest.mark.django_db
def test_future_dated_facts_are_refused_with_row_and_column(jl_hr, people):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    next_year = timezone.localdate().year + 1
    no = people["panlong"].staff_no
    certificates = run(
        hr_imports.certificate_spec,
        hr_imports.apply_certificates,
        [CERT_HEADER, [no, "助理社会工作师", "2031CQ1", tomorrow.isoformat()]],
        jl_hr,
    )
    assert [(e.row, e.column) for e in certificates.errors] == [(2, "D")]
    assert "不能晚于今天" in certificates.errors[0].message
    exams = run(
        hr_imports.exam_spec,
        hr_imports.apply_exam_results,
        [
            ["工号", "考试年度", "报考等级", "科目", "成绩"],
            [no, next_year, "助理社会工作师", "社会工作实务", 80],
        ],
        jl_hr,
    )
    assert [(e.row, e.column) for e in exams.errors] == [(2, "B")]
    assessments = run(
        ladder_imports.assessment_spec,
        ladder_imports.apply_assessments,
        [["工号", "考核年度", "考核结果"], [no, next_year, "优秀"]],
        jl_hr,
    )
    assert [(e.row, e.column) for e in assessments.errors] == [(2, "B")]
    roster = run(
        roster_spec,
        apply_roster,
        [
            ["工号", "姓名", "人员类别", "所在单位", "参加工作日期"],
            ["JL7001", "新人", "社区工作者", "盘龙社区", tomorrow],
        ],
        jl_hr,
    )
    assert [(e.row, e.column) for e in roster.errors] == [(2, "E")]
    assert not Certificate.objects.exists() and not ExamAttempt.objects.exists()
    assert not AnnualAssessment.objects.exists()
    assert not Person.objects.filter(staff_no="JL7001").exists()


# One pass --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dry_run_reports_cell_cross_row_and_database_problems_together(jl_hr, people):
    """Columns placed in another order than the template's: every letter is the
    file's own. Unknown and out-of-scope 工号 read the same."""
    panlong, longquan = people["panlong"], people["longquan"]
    Certificate.objects.create(person=panlong, level=2, number="OLD-1", obtained_on="2019-01-01")
    holder = PersonFactory(unit=panlong.unit)
    Certificate.objects.create(person=holder, level=1, number="TAKEN-1", obtained_on="2019-01-01")
    rows = [
        ["证书编号", "取得日期", "工号", "证书等级"],
        ["N-1", "2024-13-01", longquan.staff_no, "助理社会工作师"],  # bad date (B)
        ["N-2", "2024-01-01", longquan.staff_no, "社会工作师"],
        ["N-3", "2024-02-01", longquan.staff_no, "社会工作师"],  # same level as row 3 (D)
        ["N-4", "2024-01-01", "NOPE404", "助理社会工作师"],  # unknown (C)
        ["N-5", "2024-01-01", people["xijiao"].staff_no, "助理社会工作师"],  # out of scope (C)
        ["TAKEN-1", "2024-01-01", panlong.staff_no, "助理社会工作师"],  # number taken (A)
        ["N-7", "2024-01-01", panlong.staff_no, "社会工作师"],  # stored same level (D)
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr, False)
    where = {(e.row, e.column) for e in result.errors}
    assert where == {(2, "B"), (4, "D"), (5, "C"), (6, "C"), (7, "A"), (8, "D")}
    messages = {e.row: e.message for e in result.errors}
    assert "第 3 行" in messages[4] and "同一人同一等级" in messages[4]
    assert messages[5] == "找不到工号 NOPE404，或该人员不在您的管辖范围内"
    assert messages[6] == messages[5].replace("NOPE404", people["xijiao"].staff_no)
    assert "TAKEN-1 已登记过" in messages[7]
    assert "OLD-1" in messages[8]
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


@pytest.mark.django_db
def test_what_the_dry_run_passes_the_commit_writes(jl_hr, people):
    """Same-level pairs no longer wait for the confirm: a clean dry run commits."""
    rows = [
        CERT_HEADER,
        [people["panlong"].staff_no, "助理社会工作师", "P-1", "2018-01-01", "已失效"],
        [people["panlong"].staff_no, "助理社会工作师", "P-2", "2022-01-01", "有效"],
        [people["longquan"].staff_no, "社会工作师", "P-3", "2022-01-01"],
    ]
    dry = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr, False)
    assert dry.ok, [str(e) for e in dry.errors]
    done = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr)
    assert done.committed and Certificate.objects.count() == 3


@pytest.mark.django_db
def test_nobody_imports_a_fact_about_themselves(jl_hr, people):
    me = people["panlong"]
    me.user = jl_hr
    me.save()
    rows = [CERT_HEADER, [me.staff_no, "高级社会工作师", "SELF-1", "2024-01-01"]]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr)
    assert [(e.row, e.column) for e in result.errors] == [(2, "A")]
    assert "本人" in result.errors[0].message
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_changed_exam_score_is_a_conflict_and_the_same_score_is_skipped(jl_hr, people):
    person = people["panlong"]
    ExamAttempt.objects.create(person=person, year=2024, level=1, subject="practice", score=65)
    header = ["工号", "考试年度", "报考等级", "科目", "成绩"]
    changed = run(
        hr_imports.exam_spec,
        hr_imports.apply_exam_results,
        [header, [person.staff_no, 2024, "助理社会工作师", "社会工作实务", 75]],
        jl_hr,
    )
    assert [(e.row, e.column) for e in changed.errors] == [(2, "E")]
    assert "已登记 65.0 分" in changed.errors[0].message
    same = run(
        hr_imports.exam_spec,
        hr_imports.apply_exam_results,
        [
            header,
            [person.staff_no, 2024, "助理社会工作师", "社会工作实务", 65],
            [person.staff_no, 2024, "助理社会工作师", "社会工作综合能力", 66],
        ],
        jl_hr,
    )
    assert same.committed, same.errors
    assert ExamAttempt.objects.filter(person=person).count() == 2
    assert Certificate.objects.get(person=person).status == CertificateStatus.PROPOSED


# The sheet a person sees, and what hides in it -------------------------------------


def two_sheet_workbook(hidden_rows, visible_rows) -> bytes:
    book = Workbook()
    hidden = book.active
    hidden.title = "旧数据"
    for row in hidden_rows:
        hidden.append(row)
    visible = book.create_sheet("花名册")
    for row in visible_rows:
        visible.append(row)
    hidden.sheet_state = "hidden"
    book.active = 1
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.mark.django_db
def test_the_visible_active_sheet_is_read_and_hidden_sheets_are_skipped(jl_hr, district):
    data = two_sheet_workbook(
        [["随便什么"], ["不是标题"]],
        [["工号", "姓名", "人员类别", "所在单位"], ["JL5001", "刘可见", "社区工作者", "盘龙社区"]],
    )
    result = imports.run_import(
        roster_spec(actor=jl_hr),
        upload(data),
        actor=jl_hr,
        commit=True,
        apply=lambda rows: apply_roster(rows, actor=jl_hr),
    )
    assert result.committed, [str(e) for e in result.errors]
    assert result.sheet == "花名册"
    assert Person.objects.get(staff_no="JL5001").name == "刘可见"


@pytest.mark.django_db
def test_zero_width_and_bom_characters_are_removed_and_controls_are_named(jl_hr, district):
    rows = [
        ["\ufeff工号", "姓名", "人员类别", "所在单位"],
        ["JL\u200b5002", "张\u200b晓梅\ufeff", "社区工作者", "盘龙\u200d社区"],
        ["JL5003", "王\u202e五", "社区工作者", "盘龙社区"],
    ]
    result = run(roster_spec, apply_roster, rows, jl_hr, False)
    [error] = result.errors
    assert (error.row, error.column) == (3, "B")
    assert "U+202E" in error.message and "看不见的字符" in error.message
    result = run(roster_spec, apply_roster, rows[:2], jl_hr)
    assert result.committed
    assert Person.objects.get(staff_no="JL5002").name == "张晓梅"


@pytest.mark.django_db
def test_a_formula_without_a_computed_value_is_explained(jl_hr, people):
    rows = [
        ["工号", "证书等级", "证书编号", "取得日期"],
        [people["panlong"].staff_no, "助理社会工作师", '=CONCAT("CQ",1)', "2024-01-01"],
    ]
    result = run(hr_imports.certificate_spec, hr_imports.apply_certificates, rows, jl_hr)
    [error] = result.errors
    assert (error.row, error.column) == (2, "C")
    assert "公式" in error.message and "不能为空" not in error.message
