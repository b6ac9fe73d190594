"""Login that holds (issue 13, finding 5): lockout per account and per address
with a Chinese message on both login pages, password reset from the site login,
and a Content-Security-Policy on every surface whose pages carry no script the
policy would block."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from talent.models import Role
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory
LOCKED = "登录失败次数过多"


def attempt(client, username, password, *, url=None, ip="10.0.0.1"):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client):
    user = UserFactory(username="victim")
    for n in range(30):
        response = attempt(client, user.username, f"guess{n}", ip=f"10.1.{n}.1")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    response = attempt(client, user.username, PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_from_any_address(client):
    user = UserFactory(username="victim")
    for n in range(5):
        attempt(client, user.username, "wrong", ip=f"10.2.{n}.1")
    assert LOCKED in attempt(client, user.username, PASSWORD, ip="10.3.0.1").content.decode()


def test_failures_from_one_address_lock_that_address_for_every_account(client):
    for n in range(5):
        attempt(client, f"nobody{n}", "wrong", ip="10.4.0.1")
    other = UserFactory(username="bystander")
    assert LOCKED in attempt(client, other.username, PASSWORD, ip="10.4.0.1").content.decode()
    response = attempt(client, other.username, PASSWORD, ip="10.5.0.1")
    assert response.status_code == 302  # another address is not locked


def test_a_few_failures_then_success_resets_the_count(client):
    user = UserFactory(username="forgetful")
    for _ in range(3):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(3):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_the_admin_login_locks_out_in_chinese_too(client, district, user_with_role):
    user = user_with_role(Role.HR, district["jl"], "hr_locked")
    url = reverse("wagtailadmin_login")
    for _ in range(5):
        attempt(client, user.username, "wrong", url=url)
    response = attempt(client, user.username, PASSWORD, url=url)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_from_the_site_login_without_telling_who_exists(client):
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "忘记密码" in login_page
    user = UserFactory(username="resetter", email="resetter@example.org")

    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    known = client.post(reverse("password_reset"), {"email": user.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重设密码" in message.subject and "社工人才学院" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Jiulong-new-2026", "new_password2": "Jiulong-new-2026"},
        follow=True,
    )
    assert "新密码已保存" in done.content.decode()
    assert attempt(client, user.username, "Jiulong-new-2026").status_code == 302


def _scripts_obey_the_policy(response):
    """The response has a CSP header, and every inline script and style element
    in it carries the header's nonce; no element has an inline event handler."""
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    body = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", body):
        if "src=" in tag or 'type="application/json"' in tag or "text/template" in tag:
            continue
        assert nonce and f'nonce="{nonce.group(1)}"' in tag, (response.request["PATH_INFO"], tag)
    assert not re.search(r"\son(click|change|submit|load|input)=", body), response.request[
        "PATH_INFO"
    ]


def test_every_surface_sends_the_policy_and_pages_follow_it(
    client, district, user_with_role, jl_hr
):
    from tests.lms.factories_practice import CheckInSessionFactory

    organiser = user_with_role(Role.ORGANISER, district["jl"], "org_csp")
    session = CheckInSessionFactory(unit=district["jl"], owner=organiser)
    learner = UserFactory(username="csp_learner")
    PersonFactory(unit=district["panlong"], user=learner)
    partner = user_with_role(Role.PARTNER, district["swu"], "partner_csp")

    for path in ["/", reverse("login"), reverse("password_reset"), reverse("lms:checkin_code")]:
        _scripts_obey_the_policy(client.get(path))
    client.force_login(learner)
    for path in [reverse("me"), reverse("lms:dashboard"), reverse("lms:my_practice")]:
        _scripts_obey_the_policy(client.get(path))
    client.force_login(organiser)
    for path in [
        reverse("lms:session_detail", args=[session.pk]),
        reverse("lms:session_projector", args=[session.pk]),
        reverse("lms_salon:add"),
        reverse("lms_checkinsession:add"),
        "/admin/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        _scripts_obey_the_policy(response)
    client.force_login(jl_hr)
    for path in [reverse("talent_person:add"), reverse("talent_reports:certification")]:
        _scripts_obey_the_policy(client.get(path))
    client.force_login(partner)
    _scripts_obey_the_policy(client.get(reverse("partner_home")))


def test_behind_nginx_the_lockout_counts_the_address_nginx_saw(rf, settings):
    from cms.login import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.7.0.1", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "10.7.0.1"  # a value the client put further left is ignored
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
