import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lms.models import CohortMembership, Question
from tests.assertions import assert_sent_to_login
from tests.factories import PersonFactory
from tests.talent.xlsx import upload, workbook_bytes

pytestmark = pytest.mark.django_db

HEADER = [
    "级别",
    "科目",
    "知识点",
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "正确答案",
    "解析",
]


def question_row(stem, kind="单项选择题", answer="B", options=("甲", "乙", "丙", "丁")):
    padded = list(options) + [None] * (5 - len(options))
    return ["助理社会工作师", "综合能力", "伦理", kind, stem, *padded, answer, "解析"]


def post(client, url, rows, title_rows=()):
    return client.post(url, {"file": upload(workbook_bytes(rows, title_rows=title_rows))})


def test_question_template_has_drop_downs(client, district_organiser):
    client.force_login(district_organiser)
    response = client.get(reverse("lms_question_import") + "?template=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:5] == ["级别", "科目", "知识点", "题型", "题干"]
    assert sheet.data_validations.dataValidation


def test_question_import_dry_run_names_bad_cells_and_writes_nothing(client, district_organiser):
    client.force_login(district_organiser)
    rows = [
        HEADER,
        question_row("正常的单选题"),
        question_row("单选两个答案", answer="BC"),
        question_row("多选只一个答案", kind="多项选择题", answer="A"),
        question_row("答案超出选项", answer="E"),
        [
            "初级",
            "综合能力",
            "伦理",
            "单项选择题",
            "级别写错",
            "甲",
            "乙",
            None,
            None,
            None,
            "A",
            "",
        ],
    ]
    response = post(client, reverse("lms_question_import"), rows, title_rows=["2026年题库"])
    errors = [str(e) for e in response.context["errors"]]
    assert any(e.startswith("第 4 行 K 列（正确答案）") for e in errors)
    assert any(e.startswith("第 5 行 K 列") and "至少有两个" in e for e in errors)
    assert any(e.startswith("第 6 行 K 列") and "不存在" in e for e in errors)
    assert any(e.startswith("第 7 行 A 列（级别）") for e in errors)
    assert not Question.objects.exists()


def test_question_import_commits_all_or_nothing_once(client, district_organiser):
    client.force_login(district_organiser)
    rows = [HEADER, question_row("单选一"), question_row("多选一", kind="多项选择题", answer="A,C")]
    dry = post(client, reverse("lms_question_import"), rows)
    assert not dry.context["errors"]
    client.post(reverse("lms_question_import"), {"token": dry.context["token"]})
    assert Question.objects.count() == 2
    assert Question.objects.get(stem="多选一").answer == "AC"
    # The same file again: every stem is already in the bank.
    again = post(client, reverse("lms_question_import"), rows)
    assert again.context["errors"]
    assert Question.objects.count() == 2


def test_learners_cannot_import_questions(client, learner_user):
    client.force_login(learner_user)
    assert_sent_to_login(client.get(reverse("lms_question_import")), "/admin/login/")


def test_cohort_members_import_checks_scope_and_names(client, cohort, organiser, district, people):
    newcomer = PersonFactory(unit=district["panlong"], staff_no="JL8001", name="孙新人")
    client.force_login(organiser)
    url = reverse("lms_cohort:import_members", args=[cohort.pk])
    rows = [
        ["工号", "姓名"],
        ["JL8001", "孙新人"],
        [people["xijiao"].staff_no, ""],  # outside 九龙街道
        ["NOPE", ""],
        [people["longquan"].staff_no, "错名字"],
    ]
    response = post(client, url, rows)
    errors = [str(e) for e in response.context["errors"]]
    assert len(errors) == 3
    # Outside the scope and unknown read the same: the import is no oracle for 工号.
    assert sum("或该人员不在您的管辖范围内" in e for e in errors) == 2
    assert not any(people["xijiao"].name in e for e in errors)
    assert any("不一致" in e for e in errors)
    assert not CohortMembership.objects.filter(person=newcomer).exists()

    dry = post(client, url, [["工号", "姓名"], ["JL8001", "孙新人"]])
    client.post(url, {"token": dry.context["token"]})
    assert CohortMembership.objects.filter(cohort=cohort, person=newcomer).exists()


def test_cohort_import_outside_scope_is_404(client, programme, district, organiser):
    from tests.lms.factories_programme import make_cohort

    other = make_cohort(programme["tier"], district["yjp"], name="杨家坪班")
    client.force_login(organiser)
    assert client.get(reverse("lms_cohort:import_members", args=[other.pk])).status_code == 404
