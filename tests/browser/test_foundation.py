from playwright.sync_api import expect


def test_home_page_in_chinese_on_phone_and_desktop(demo_site, phone, desktop, shoot):
    for page, name in ((phone, "home-phone"), (desktop, "home-desktop")):
        page.goto(demo_site.url + "/")
        expect(page.locator("h1")).to_have_text("社工人才学院")
        expect(page.get_by_role("link", name="登录").first).to_be_visible()
        shoot(page, name)


def test_learner_logs_in_in_chinese_on_a_phone(demo_site, phone, login, shoot):
    phone.goto(demo_site.url + "/accounts/login/")
    expect(phone.get_by_role("heading", name="登录")).to_be_visible()
    shoot(phone, "login-phone")
    phone.get_by_label("用户名").fill("xueyuan")
    phone.get_by_label("密码").fill("wrong-password")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("alert")).to_contain_text("请输入一个正确的")
    login(phone, "xueyuan")
    expect(phone.locator(".profile")).to_contain_text("盘龙社区")
    expect(phone.locator(".tabbar")).to_be_visible()
    shoot(phone, "me-phone")


def test_language_switch_to_english(demo_site, desktop):
    desktop.goto(demo_site.url + "/")
    desktop.get_by_role("button", name="English").click()
    expect(desktop.get_by_role("link", name="Log in").first).to_be_visible()
    desktop.get_by_role("button", name="中文").click()
    expect(desktop.get_by_role("link", name="登录").first).to_be_visible()


def test_hr_opens_the_admin_and_sees_only_jiulong(demo_site, desktop, login, shoot):
    login(desktop, "renshi")
    desktop.goto(demo_site.url + "/admin/talent/people/")
    expect(desktop.locator("main")).to_contain_text("盘龙社区")
    expect(desktop.locator("main")).not_to_contain_text("西郊社区")
    shoot(desktop, "admin-people-hr", full_page=False)
    desktop.goto(demo_site.url + "/admin/talent/units/")
    expect(desktop.locator("main")).to_contain_text("九龙社工中心")
    shoot(desktop, "admin-units-hr", full_page=False)


def test_partner_portal_lists_own_students(demo_site, desktop, phone, login, shoot):
    login(desktop, "gaoxiao")
    desktop.goto(demo_site.url + "/partner/")
    expect(desktop.locator("table")).to_contain_text("西南大学社会工作系")
    expect(desktop.locator("table")).not_to_contain_text("重庆城市管理职业学院")
    shoot(desktop, "partner-desktop")
    login(phone, "gaoxiao")
    phone.goto(demo_site.url + "/partner/")
    shoot(phone, "partner-phone")
