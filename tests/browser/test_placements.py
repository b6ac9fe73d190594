"""Partner flow: propose a placement, see it approved, read hours, download the
transcript and open it with openpyxl."""

import datetime

import openpyxl
from django.contrib.auth import get_user_model
from django.utils import timezone

from talent import services_placements as svc
from talent.models import Person, Placement

from .conftest import DESKTOP, PHONE


def test_partner_places_a_student_and_downloads_the_transcript(
    page, demo_site, login, shoot, tmp_path
):
    page.set_viewport_size(DESKTOP)
    login(page, "gaoxiao")
    page.goto(f"{demo_site.url}/partner/placements/")
    assert page.get_by_role("heading", name="实习安排").is_visible()
    shoot(page, "partner-placements-desktop")

    student = Person.objects.filter(staff_no__startswith="SWU", placements__isnull=True).first()
    start = timezone.localdate() + datetime.timedelta(days=40)
    page.get_by_role("link", name="申请实习").click()
    page.get_by_label("学生").select_option(str(student.pk))
    page.get_by_label("实践基地").select_option(label="西南大学·盘龙社区实践基地")
    page.get_by_label("开始日期").fill(start.isoformat())
    page.get_by_label("结束日期").fill((start + datetime.timedelta(days=90)).isoformat())
    page.get_by_label("要求学时").fill("96")
    shoot(page, "partner-propose-desktop")
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("实习申请已提交").is_visible()
    assert page.locator(".pill").first.inner_text() == "待审批"

    placement = Placement.objects.get(person=student)
    coordinator = get_user_model().objects.get(username="zuzhi")
    svc.approve_placement(actor=coordinator, placement=placement)
    page.reload()
    assert page.locator(".pill").first.inner_text() == "已批准"

    # a running placement with signed shift hours
    running = Placement.objects.filter(person__staff_no__startswith="SWU", status="active").first()
    page.goto(f"{demo_site.url}/partner/placements/{running.pk}/")
    hours = page.locator(".big-number").inner_text()
    assert hours.startswith(str(running.practice_logs.filter(status="signed").count() * 4))
    shoot(page, "partner-placement-desktop")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出该生成绩单").click()
    download = download_info.value
    assert download.suggested_filename == f"transcript-{running.person.staff_no}.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    summary, detail = book.worksheets
    row = next(summary.iter_rows(min_row=2, values_only=True))
    assert row[0] == running.person.staff_no
    assert float(row[9]) == sum(float(r[4]) for r in detail.iter_rows(min_row=2, values_only=True))

    page.set_viewport_size(PHONE)
    shoot(page, "partner-placement-phone")
    page.goto(f"{demo_site.url}/partner/placements/")
    shoot(page, "partner-placements-phone")
    evaluated = Placement.objects.filter(person__staff_no__startswith="SWU", status="evaluated")
    page.goto(f"{demo_site.url}/partner/placements/{evaluated.first().pk}/")
    assert page.get_by_text("高校评价").first.is_visible()
    shoot(page, "partner-evaluation-phone")


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
    assert page.get_by_text("已完成：批准").is_visible()
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
    shoot(page, "partner-students-phone")
    page.goto(f"{demo_site.url}/partner/students/import/")
    shoot(page, "partner-import-phone")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{demo_site.url}/partner/students/new/")
    shoot(page, "partner-student-add-desktop")
