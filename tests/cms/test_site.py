import pytest
from django.urls import reverse

from talent.models import Role


@pytest.mark.django_db
def test_me_requires_login(client):
    response = client.get(reverse("me"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"ok": True}


# Partner portal ---------------------------------------------------------------


@pytest.mark.django_db
def test_partner_sees_only_own_university_students(client, district, people, user_with_role):
    client.force_login(user_with_role(Role.PARTNER, district["swu"]))
    body = client.get(reverse("partner_home")).content.decode()
    assert "赵西大" in body
    assert "钱城管" not in body and "张盘龙" not in body
    own = client.get(reverse("partner_student", args=[people["swu_student"].pk]))
    assert own.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("other", ["cqcm_student", "panlong"])
def test_partner_typed_url_to_other_students_is_404(
    client, district, people, user_with_role, other
):
    client.force_login(user_with_role(Role.PARTNER, district["swu"]))
    assert client.get(reverse("partner_student", args=[people[other].pk])).status_code == 404


@pytest.mark.django_db
def test_partner_cannot_open_the_admin(client, district, people, user_with_role):
    client.force_login(user_with_role(Role.PARTNER, district["swu"]))
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.HR, Role.LEARNER])
def test_non_partners_get_403_on_the_portal(client, district, user_with_role, role):
    client.force_login(user_with_role(role, district["jl"]))
    assert client.get(reverse("partner_home")).status_code == 403


@pytest.mark.django_db
def test_anonymous_portal_visit_goes_to_login(client):
    response = client.get(reverse("partner_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
