from playwright.sync_api import expect

from talent.models import Person
from tests.talent.xlsx import workbook_bytes

HEADER = ["工号", "姓名", "人员类别", "所在单位", "性别", "手机号", "参加工作日期", "在职"]


def test_hr_imports_a_roster_with_dry_run_then_commit(demo_site, desktop, login, shoot, tmp_path):
    page = desktop
    login(page, "renshi")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        workbook_bytes([HEADER, ["JL9001", "", "厨师", "西郊社区", None, None, "05/03/2024", None]])
    )
    page.goto(demo_site.url + "/admin/talent/people/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并预检").click()
    expect(page.get_by_role("alert")).to_contain_text("未导入任何数据")
    expect(page.locator("table.listing")).to_contain_text("找不到单位“西郊社区”")
    shoot(page, "admin-import-errors", full_page=False)

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        workbook_bytes(
            [
                HEADER,
                [
                    "JL9001",
                    "新同事",
                    "社区工作者",
                    "盘龙社区",
                    "女",
                    "13800000000",
                    "2026-11-01",
                    "是",
                ],
            ],
            title_rows=["九龙街道新入职人员"],
        )
    )
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并预检").click()
    expect(page.locator("main")).to_contain_text("预检通过：共 1 行")
    shoot(page, "admin-import-preview", full_page=False)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("main")).to_contain_text("新增 1 人")
    assert Person.objects.get(staff_no="JL9001").unit.name == "盘龙社区"
