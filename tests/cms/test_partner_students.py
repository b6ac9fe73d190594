"""Partners add and import their own students; nobody else's."""

import io

import openpyxl
import pytest
from django.urls import reverse

from talent.models import Person
from tests.factories import make_unit
from tests.talent.xlsx import upload, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(district):
    return make_unit("西南大学社会工作系", parent=district["swu"], kind="university", code="swu-sw")


@pytest.fixture
def swu(client, bases):
    client.force_login(bases["swu_partner"])
    return client


def test_partner_adds_a_student_as_an_intern(swu, department):
    response = swu.post(
        reverse("partner_student_add"),
        {"staff_no": "SWU9001", "name": "王思远", "unit": department.pk, "gender": "F"},
    )
    student = Person.objects.get(staff_no="SWU9001")
    assert response.status_code == 302
    assert (student.kind, student.unit) == ("intern", department)


def test_partner_cannot_add_a_student_under_another_university(swu, district):
    response = swu.post(
        reverse("partner_student_add"),
        {"staff_no": "X1", "name": "越权", "unit": district["cqcm"].pk},
    )
    assert response.status_code == 200  # the unit is not a choice
    assert not Person.objects.filter(staff_no="X1").exists()


def test_template_downloads_with_headings(swu, department):
    response = swu.get(reverse("partner_student_import") + "?template=1")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["学号", "姓名", "院系"]


def test_dry_run_lists_bad_cells_and_writes_nothing(swu, department, people):
    data = workbook_bytes(
        [
            ("学号", "姓名", "院系"),
            ("SWU9101", "李明", "西南大学社会工作系"),
            ("SWU9102", "", "西南大学社会工作系"),
            ("SWU9103", "张三", "重庆城市管理职业学院"),
            (people["cqcm_student"].staff_no, "冒名", "西南大学社会工作系"),
        ],
        title_rows=["西南大学 2026 级社会工作专业实习学生名单"],
    )
    response = swu.post(reverse("partner_student_import"), {"file": upload(data)})
    errors = [str(e) for e in response.context["errors"]]
    assert any("第 4 行" in e and "姓名" in e for e in errors)
    assert any("第 5 行" in e and "院系" in e for e in errors)
    assert response.context["token"] is None
    assert not Person.objects.filter(staff_no__startswith="SWU91").exists()


def test_clean_import_commits_all_rows_after_confirmation(swu, department):
    data = workbook_bytes(
        [("学号", "姓名", "院系", "手机号"), ("SWU9201", "李明", "swu-sw", "13800000001")]
        + [(f"SWU92{n:02d}", f"学生{n}", "西南大学社会工作系", "") for n in range(2, 12)]
    )
    dry = swu.post(reverse("partner_student_import"), {"file": upload(data)})
    assert not dry.context["errors"]
    assert not Person.objects.filter(staff_no__startswith="SWU92").exists()
    swu.post(reverse("partner_student_import"), {"token": dry.context["token"]})
    imported = Person.objects.filter(staff_no__startswith="SWU92")
    assert imported.count() == 11
    assert set(imported.values_list("kind", flat=True)) == {"intern"}


def test_import_is_403_for_non_partners(client, bases):
    client.force_login(bases["coordinator"])
    assert client.get(reverse("partner_student_import")).status_code == 403
    client.logout()
    assert client.get(reverse("partner_student_import")).status_code == 302
