"""District-wide settings and practice-base capacity through the admin (issue 13,
finding 2): a write is checked against the actor's scope before and after, and
shared settings belong to those who hold the whole district."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.permissions import policy_registry

from talent.models import (
    CEHourEntry,
    Grade,
    GradeChange,
    PlacementStatus,
    PromotionPolicy,
    PromotionReview,
    RegistrationPeriod,
    Role,
    RotationPlan,
)
from tests.assertions import assert_admin_refused
from tests.factories import PersonFactory, UserFactory

from .factories_hr import place
from .factories_placements import PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grade(db):
    return Grade.objects.get(number=5)


def grade_form(grade, coefficient):
    return {"number": grade.number, "name": grade.name, "pay_coefficient": coefficient}


def test_a_subdistrict_admin_cannot_change_pay_coefficients(
    client, district, user_with_role, grade
):
    before = grade.pay_coefficient
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["yjp"]))
    url = reverse("talent_grade:edit", args=[grade.pk])
    assert_admin_refused(client.post(url, grade_form(grade, "9.99")))
    grade.refresh_from_db()
    assert grade.pay_coefficient == before
    listing = client.get(reverse("talent_grade:index"))
    assert listing.status_code == 200 and url not in listing.content.decode()


def test_the_district_admin_changes_pay_coefficients_with_an_audit_entry(
    client, district, user_with_role, grade
):
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["district"]))
    url = reverse("talent_grade:edit", args=[grade.pk])
    response = client.post(url, grade_form(grade, "2.50"))
    assert response.status_code == 302, response.context["form"].errors
    grade.refresh_from_db()
    assert grade.pay_coefficient == Decimal("2.50")
    history = client.get(reverse("talent_grade:history", args=[grade.pk])).content.decode()
    assert "修改" in history


def test_a_subdistrict_admin_cannot_change_the_promotion_policy(client, district, user_with_role):
    policy = PromotionPolicy.load()
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["yjp"]))
    url = reverse("wagtailsettings:edit", args=["talent", "promotionpolicy", policy.pk])
    assert_admin_refused(client.get(url))


def test_base_capacity_cannot_drop_below_places_taken(client, bases, students):
    base = bases["panlong"]
    for student in students[:2]:
        PlacementFactory(
            base=base, person=student, term="2026-spring", status=PlacementStatus.APPROVED
        )
    client.force_login(bases["coordinator"])
    url = reverse("talent_practicebase:edit", args=[base.pk])
    data = {
        "name": base.name,
        "university": base.university_id,
        "host_unit": base.host_unit_id,
        "agreement_start": base.agreement_start.isoformat(),
        "agreement_end": base.agreement_end.isoformat(),
        "is_active": "on",
    }
    response = client.post(url, data | {"capacity_per_term": 1})
    assert response.status_code == 200
    assert "2" in str(response.context["form"].errors), response.context["form"].errors
    base.refresh_from_db()
    assert base.capacity_per_term == 2
    assert client.post(url, data | {"capacity_per_term": 3}).status_code == 302
    base.refresh_from_db()
    assert base.capacity_per_term == 3


def test_a_coordinator_cannot_move_a_base_to_another_subdistrict(client, bases, district):
    base = bases["panlong"]
    client.force_login(bases["coordinator"])
    response = client.post(
        reverse("talent_practicebase:edit", args=[base.pk]),
        {
            "name": base.name,
            "university": base.university_id,
            "host_unit": district["xijiao"].pk,
            "agreement_start": base.agreement_start.isoformat(),
            "agreement_end": base.agreement_end.isoformat(),
            "capacity_per_term": 2,
        },
    )
    assert response.status_code == 200
    base.refresh_from_db()
    assert base.host_unit == district["panlong"]


@pytest.mark.parametrize(
    ("model", "refused"),
    [
        (GradeChange, {"change", "delete"}),
        (PromotionReview, {"change", "delete"}),
        (CEHourEntry, {"change", "delete"}),
        (RotationPlan, {"change", "delete"}),
        (RegistrationPeriod, {"add", "change", "delete"}),
    ],
)
def test_records_only_services_change_offer_no_edit_and_stay_scoped(model, refused, district):
    """A history, a ledger, a plan or a computed record changes through its services:
    the admin offers nobody, a superuser included, its edit or delete, so no link ends
    in a refusal (issue 17); the policy is still the scoped one (next test)."""
    reverse("talent_gradechange:index")  # the admin's viewsets are registered
    policy = policy_registry.get_by_type(model)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for action in ("add", "change", "delete"):
        assert policy.user_has_permission(superuser, action) is (action not in refused)
    assert policy.user_has_permission(superuser, "view")


def test_an_hr_officer_sees_per_object_only_grade_changes_in_scope(district, user_with_role):
    """The policy Wagtail asks about each row (history, usage, buttons) is the scoped
    one, also for records only services change (issue 13)."""
    change = place(PersonFactory(unit=district["panlong"]), 3)
    policy = policy_registry.get_by_type(GradeChange)
    inside = user_with_role(Role.HR, district["jl"])
    outside = user_with_role(Role.HR, district["yjp"])
    assert policy.user_has_permission_for_instance(inside, "view", change)
    assert not policy.user_has_permission_for_instance(outside, "view", change)
    assert not policy.user_has_permission_for_instance(inside, "change", change)
