"""A large roster goes to the background: HR watches the progress bar reach 100%,
confirms, and watches the commit finish (issue 16)."""

import threading

from django.db import connection
from django.utils.module_loading import import_string
from playwright.sync_api import expect

from talent.imports import jobs
from talent.models import JobState, Person, SpreadsheetJob
from tests.talent.xlsx import workbook_bytes

ROWS = 3_000
HEADER = ["工号", "姓名", "人员类别", "所在单位", "性别", "手机号", "参加工作日期", "在职"]


def run_in_a_thread(func, *args, **kwargs):
    """django-q2 as the worker runs it: in another thread with its own database
    connection, while the page polls (tests otherwise run tasks synchronously)."""

    def work():
        try:
            import_string(func)(*args)
        finally:
            connection.close()

    threading.Thread(target=work, daemon=True).start()


def watch_until_done(page):
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=120_000)


def test_hr_watches_a_large_import_in_the_background(
    demo_site, desktop, login, shoot, tmp_path, monkeypatch
):
    monkeypatch.setattr(jobs, "async_task", run_in_a_thread)
    page = desktop
    login(page, "renshi")
    big = tmp_path / "big.xlsx"
    big.write_bytes(
        workbook_bytes(
            [HEADER]
            + [
                [
                    f"JLB{i:05d}",
                    f"新同事{i}",
                    "社区工作者",
                    "盘龙社区",
                    "女",
                    None,
                    "2020-09-01",
                    "是",
                ]
                for i in range(ROWS)
            ]
        )
    )
    page.goto(demo_site.url + "/admin/talent/people/import/")
    page.set_input_files("input[type=file]", str(big))
    page.get_by_role("button", name="上传并预检").click()
    page.wait_for_url("**/admin/talent/jobs/**")
    shoot(page, "admin-import-progress", full_page=False)
    watch_until_done(page)
    expect(page.locator("main")).to_contain_text(f"预检通过：共 {ROWS} 行", timeout=30_000)
    assert not Person.objects.filter(staff_no__startswith="JLB").exists()

    page.get_by_role("button", name="确认导入").click()
    watch_until_done(page)
    expect(page.locator("main")).to_contain_text(f"新增 {ROWS} 人", timeout=30_000)
    shoot(page, "admin-import-done", full_page=False)
    assert Person.objects.filter(staff_no__startswith="JLB").count() == ROWS
    assert SpreadsheetJob.objects.get().state == JobState.DONE

    page.goto(demo_site.url + "/admin/talent/jobs/")
    expect(page.locator("main")).to_contain_text("人员花名册导入")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "admin-import-jobs-390", full_page=False)
