from playwright.sync_api import expect


def test_hr_reads_the_certification_report(demo_site, desktop, phone, login, shoot):
    login(desktop, "renshi")
    desktop.goto(demo_site.url + "/admin/")
    expect(desktop.locator(".certification-panel")).to_contain_text("九龙街道")
    shoot(desktop, "hr-dashboard-desktop", full_page=False)
    desktop.goto(demo_site.url + "/admin/talent/reports/certification/")
    main = desktop.locator("main")
    expect(main).to_contain_text("九龙街道社区工作者持证率")
    expect(main).to_contain_text("还需")
    expect(main).to_contain_text("盘龙社区")
    expect(main).not_to_contain_text("西郊社区")
    expect(desktop.locator(".report-chart svg")).to_have_count(2)
    shoot(desktop, "hr-certification-report-desktop")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    login(phone, "renshi")
    phone.goto(demo_site.url + "/admin/talent/reports/certification/")
    expect(phone.locator("main")).to_contain_text("持证率")
    shoot(phone, "hr-certification-report-phone")


def test_hr_reads_the_ladder_report(demo_site, desktop, login, shoot):
    """The promotion round itself is driven end to end in test_promotion.py."""
    login(desktop, "renshi")
    desktop.goto(demo_site.url + "/admin/talent/reports/ladder/")
    expect(desktop.locator("main")).to_contain_text("社区正职")
    shoot(desktop, "hr-ladder-report-desktop")


def test_hr_pages_for_records_and_imports(demo_site, desktop, phone, login, shoot):
    login(desktop, "renshi")
    desktop.goto(demo_site.url + "/admin/talent/reports/ce-pace/")
    expect(desktop.locator("main")).to_contain_text("按进度应修")
    shoot(desktop, "hr-ce-pace-desktop", full_page=False)
    desktop.goto(demo_site.url + "/admin/talent/certificates/")
    expect(desktop.locator("main")).to_contain_text("助理社会工作师")
    shoot(desktop, "hr-certificates-desktop", full_page=False)
    desktop.goto(demo_site.url + "/admin/talent/exams/import/")
    expect(desktop.locator("main")).to_contain_text("考试成绩导入")
    shoot(desktop, "hr-exam-import-desktop", full_page=False)
    login(phone, "renshi")
    phone.goto(demo_site.url + "/admin/talent/reports/ce-pace/")
    shoot(phone, "hr-ce-pace-phone", full_page=False)
