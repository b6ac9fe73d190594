"""Every admin write is checked against the actor's scope on the object as it was
and as it will be (issue 13, finding 2): salons, roadshow slots, mentorships and
the shared catalogues."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lms.models import Mentorship, Question, RoadshowSlot, Salon, SalonTheme
from talent.selectors.access import ScopeRule
from talent.services.access import save_in_scope
from tests.assertions import assert_admin_refused
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import SalonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(db):
    return SalonTheme.objects.get_or_create(name="方案制定")[0]


@pytest.fixture
def jl_salon(centre, theme):
    return SalonFactory(centre=centre["centre"], theme=theme, title="九龙沙龙")


def salon_form(centre_unit, theme, **extra):
    start = datetime.datetime(2031, 3, 20, 14, 30)
    return {
        "centre": centre_unit.pk,
        "cycle": "2031-03",
        "title": "杨家坪沙龙",
        "theme": theme.pk,
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "venue": "会议室",
        "ce_hours": "3",
        **extra,
    }


def test_organiser_cannot_create_a_salon_at_another_subdistricts_centre(
    client, yjp_organiser, centre, theme
):
    client.force_login(yjp_organiser)
    response = client.post(reverse("lms_salon:add"), salon_form(centre["centre"], theme))
    assert response.status_code == 200
    assert "centre" in response.context["form"].errors
    assert not Salon.objects.exists()


def test_organiser_creates_a_salon_in_scope(client, organiser, centre, theme):
    client.force_login(organiser)
    response = client.post(reverse("lms_salon:add"), salon_form(centre["centre"], theme))
    assert response.status_code == 302, response.context["form"].errors
    assert Salon.objects.get().centre == centre["centre"]


def test_organiser_cannot_move_a_salon_out_of_scope(client, organiser, jl_salon, district, theme):
    client.force_login(organiser)
    response = client.post(
        reverse("lms_salon:edit", args=[jl_salon.pk]),
        salon_form(district["xijiao"], theme, title="搬走"),
    )
    assert response.status_code == 200
    jl_salon.refresh_from_db()
    assert jl_salon.centre.name == "九龙社工中心" and jl_salon.title == "九龙沙龙"


def test_organiser_cannot_add_a_roadshow_slot_to_another_subdistricts_salon(
    client, yjp_organiser, jl_salon, district
):
    client.force_login(yjp_organiser)
    studio = PersonFactory(unit=district["xijiao"], name="杨家坪路演人")
    response = client.post(
        reverse("lms_roadshowslot:add"),
        {"salon": jl_salon.pk, "order": 1, "presenter": studio.pk, "title": "偷偷路演"},
    )
    assert response.status_code == 200
    assert not RoadshowSlot.objects.exists()


def test_salon_judges_must_be_people_in_scope(client, organiser, jl_salon, district, theme):
    outsider = PersonFactory(unit=district["xijiao"], user=UserFactory())
    client.force_login(organiser)
    response = client.post(
        reverse("lms_salon:edit", args=[jl_salon.pk]),
        salon_form(jl_salon.centre, theme, cycle=jl_salon.cycle, judges=[outsider.user_id]),
    )
    assert response.status_code == 200
    assert "judges" in response.context["form"].errors
    assert not jl_salon.judges.exists()


def test_hr_cannot_pair_a_mentee_with_a_mentor_outside_scope(client, jl_hr, district):
    mentee = PersonFactory(unit=district["panlong"], name="被帮带人")
    mentor = PersonFactory(unit=district["xijiao"], name="外区导师", kind="social_worker")
    client.force_login(jl_hr)
    response = client.post(
        reverse("lms_mentorship:add"),
        {"mentor": mentor.pk, "mentee": mentee.pk, "started_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "mentor" in response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_the_service_refuses_a_write_that_leaves_scope_and_rolls_it_back(
    organiser, jl_salon, district
):
    """The check after the write holds even when no form stands in front of it."""
    rule = ScopeRule(read="centre", write=("centre",))

    def move():
        Salon.objects.filter(pk=jl_salon.pk).update(centre=district["xijiao"])
        return jl_salon

    with pytest.raises(PermissionDenied):
        save_in_scope(actor=organiser, rule=rule, instance=jl_salon, write=move)
    jl_salon.refresh_from_db()
    assert jl_salon.centre.name == "九龙社工中心"


QUESTION = {
    "level": "assistant",
    "subject": "law",
    "topic": "社会救助",
    "kind": "single",
    "stem": "低保标准由谁确定？",
    "options_text": "国务院\n省级或设区的市级人民政府",
    "answer": "B",
    "is_active": "on",
}


def test_the_question_bank_is_changed_only_by_those_holding_the_whole_district(
    client, organiser, district_organiser
):
    client.force_login(organiser)
    assert_admin_refused(client.post(reverse("lms_question:add"), QUESTION))
    assert not Question.objects.exists()
    listing = client.get(reverse("lms_question:index"))
    assert listing.status_code == 200  # organisers still use the bank
    assert reverse("lms_question:add") not in listing.content.decode()

    client.force_login(district_organiser)
    assert client.post(reverse("lms_question:add"), QUESTION).status_code == 302
    question = Question.objects.get()

    client.force_login(organiser)
    edit = reverse("lms_question:edit", args=[question.pk])
    assert_admin_refused(client.post(edit, QUESTION | {"stem": "改题"}))
    assert_admin_refused(client.post(reverse("lms_question:delete", args=[question.pk])))
    question.refresh_from_db()
    assert question.stem == "低保标准由谁确定？"


def test_programmes_are_shared_catalogues(client, organiser, district_organiser):
    client.force_login(organiser)
    assert_admin_refused(client.post(reverse("lms_programme:add"), {"name": "偷建计划"}))
    client.force_login(district_organiser)
    assert client.post(reverse("lms_programme:add"), {"name": "全区计划"}).status_code == 302


def test_question_import_is_for_the_whole_district_only(client, organiser):
    client.force_login(organiser)
    assert_admin_refused(client.get(reverse("lms_question_import")))
