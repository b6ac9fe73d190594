"""People appear by name, never by login: the one rule (``talent.api.display_name``),
the account names Wagtail's chrome reads, and the admin's lists, record pages and
exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from talent.api import display_name
from talent.models import CEHourEntry, GradeChange, Person, Role
from talent.services.people import save_person, sync_account_names
from talent.viewsets.choosers import label_of
from tests.assertions import main_text
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import place


@pytest.fixture
def signer(district):
    user = UserFactory(username="zhangsan_login")
    PersonFactory(unit=district["panlong"], name="张三", user=user)
    return user


def test_person_name_and_unit_never_the_login(signer):
    fresh = type(signer).objects.get(pk=signer.pk)
    assert display_name(fresh) == "张三"
    assert display_name(fresh, with_unit=True) == "张三（盘龙社区）"


def test_account_without_person_shows_its_full_name_or_says_unnamed(db):
    named = UserFactory(username="zhou_login", first_name="周敏")
    bare = UserFactory(username="bare_login")
    assert display_name(named) == "周敏"
    assert display_name(bare) == "未具名账号"
    assert "bare_login" not in display_name(bare)


def test_template_filter_uses_the_same_rule(signer):
    html = Template('{% load people %}{{ u|person_name }}|{{ u|person_name:"unit" }}').render(
        Context({"u": signer})
    )
    assert html == "张三|张三（盘龙社区）"


def test_account_choosers_name_accounts_by_the_same_rule(signer, db):
    """The scoped account chooser (issue 13) labels an account as every screen does
    (issue 17): 姓名（单位）, else the full name, else 未具名账号 — never the login."""
    bare = UserFactory(username="bare_login")
    for user in (type(signer).objects.get(pk=signer.pk), bare):
        assert label_of(user) == display_name(user, with_unit=True)
    assert label_of(signer) == "张三（盘龙社区）"
    assert label_of(bare) == "未具名账号"


def test_linked_account_carries_the_person_name_after_a_rename(signer, jl_hr):
    sync_account_names()
    signer.refresh_from_db()
    assert signer.get_full_name() == "张三"
    person = Person.objects.get(user=signer)
    person.name = "张三丰"
    save_person(actor=jl_hr, person=person)
    signer.refresh_from_db()
    assert signer.get_full_name() == "张三丰"
    assert sync_account_names() == 0  # nothing left to do


def test_sync_leaves_accounts_without_person_alone(db):
    user = UserFactory(first_name="周敏")
    sync_account_names()
    user.refresh_from_db()
    assert user.first_name == "周敏"


def _grade_changes(district, jl_hr, signer, count):
    for _ in range(count):
        change = place(PersonFactory(unit=district["longquan"]), 2)
        GradeChange.objects.filter(pk=change.pk).update(approved_by=signer)


def test_grade_change_list_names_the_approver_at_a_constant_query_count(
    client, district, jl_hr, signer
):
    client.force_login(jl_hr)
    _grade_changes(district, jl_hr, signer, 2)
    url = reverse("talent_gradechange:index")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    html = response.content.decode()
    assert "张三" in html and "zhangsan_login" not in html
    _grade_changes(district, jl_hr, signer, 20)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_record_page_shows_local_time_the_person_and_no_none(client, district, jl_hr, signer):
    person = PersonFactory(unit=district["panlong"])
    entry = CEHourEntry.objects.create(
        person=person,
        hours=Decimal("1.0"),
        source="salon",
        source_ref="demo:333:1",
        earned_on=datetime.date(2026, 3, 1),
        recorded_by=None,
    )
    # 2026-03-01 01:30 UTC is 09:30 in Shanghai
    CEHourEntry.objects.filter(pk=entry.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
    )
    client.force_login(jl_hr)
    html = main_text(client.get(reverse("talent_cehours:inspect", args=[entry.pk])))
    assert "2026-03-01 09:30" in html
    assert "None" not in html
    assert "demo:333:1" not in html
    assert "1.0h" not in html and "1 学时" in html


def test_exports_name_people_and_use_local_time(client, district, jl_hr, signer):
    change = place(PersonFactory(unit=district["panlong"]), 3)
    GradeChange.objects.filter(pk=change.pk).update(
        approved_by=signer, created_at=datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
    )
    client.force_login(jl_hr)
    response = client.get(reverse("talent_gradechange:index") + "?export=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "张三" in values and "zhangsan_login" not in values
    csv = b"".join(
        client.get(reverse("talent_gradechange:index") + "?export=csv").streaming_content
    ).decode("utf-8-sig")
    assert "张三" in csv and "zhangsan_login" not in csv
    assert "+00:00" not in csv


def test_grants_list_names_people(client, district, user_with_role, signer):
    admin = user_with_role(Role.DISTRICT_ADMIN, district["district"], "quji_t")
    user_with_role(Role.MENTOR, district["panlong"], "zhangsan_login")
    client.force_login(admin)
    html = client.get(reverse("talent_scopegrant:index")).content.decode()
    assert "张三" in html and "zhangsan_login" not in html
    assert timezone.now()  # the list renders for a district admin
