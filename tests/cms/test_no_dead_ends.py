"""Every link a screen offers leads somewhere useful (issue 17): no 学习 tab into a 404,
no "has no person record" for a partner, no edit link into 没有权限, a rotation plan its
organiser can open, a placement row that opens, the right word for withdrawing."""

import datetime

import pytest
from django.urls import reverse

from talent.models import GradeChange, Role, RotationPlan
from talent.services import placements as svc
from tests.assertions import main_text
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import place

pytestmark = pytest.mark.django_db
AUTUMN = (datetime.date(2026, 9, 7), datetime.date(2026, 12, 25))


def test_a_partner_has_no_learning_tab_and_a_me_page_about_their_role(client, bases):
    client.force_login(bases["swu_partner"])
    html = client.get(reverse("me")).content.decode()
    assert "尚未关联人员档案" not in html
    assert "高校合作方 · 西南大学" in html
    assert reverse("lms:dashboard") not in html  # no 学习 tab
    assert reverse("partner_home") in html
    response = client.get(reverse("lms:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("me")


def test_a_learner_still_has_the_learning_tab(client, district):
    user = UserFactory()
    PersonFactory(unit=district["panlong"], user=user)
    client.force_login(user)
    assert reverse("lms:dashboard") in client.get(reverse("me")).content.decode()


def test_an_account_without_person_or_role_is_told_to_ask_hr(client, db):
    client.force_login(UserFactory())
    assert "尚未关联人员档案" in client.get(reverse("me")).content.decode()


def test_the_organiser_opens_the_rotation_plan_they_made(client, bases, district):
    people = [PersonFactory(unit=district["panlong"], name=f"轮岗学员{i}") for i in range(2)]
    plan = svc.create_rotation_plan(
        actor=bases["coordinator"],
        name="轮岗实训第三期",
        start=datetime.date(2026, 3, 2),
        weekly_hours=20,
        people=people,
        stages=[(district["longquan"], 4), (district["panlong"], 2)],
    )
    client.force_login(bases["coordinator"])
    index = client.get(reverse("talent_rotationplan:index")).content.decode()
    url = reverse("talent_rotationplan:inspect", args=[plan.pk])
    assert url in index
    assert reverse("talent_rotationplan:edit", args=[plan.pk]) not in index
    text = main_text(client.get(url))
    assert "轮岗学员0" in text and "龙泉社区" in text and "2026-03-30" in text
    placement = plan.placements.first()
    assert (
        reverse("talent_placement:decide", args=[placement.pk]) in client.get(url).content.decode()
    )
    # a coordinator of another subdistrict: the plan does not exist for them
    client.force_login(bases["yjp_coordinator"])
    assert client.get(url).status_code == 404
    assert RotationPlan.objects.count() == 1


def test_a_placement_row_opens_from_the_person(client, bases, students):
    placement = svc.propose_placement(
        actor=bases["swu_partner"],
        person=students[0],
        base=bases["panlong"],
        start=AUTUMN[0],
        end=AUTUMN[1],
        required_hours=120,
    )
    client.force_login(bases["coordinator"])
    html = client.get(reverse("talent_placement:index")).content.decode()
    decide = reverse("talent_placement:decide", args=[placement.pk])
    link = f'<a href="{decide}"'
    assert html.count(link) >= 2  # the person's name and the status both open it


def test_read_only_records_offer_no_edit_link_even_to_a_superuser(client, district):
    admin = UserFactory(is_superuser=True, is_staff=True)
    change = place(PersonFactory(unit=district["panlong"]), 3)
    client.force_login(admin)
    index = client.get(reverse("talent_gradechange:index")).content.decode()
    assert reverse("talent_gradechange:edit", args=[change.pk]) not in index
    inspect = client.get(reverse("talent_gradechange:inspect", args=[change.pk]))
    assert reverse("talent_gradechange:edit", args=[change.pk]) not in inspect.content.decode()
    assert GradeChange.objects.count() == 1


def test_withdrawing_after_approval_is_called_cancelling(client, bases, students):
    placement = svc.propose_placement(
        actor=bases["swu_partner"],
        person=students[0],
        base=bases["panlong"],
        start=AUTUMN[0],
        end=AUTUMN[1],
        required_hours=120,
    )
    client.force_login(bases["swu_partner"])
    url = reverse("partner_placement", args=[placement.pk])
    assert "撤回申请" in client.get(url).content.decode()
    svc.approve_placement(actor=bases["coordinator"], placement=placement)
    html = client.get(url).content.decode()
    assert "撤回申请" not in html and "取消实习安排" in html
    svc.start_placement(actor=bases["coordinator"], placement=placement)
    html = client.get(url).content.decode()
    assert "撤回申请" not in html and "取消实习安排" not in html


def test_district_admin_me_page_names_them_and_their_district(client, district, user_with_role):
    officer = user_with_role(Role.DISTRICT_ADMIN, district["district"], "quji_login")
    officer.first_name = "刘建国"
    officer.save()
    client.force_login(officer)
    html = client.get(reverse("me")).content.decode()
    assert "刘建国" in html and "区级管理员 · 九龙坡区" in html and "quji_login" not in html
