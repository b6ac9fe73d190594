import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from lms.models import Cohort, CohortMembership, Enrollment, Question
from lms.services.programme import add_members, add_members_by_unit, save_cohort
from tests.assertions import assert_sent_to_login
from tests.factories import PersonFactory
from tests.lms.factories_programme import make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def yjp_cohort(programme, district):
    return make_cohort(programme["tier"], district["yjp"], name="杨家坪培养班")


def test_organiser_lists_only_cohorts_in_scope(client, cohort, yjp_cohort, organiser):
    client.force_login(organiser)
    body = client.get("/admin/lms/cohorts/").content.decode()
    assert cohort.name in body and yjp_cohort.name not in body
    for path in ("progress", "exams", "members"):
        assert client.get(f"/admin/lms/cohorts/{yjp_cohort.pk}/{path}/").status_code == 404
    assert client.get(f"/admin/lms/cohorts/edit/{yjp_cohort.pk}/").status_code == 404


def test_learners_and_mentors_have_no_admin(client, cohort, learner_user, mentor_user):
    for user in (learner_user, mentor_user):
        client.force_login(user)
        response = client.get(f"/admin/lms/cohorts/{cohort.pk}/progress/")
        assert_sent_to_login(response, "/admin/login/")


def test_progress_export(client, cohort, organiser, learner):
    client.force_login(organiser)
    response = client.get(f"/admin/lms/cohorts/{cohort.pk}/progress/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("工号", "姓名", "所在单位", "当前阶段")
    mine = next(r for r in rows if r[1] == learner.name)
    assert mine[3] == "理论培训" and "课程1" in mine[-1]


def test_add_members_by_unit_enrols_them(cohort, organiser, district, programme):
    newcomer = PersonFactory(unit=district["panlong"], name="新同事")
    added = add_members_by_unit(actor=organiser, cohort=cohort, unit=district["panlong"])
    assert added == 1
    assert CohortMembership.objects.filter(cohort=cohort, person=newcomer).exists()
    assert Enrollment.objects.filter(person=newcomer).count() == len(programme["courses"])


def test_organiser_cannot_add_people_or_run_cohorts_outside_scope(
    cohort, yjp_cohort, organiser, people
):
    with pytest.raises(PermissionDenied):
        add_members(actor=organiser, cohort=cohort, people=[people["xijiao"]])
    with pytest.raises(PermissionDenied):
        add_members(actor=organiser, cohort=yjp_cohort, people=[people["panlong"]])
    with pytest.raises(PermissionDenied):
        save_cohort(actor=organiser, cohort=yjp_cohort)
    assert not CohortMembership.objects.filter(person=people["xijiao"]).exists()


def test_add_members_page_by_staff_number(client, cohort, organiser, district):
    person = PersonFactory(unit=district["longquan"], staff_no="JL9001")
    client.force_login(organiser)
    url = f"/admin/lms/cohorts/{cohort.pk}/members/"
    response = client.post(url, {"staff_numbers": "JL9001，NOPE"})
    assert "找不到这些工号" in response.content.decode()
    response = client.post(url, {"staff_numbers": "JL9001"})
    assert response.status_code == 302
    assert CohortMembership.objects.filter(cohort=cohort, person=person).exists()


def test_organiser_creates_a_cohort_in_scope_only(client, programme, organiser, district):
    client.force_login(organiser)
    data = {
        "name": "新班",
        "kind": "regular",
        "tier": programme["tier"].pk,
        "starts_on": "2026-09-01",
        "ends_on": "2027-01-31",
    }
    response = client.post("/admin/lms/cohorts/new/", data | {"unit": district["yjp"].pk})
    assert response.status_code == 200  # the unit is not a valid choice
    assert not Cohort.objects.filter(name="新班").exists()
    response = client.post("/admin/lms/cohorts/new/", data | {"unit": district["jl"].pk})
    assert response.status_code == 302
    assert Cohort.objects.get(name="新班").unit == district["jl"]


def test_cohort_dates_are_checked(client, programme, organiser, district):
    client.force_login(organiser)
    response = client.post(
        "/admin/lms/cohorts/new/",
        {
            "name": "倒序班",
            "kind": "regular",
            "tier": programme["tier"].pk,
            "unit": district["jl"].pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-01-31",
        },
    )
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="倒序班").exists()


def test_question_form_checks_options_and_answer(client, district_organiser):
    client.force_login(district_organiser)
    data = {
        "level": "assistant",
        "subject": "law",
        "topic": "社会救助",
        "kind": "single",
        "stem": "低保标准由谁确定？",
        "options_text": "国务院\n省级或设区的市级人民政府\n居委会",
        "answer": "BC",
        "explanation": "",
        "is_active": "on",
    }
    response = client.post("/admin/lms/questions/new/", data)
    assert response.status_code == 200 and not Question.objects.exists()
    response = client.post("/admin/lms/questions/new/", data | {"answer": "b"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.answer == "B" and question.options[1] == "省级或设区的市级人民政府"


def test_cohort_exam_report(client, cohort, organiser):
    client.force_login(organiser)
    response = client.get(f"/admin/lms/cohorts/{cohort.pk}/exams/")
    assert response.status_code == 200
    assert client.get(f"/admin/lms/cohorts/{cohort.pk}/exams/?export=xlsx").status_code == 200
