"""Site pages on the demo (loaded once for the module: tests/conftest.py)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_is_in_chinese_by_default(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "社工人才学院" in body and "登录" in body and "理论培训" in body


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client, demo):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body and "Log in" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/").content.decode()


@pytest.mark.django_db
def test_login_page_is_chinese_and_logs_in(client, demo):
    page = client.get(reverse("login"))
    assert "用户名" in page.content.decode()
    response = client.post(reverse("login"), {"username": "xueyuan", "password": "jiulong2026"})
    assert response.status_code == 302 and response["Location"] == reverse("me")
    me = client.get(reverse("me")).content.decode()
    assert "盘龙社区" in me and "学员" in me


@pytest.mark.django_db
def test_wrong_password_gets_a_chinese_message(client, demo):
    response = client.post(reverse("login"), {"username": "xueyuan", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_post_only_and_works(client, demo):
    client.post(reverse("login"), {"username": "xueyuan", "password": "jiulong2026"})
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("me")).status_code == 302


@pytest.mark.django_db
def test_news_and_standard_pages_render(client, demo):
    assert "新闻动态" in client.get("/news/").content.decode()
    assert "分层培养" in client.get("/about/").content.decode()


@pytest.mark.django_db
def test_notifications_page_lists_only_mine_and_marks_read(client, demo):
    from django.contrib.auth import get_user_model

    from talent.services.notifications import notify

    User = get_user_model()
    notify(recipient=User.objects.get(username="xueyuan"), title="我的通知")
    notify(recipient=User.objects.get(username="daoshi"), title="别人的通知")
    client.post(reverse("login"), {"username": "xueyuan", "password": "jiulong2026"})
    body = client.get(reverse("notifications")).content.decode()
    assert "我的通知" in body and "别人的通知" not in body
    client.post(reverse("notifications_read"))
    assert "全部标为已读" not in client.get(reverse("notifications")).content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_switch_is_used(client, demo):
    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert "用户名" in client.get(reverse("login"), **english).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Username" in client.get(reverse("login"), **english).content.decode()


@pytest.mark.django_db
def test_admin_dashboard_is_chinese_for_staff(client, demo):
    client.post(reverse("login"), {"username": "admin", "password": "jiulong2026"})
    page = client.get("/admin/").content.decode()
    assert "个页面" in page and "搜索全部页面" in page
    assert " Pages <span" not in page
