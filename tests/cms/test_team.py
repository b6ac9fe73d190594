"""我的团队: a community head (社区正职 of a 社区) sees their own team — certified,
registration due, behind on CE hours, programme stage — and nobody else has the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from talent.models import CEHourEntry, Post, RegistrationPeriod
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import certificate

TODAY = timezone.localdate()


def member(unit, name, *, hours=None, ends_in_days=900):
    person = PersonFactory(unit=unit, name=name)
    if hours is not None:
        cert = certificate(person, 1, obtained_on=TODAY - datetime.timedelta(days=800))
        RegistrationPeriod.objects.create(
            person=person,
            certificate=cert,
            starts_on=TODAY - datetime.timedelta(days=365),
            ends_on=TODAY + datetime.timedelta(days=ends_in_days),
            required_hours=72,
        )
        if hours:
            CEHourEntry.objects.create(
                person=person, hours=hours, source="course", source_ref="c1", earned_on=TODAY
            )
    return person


@pytest.fixture
def head(district):
    user = UserFactory(username="head_login")
    PersonFactory(
        unit=district["panlong"], name="盘龙书记", user=user, post=Post.objects.get(code="head")
    )
    return user


def test_a_head_sees_their_community_with_what_needs_attention(client, district, head):
    member(district["panlong"], "持证达标", hours=40)
    member(district["panlong"], "学时落后", hours=1)
    member(district["panlong"], "登记将到期", hours=60, ends_in_days=30)
    member(district["panlong"], "未持证者")
    member(district["longquan"], "别的社区")
    client.force_login(head)
    response = client.get(reverse("my_team"))
    assert response.status_code == 200
    members = {m.person.name: m for m in response.context["members"]}
    assert "别的社区" not in members
    assert members["学时落后"].behind and not members["持证达标"].behind
    assert members["登记将到期"].due_soon and not members["持证达标"].due_soon
    assert members["未持证者"].level is None and members["持证达标"].level == 1
    attention = {m.person.name for m in response.context["attention"]}
    assert attention == {"学时落后", "登记将到期"}
    text = response.content.decode()
    assert "需要关注" in text and "未持证" in text


def test_nobody_but_a_head_has_the_page(client, district):
    deputy = UserFactory(username="deputy_login")
    PersonFactory(unit=district["panlong"], user=deputy, post=Post.objects.get(code="deputy"))
    client.force_login(deputy)
    assert client.get(reverse("my_team")).status_code == 404
    # a 正职 whose unit is not a 社区 (a subdistrict office) has no team page either
    office = UserFactory(username="office_login")
    PersonFactory(unit=district["jl"], user=office, post=Post.objects.get(code="head"))
    client.force_login(office)
    assert client.get(reverse("my_team")).status_code == 404


def test_the_page_costs_the_same_for_a_bigger_team(client, district, head):
    for i in range(2):
        member(district["panlong"], f"成员{i}", hours=i)
    client.force_login(head)
    client.get(reverse("my_team"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("my_team"))
    for i in range(2, 20):
        member(district["panlong"], f"成员{i}", hours=i % 3)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("my_team"))
    assert len(large.captured_queries) == len(small.captured_queries)
