"""Partner flow: propose a placement, see it approved, read hours, download the
transcript and open it with openpyxl."""

import datetime

import openpyxl
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from lms.models import SessionKind
from lms.services import checkin
from talent.models import Person, Placement

from .conftest import DESKTOP, PHONE


def test_partner_places_a_student_and_downloads_the_transcript(
    page, browser, page_guard, demo_site, login, shoot, tmp_path
):
    """Done means: a partner places a student, the student checks in at the host,
    hours appear, and the transcript matches the signed logs."""
    page.set_viewport_size(DESKTOP)
    login(page, "gaoxiao")
    page.goto(f"{demo_site.url}/partner/placements/")
    assert page.get_by_role("heading", name="实习安排").is_visible()
    shoot(page, "partner-placements-desktop")

    student = Person.objects.filter(staff_no__startswith="SWU", placements__isnull=True).first()
    today = timezone.localdate()
    page.get_by_role("link", name="申请实习").click()
    page.get_by_label("学生").select_option(str(student.pk))
    page.get_by_label("实践基地").select_option(label="西南大学·盘龙社区实践基地")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("结束日期").fill((today + datetime.timedelta(days=90)).isoformat())
    page.get_by_label("要求学时").fill("96")
    shoot(page, "partner-propose-desktop")
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("实习申请已提交").is_visible()
    assert page.locator(".pill").first.inner_text() == "待审批"
    placement = Placement.objects.get(person=student)

    # the coordinator approves and starts it in the admin
    coordinator_context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    admin = page_guard.watch(coordinator_context.new_page())
    login(admin, "zuzhi")
    admin.goto(f"{demo_site.url}/admin/talent/placements/{placement.pk}/decide/")
    admin.get_by_role("button", name="批准", exact=True).click()
    expect(admin.get_by_text("已完成：批准")).to_be_visible()
    page.reload()
    assert page.locator(".pill").first.inner_text() == "已批准"
    admin.get_by_role("button", name="开始实践").click()
    expect(admin.get_by_text("已完成：开始实践")).to_be_visible()
    coordinator_context.close()

    # a placement shift at the host: the student checks in, the owner closes it
    owner = get_user_model().objects.get(username="zuzhi")
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    session = checkin.open_session(
        actor=owner,
        kind=SessionKind.PLACEMENT_SHIFT,
        title="盘龙社区实习班次",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=3),
        unit=placement.host_unit,
    )
    checkin.check_in(session=session, person=student, at=start)
    with time_machine.travel(start + datetime.timedelta(hours=3)):
        checkin.close_session(actor=owner, session=session)

    page.reload()
    assert page.locator(".big-number").inner_text().startswith("3 ")
    assert page.get_by_role("cell", name="盘龙社区实习班次").is_visible()
    shoot(page, "partner-placement-desktop")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出该生成绩单").click()
    download = download_info.value
    assert download.suggested_filename == f"transcript-{student.staff_no}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    summary, detail = openpyxl.load_workbook(path).worksheets
    row = next(summary.iter_rows(min_row=2, values_only=True))
    assert (row[0], row[1], row[8], row[9]) == (student.staff_no, student.name, 96, 3)
    logs = list(detail.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4], r[5]) for r in logs] == [(student.staff_no, 3, "盘龙社区实习班次")]

    page.set_viewport_size(PHONE)
    shoot(page, "partner-placement-phone")
    page.goto(f"{demo_site.url}/partner/placements/")
    shoot(page, "partner-placements-phone")
    evaluated = Placement.objects.filter(person__staff_no__startswith="SWU", status="evaluated")
    page.goto(f"{demo_site.url}/partner/placements/{evaluated.first().pk}/")
    assert page.get_by_text("高校评价").first.is_visible()
    shoot(page, "partner-evaluation-phone")


@pytest.mark.allow_http_status(404)
def test_other_universitys_placement_is_404_in_the_browser(page, demo_site, login):
    login(page, "gaoxiao")
    other = Placement.objects.filter(person__staff_no__startswith="CQCM").first()
    response = page.goto(f"{demo_site.url}/partner/placements/{other.pk}/")
    assert response.status == 404


def test_coordinator_report_screens(page, demo_site, login, shoot):
    page.set_viewport_size(DESKTOP)
    login(page, "zuzhi")
    page.goto(f"{demo_site.url}/admin/reports/placements/")
    assert page.get_by_role("heading", name="名额使用").is_visible()
    shoot(page, "coordinator-report-desktop")
    proposed = Placement.objects.filter(status="proposed").first()
    page.goto(f"{demo_site.url}/admin/talent/placements/{proposed.pk}/decide/")
    shoot(page, "coordinator-decide-desktop")
    page.get_by_role("button", name="批准", exact=True).click()
    expect(page.get_by_text("已完成：批准")).to_be_visible()
    proposed.refresh_from_db()
    assert proposed.status == "approved"
    page.goto(f"{demo_site.url}/admin/talent/rotation-plans/new/")
    shoot(page, "coordinator-rotation-plan-desktop")
    page.goto(f"{demo_site.url}/admin/")
    shoot(page, "coordinator-dashboard-desktop")


def test_trainee_phone_pages(page, demo_site, login, shoot):
    page.set_viewport_size(PHONE)
    login(page, "daoshi")
    page.goto(f"{demo_site.url}/me/placements/")
    assert page.get_by_role("heading", name="我督导的学员").is_visible()
    shoot(page, "mentor-placements-phone")
    page.get_by_role("link", name="填写导师评价").first.click()
    shoot(page, "mentor-evaluate-phone")


def test_partner_student_pages(page, demo_site, login, shoot):
    page.set_viewport_size(PHONE)
    login(page, "gaoxiao")
    page.goto(f"{demo_site.url}/partner/")
    students = page.locator("main")
    expect(students).to_contain_text("西南大学")
    expect(students).not_to_contain_text("重庆城市管理职业学院")
    shoot(page, "partner-students-phone")
    page.goto(f"{demo_site.url}/partner/students/import/")
    expect(page.get_by_role("button", name="上传并预检")).to_be_visible()
    shoot(page, "partner-import-phone")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{demo_site.url}/partner/students/new/")
    expect(page.get_by_label("姓名")).to_be_visible()
    shoot(page, "partner-student-add-desktop")
