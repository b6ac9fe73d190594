"""Issue 13 in the browser: scoped choosers in the admin (single and multiple),
the login lockout and password reset on a phone — all under the
Content-Security-Policy (the page guard fails a test on any refused script)."""

import re

import pytest
from playwright.sync_api import expect


def test_hr_picks_a_mentee_with_the_scoped_chooser(demo_site, desktop, phone, login, shoot):
    login(desktop, "renshi")
    desktop.goto(f"{demo_site.url}/admin/lms/mentorships/new/")
    # mentors are the few people holding the mentor role in scope: a select, by name
    mentors = desktop.locator("#id_mentor option").all_inner_texts()
    assert mentors[1:] and all(re.fullmatch(r"[^（]+（.+）", m) for m in mentors[1:]), mentors
    assert not any("西郊社区" in m for m in mentors)
    desktop.locator("#id_mentee-chooser .unchosen [data-chooser-action-choose]").click()
    modal = desktop.locator(".modal-content")
    expect(modal).to_contain_text("工号")
    expect(modal).not_to_contain_text("西郊社区")  # another subdistrict's people never appear
    modal.get_by_placeholder("姓名、工号或单位").fill("盘龙")
    expect(modal.locator("tbody tr").first).to_contain_text("盘龙社区")
    shoot(desktop, "access-person-chooser-desktop", full_page=False)
    first = modal.locator("tbody tr a[data-chooser-modal-choice]").first
    name = first.inner_text()
    first.click()
    title = desktop.locator("#id_mentee-chooser [data-chooser-title]")
    expect(title).to_contain_text(name)
    assert re.fullmatch(rf"{name}（.+）", title.inner_text().strip())  # 姓名（单位）, never a login

    login(phone, "renshi")
    phone.goto(f"{demo_site.url}/admin/lms/mentorships/new/")
    phone.locator("#id_mentee-chooser .unchosen [data-chooser-action-choose]").click()
    expect(phone.locator(".modal-content tbody tr").first).to_be_visible()
    phone.wait_for_timeout(400)  # the modal's fade-in
    shoot(phone, "access-person-chooser-phone", full_page=False)


def test_organiser_adds_salon_judges_with_the_multiple_chooser(demo_site, desktop, login, shoot):
    from lms.models import Salon

    salon = Salon.objects.order_by("-starts_at").first()
    login(desktop, "zuzhi")
    desktop.goto(f"{demo_site.url}/admin/lms/salons/edit/{salon.pk}/")
    judges = desktop.locator("[data-academy-multichooser]")
    before = judges.locator("li").count()
    judges.locator("[data-academy-add]").click()
    modal = desktop.locator(".modal-content")
    modal.get_by_placeholder("姓名、工号或单位").fill("社工中心")
    expect(modal.locator("tbody tr").first).to_contain_text("九龙社工中心")
    desktop.wait_for_timeout(500)  # the search answers after a short pause
    modal.locator("tbody input[type=checkbox]").first.check()
    modal.locator("[data-multiple-choice-submit]").click()
    expect(judges.locator("li")).to_have_count(before + 1)
    expect(modal).to_be_hidden()
    judges.scroll_into_view_if_needed()
    shoot(desktop, "access-judges-chooser-desktop", full_page=False)
    desktop.get_by_role("button", name="保存").first.click()
    expect(desktop.locator(".messages")).to_contain_text("已更新")
    assert salon.judges.count() == before + 1


@pytest.mark.allow_http_status(429)
def test_login_lockout_and_password_reset_on_a_phone(demo_site, phone, shoot):
    phone.goto(f"{demo_site.url}/accounts/login/")
    for _ in range(5):
        phone.get_by_label("用户名").fill("xueyuan")
        phone.get_by_label("密码").fill("not-the-password")
        phone.get_by_role("button", name="登录").click()
    expect(phone.locator("[role=alert]")).to_contain_text("登录失败次数过多")
    shoot(phone, "access-lockout-phone")
    phone.get_by_role("link", name="忘记密码？").click()
    expect(phone.locator("h1")).to_contain_text("重设密码")
    phone.get_by_label("电子邮箱").fill("xueyuan@demo.jiulong.example")
    phone.get_by_role("button", name="发送重设链接").click()
    expect(phone.locator("main")).to_contain_text("重设密码的链接已经发出")
    shoot(phone, "access-password-reset-phone")
