"""The Wagtail admin obeys scope on every list, object view and export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from talent.models import Person, Role
from tests.assertions import assert_admin_refused, assert_sent_to_login
from tests.factories import PersonFactory

PERSON_OBJECT_VIEWS = ["edit", "delete", "history", "inspect"]


@pytest.fixture
def hr_client(client, jl_hr):
    client.force_login(jl_hr)
    return client


@pytest.mark.django_db
def test_person_list_shows_only_the_subtree(hr_client, people):
    response = hr_client.get(reverse("talent_person:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张盘龙" in body and "李龙泉" in body
    assert "王西郊" not in body and "赵西大" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("view", PERSON_OBJECT_VIEWS)
def test_typed_url_to_a_person_outside_the_subtree_is_404(hr_client, people, view):
    url = reverse(f"talent_person:{view}", args=[people["xijiao"].pk])
    assert hr_client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("view", PERSON_OBJECT_VIEWS)
def test_person_inside_the_subtree_opens(hr_client, people, view):
    if view == "delete":
        pytest.skip("HR holds no delete permission; covered below")
    url = reverse(f"talent_person:{view}", args=[people["panlong"].pk])
    assert hr_client.get(url).status_code == 200


@pytest.mark.django_db
def test_hr_without_delete_permission_gets_403(hr_client, people):
    url = reverse("talent_person:delete", args=[people["panlong"].pk])
    assert_admin_refused(hr_client.get(url))
    assert_admin_refused(hr_client.post(url))
    assert Person.objects.filter(pk=people["panlong"].pk).exists()


@pytest.mark.django_db
def test_posting_an_edit_to_an_outside_person_changes_nothing(hr_client, people):
    person = people["xijiao"]
    url = reverse("talent_person:edit", args=[person.pk])
    response = hr_client.post(
        url,
        {"staff_no": person.staff_no, "name": "改名", "kind": person.kind, "unit": person.unit_id},
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.name == "王西郊"


@pytest.mark.django_db
def test_edit_form_offers_only_units_in_scope(hr_client, people, district):
    response = hr_client.get(reverse("talent_person:edit", args=[people["panlong"].pk]))
    units = response.context["form"].fields["unit"].queryset
    assert set(units.values_list("name", flat=True)) == {"九龙街道", "盘龙社区", "龙泉社区"}


@pytest.mark.django_db
def test_edit_through_admin_writes_audit_with_before_and_after(hr_client, people):
    person = people["panlong"]
    url = reverse("talent_person:edit", args=[person.pk])
    response = hr_client.post(
        url,
        {
            "staff_no": person.staff_no,
            "name": "张盘龙",
            "kind": person.kind,
            "unit": person.unit_id,
            "phone": "13911112222",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = ModelLogEntry.objects.get(action="talent.person.edit")
    assert entry.data["after"] == {"phone": "13911112222"}
    history = hr_client.get(reverse("talent_person:history", args=[person.pk]))
    assert "修改人员" in history.content.decode()


@pytest.mark.django_db
def test_national_id_is_never_echoed_and_blank_keeps_it(hr_client, people):
    person = people["panlong"]
    person.national_id = "500107199001011234"
    person.save()
    url = reverse("talent_person:edit", args=[person.pk])
    page = hr_client.get(url).content.decode()
    assert "500107199001011234" not in page
    assert "500*************34" in page
    hr_client.post(
        url,
        {
            "staff_no": person.staff_no,
            "name": person.name,
            "kind": person.kind,
            "unit": person.unit_id,
            "is_active": "on",
            "new_national_id": "",
        },
    )
    person.refresh_from_db()
    assert person.national_id == "500107199001011234"


@pytest.mark.django_db
def test_export_contains_only_scope_without_national_id_and_defuses_formulas(hr_client, district):
    PersonFactory(
        unit=district["panlong"], name='=HYPERLINK("http://x")', national_id="500107199001011234"
    )
    PersonFactory(unit=district["xijiao"], name="外部人员")
    response = hr_client.get(reverse("talent_person:index") + "?export=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.values)
    assert "工号" in rows[0] and "身份证号" not in rows[0]
    names = [r[1] for r in rows[1:]]
    assert names == ['=HYPERLINK("http://x")']
    assert rows[1][2] == "社区工作者" and rows[1][8] == "是"  # labels, not stored codes
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"  # stored as text, never as a formula
    assert sheet.freeze_panes == "A2"
    assert "500107199001011234" not in str(rows)


@pytest.mark.django_db
def test_csv_export_prefixes_formula_like_values(hr_client, district):
    PersonFactory(unit=district["panlong"], name="@SUM(1)")
    response = hr_client.get(reverse("talent_person:index") + "?export=csv")
    assert "'@SUM(1)" in b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, people):
    response = client.get(reverse("talent_person:index"))
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEARNER, Role.MENTOR, Role.PARTNER])
def test_non_admin_roles_cannot_open_the_admin(client, district, people, user_with_role, role):
    unit = district["swu"] if role == Role.PARTNER else district["jl"]
    client.force_login(user_with_role(role, unit))
    response = client.get(reverse("talent_person:index"))
    assert_sent_to_login(response, "/admin/login/")
    assert "张盘龙" not in response.content.decode()


@pytest.mark.django_db
def test_hr_cannot_create_org_units_or_grant_roles(hr_client):
    assert_admin_refused(hr_client.get(reverse("talent_orgunit:add")))
    assert_admin_refused(hr_client.get(reverse("talent_scopegrant:index")))
    assert_admin_refused(
        hr_client.post(
            reverse("talent_orgunit:add"), {"name": "x", "code": "x", "kind": "community"}
        )
    )


@pytest.mark.django_db
def test_org_unit_list_is_scoped(hr_client, district):
    body = hr_client.get(reverse("talent_orgunit:index")).content.decode()
    assert "盘龙社区" in body and "西郊社区" not in body


@pytest.mark.django_db
def test_admin_of_one_subdistrict_cannot_open_or_move_units_of_another(
    client, district, user_with_role
):
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["yjp"]))
    other = district["panlong"]
    assert client.get(reverse("talent_orgunit:edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("talent_orgunit:history", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("talent_orgunit:edit", args=[other.pk]),
        {"name": "x", "code": other.code, "kind": "community", "parent": district["yjp"].pk},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "盘龙社区" and other.get_parent() == district["jl"]
    own = client.get(reverse("talent_orgunit:edit", args=[district["xijiao"].pk]))
    assert own.status_code == 200


@pytest.mark.django_db
def test_district_admin_creates_a_community_through_the_admin(client, district, user_with_role):
    admin = user_with_role(Role.DISTRICT_ADMIN, district["district"])
    client.force_login(admin)
    response = client.post(
        reverse("talent_orgunit:add"),
        {
            "name": "新社区",
            "code": "jl-new",
            "kind": "community",
            "parent": district["jl"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    from talent.models import OrgUnit

    unit = OrgUnit.objects.get(code="jl-new")
    assert unit.get_parent() == district["jl"]
    assert ModelLogEntry.objects.filter(
        action="talent.orgunit.create", object_id=str(unit.pk)
    ).exists()


@pytest.mark.django_db
def test_person_list_query_count_does_not_grow(hr_client, district, django_assert_max_num_queries):
    PersonFactory.create_batch(5, unit=district["panlong"])
    with django_assert_max_num_queries(40) as small:
        hr_client.get(reverse("talent_person:index"))
    PersonFactory.create_batch(45, unit=district["longquan"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        hr_client.get(reverse("talent_person:index"))


@pytest.mark.django_db
def test_site_history_is_closed_to_scoped_staff_but_object_history_is_scoped(
    hr_client, people, jl_hr
):
    from talent.services.people import save_person

    outsider = Person.objects.get(pk=people["xijiao"].pk)
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True)
    outsider.phone = "13700000000"
    save_person(actor=root, person=outsider)
    assert hr_client.get("/admin/reports/site-history/").status_code == 403
    assert hr_client.get("/admin/reports/site-history/results/").status_code == 403
    dashboard = hr_client.get("/admin/").content.decode()
    assert "site-history" not in dashboard
    hr_client.force_login(root)
    assert "王西郊" in hr_client.get("/admin/reports/site-history/").content.decode()
