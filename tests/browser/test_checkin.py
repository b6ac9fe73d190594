"""The whole QR loop in a browser: projector → decoded QR → phone → close → signed log."""

import datetime
import re
from decimal import Decimal

import PIL.Image
import pytest
import time_machine
import zxingcpp
from django.utils import timezone
from playwright.sync_api import expect

from lms.models import CheckIn, LogStatus, PracticeLog
from tests.browser.conftest import DESKTOP, PHONE


def decode(path) -> str:
    results = zxingcpp.read_barcodes(PIL.Image.open(path))
    assert results, f"no QR code found in {path}"
    return results[0].text


@pytest.mark.allow_http_status(400)  # the stale token's refusal page
def test_mentor_session_qr_check_in_to_signed_hours(demo_site, desktop, phone, login, shoot):
    login(desktop, "daoshi")
    desktop.goto(demo_site.url + "/learn/mentor/")
    expect(desktop.get_by_role("heading", name="我的学员")).to_be_visible()
    desktop.goto(demo_site.url + "/learn/sessions/")
    desktop.get_by_label("活动名称").fill("导师帮带：个案记录撰写")
    desktop.get_by_role("button", name="开始签到").click()
    expect(desktop.locator(".phone-title")).to_have_text("导师帮带：个案记录撰写")
    session_url = desktop.url
    desktop.goto(session_url + "projector/")
    expect(desktop.locator("#qr svg")).to_be_visible()
    qr_path = shoot(desktop, "checkin-projector-desktop", full_page=False)
    scan_url = decode(qr_path)
    assert re.search(r"/learn/c/\d+/\?t=\d+-[0-9a-f]{32}$", scan_url), scan_url

    # The learner's phone opens the decoded URL, logs in, and confirms.
    phone.goto(scan_url)
    phone.get_by_label("用户名").fill("xueyuan")
    phone.get_by_label("密码").fill("jiulong2026")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("button", name="确认签到")).to_be_visible()
    shoot(phone, "checkin-confirm-phone")
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.get_by_role("heading", name="签到成功")).to_be_visible()
    shoot(phone, "checkin-confirmed-phone")
    # Leaving early is one tap away: the same page by GET offers the check-out.
    phone.get_by_role("link", name="签退（提前离开时使用）").click()
    expect(phone.get_by_role("heading", name="您已签到")).to_be_visible()
    expect(phone.get_by_role("button", name="签退（提前离开时使用）")).to_be_visible()
    shoot(phone, "checkin-already-phone")
    phone.set_viewport_size(DESKTOP)
    shoot(phone, "checkin-already-desktop")
    phone.set_viewport_size(PHONE)
    # Confirming again is friendly, not an error.
    phone.get_by_role("link", name="完成").click()
    phone.go_back()
    phone.reload()
    expect(phone.get_by_role("heading", name="您已签到")).to_be_visible()
    mine = CheckIn.objects.filter(
        person__user__username="xueyuan", session__title="导师帮带：个案记录撰写"
    )
    assert mine.count() == 1

    # The projector's live count picks it up without a reload.
    expect(desktop.locator("#count")).to_have_text("1", timeout=10_000)
    expect(desktop.locator("#recent")).to_contain_text("盘龙社区")

    # An old token is refused with a clear message.
    refused = phone.goto(re.sub(r"t=\d+", "t=1", scan_url))
    assert refused.status == 400
    expect(phone.locator(".result-reason")).to_contain_text("二维码")
    shoot(phone, "checkin-refused-phone")

    # An hour and a half into the two-hour session the mentor closes it. Closing
    # previews each person's attended hours first, then a confirmation signs them:
    # about 90 of 120 minutes credits 1.5 hours (nearest 0.5; 75–104 minutes would).
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=90)):
        desktop.goto(session_url)
        shoot(desktop, "checkin-session-desktop")
        desktop.get_by_role("link", name="结束签到并签核学时").click()
        expect(desktop.get_by_role("heading", name="结束签到")).to_be_visible()
        expect(desktop.locator(".close-preview")).to_contain_text("盘龙社区")
        expect(desktop.locator(".close-preview .hours-cell")).to_have_text("1.5")
        shoot(desktop, "checkin-close-preview-desktop")
        desktop.get_by_role("button", name="确认结束并签核学时").click()
        expect(desktop.locator(".messages")).to_contain_text("已为 1 人生成并签核实践学时")
    log = PracticeLog.objects.get(person__user__username="xueyuan", check_in__isnull=False)
    assert log.status == LogStatus.SIGNED
    assert log.hours == Decimal("1.5")
    assert log.mentorship.mentor.user.username == "daoshi"

    phone.goto(demo_site.url + "/learn/practice/")
    expect(phone.locator(".log-list")).to_contain_text("导师帮带：个案记录撰写")
    shoot(phone, "practice-mine-phone")


def test_mentor_signs_a_pending_log_by_scanning_the_mentees_qr(
    demo_site, desktop, phone, login, shoot
):
    login(phone, "xueyuan")
    phone.goto(demo_site.url + "/learn/practice/")
    phone.get_by_role("link", name="出示二维码给导师签核").first.click()
    expect(phone.locator(".phone-qr svg")).to_be_visible()
    path = shoot(phone, "practice-log-qr-phone", full_page=False)
    url = decode(path)
    login(desktop, "daoshi")
    desktop.goto(url)
    desktop.get_by_role("button", name="签核这条学时").click()
    expect(desktop.locator(".messages")).to_contain_text("已签核")
    shoot(desktop, "mentor-home-desktop")


def test_mentor_home_and_salon_calendar_screens(demo_site, desktop, phone, login, shoot):
    login(phone, "daoshi")
    phone.goto(demo_site.url + "/learn/mentor/")
    expect(phone.locator(".log-list")).to_be_visible()
    shoot(phone, "mentor-home-phone")
    phone.goto(demo_site.url + "/learn/sessions/")
    shoot(phone, "sessions-phone")
    desktop.goto(demo_site.url + "/")
    desktop.get_by_role("link", name="沙龙日历").first.click()
    expect(desktop.get_by_role("heading", name="即将举行")).to_be_visible()
    shoot(desktop, "salon-calendar-desktop")
    desktop.locator(".salon-card h3 a").last.click()
    expect(desktop.locator("table")).to_contain_text("社工室")
    shoot(desktop, "salon-detail-desktop")
    phone.goto(demo_site.url + "/salons/")
    shoot(phone, "salon-calendar-phone")
