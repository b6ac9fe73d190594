import datetime

import pytest
from django.urls import reverse

from talent.models import Placement, RotationPlan
from tests.factories import PersonFactory, make_unit

pytestmark = pytest.mark.django_db


def test_organiser_plans_a_rotation_in_one_step(client, bases, district):
    centre = make_unit("九龙社工中心", parent=district["jl"], kind="centre")
    cohort = [PersonFactory(unit=district["panlong"]) for _ in range(3)]
    client.force_login(bases["coordinator"])
    url = reverse("talent_rotationplan:add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "轮岗实训第三期",
            "start": "2026-03-02",
            "weekly_hours": "20",
            "people": [p.pk for p in cohort],
            "stage1_unit": district["longquan"].pk,
            "stage1_weeks": "4",
            "stage2_unit": centre.pk,
            "stage2_weeks": "2",
        },
    )
    assert response.status_code == 302
    plan = RotationPlan.objects.get()
    assert Placement.objects.filter(rotation_plan=plan).count() == 6
    index = client.get(reverse("talent_rotationplan:index")).content.decode()
    assert "轮岗实训第三期" in index


def test_units_outside_scope_are_not_offered(client, bases, district):
    client.force_login(bases["coordinator"])
    response = client.post(
        reverse("talent_rotationplan:add"),
        {
            "name": "越权",
            "start": "2026-03-02",
            "weekly_hours": "20",
            "people": [PersonFactory(unit=district["panlong"]).pk],
            "stage1_unit": district["xijiao"].pk,
            "stage1_weeks": "4",
        },
    )
    assert response.status_code == 200
    assert not RotationPlan.objects.exists()


def test_a_clash_is_reported_on_the_form(client, bases, district):
    from talent.services import placements as svc

    person = PersonFactory(unit=district["panlong"])
    svc.create_rotation_plan(
        actor=bases["coordinator"],
        name="已有",
        start=datetime.date(2026, 3, 2),
        weekly_hours=20,
        people=[person],
        stages=[(district["panlong"], 4)],
    )
    client.force_login(bases["coordinator"])
    response = client.post(
        reverse("talent_rotationplan:add"),
        {
            "name": "冲突",
            "start": "2026-03-09",
            "weekly_hours": "20",
            "people": [person.pk],
            "stage1_unit": district["longquan"].pk,
            "stage1_weeks": "2",
        },
    )
    assert response.status_code == 200
    assert "时间不能重叠" in response.content.decode()
    assert RotationPlan.objects.count() == 1
