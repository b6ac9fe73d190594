"""Events you can believe, at phone width: sign up for a salon, be refused before
the check-in window, scan the decoded projector QR inside it, see a forwarded
ticket refused, and close with partial hours; the sign-up that never came is a no-show."""

import datetime
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from lms.models import CheckIn, SignUp, SignUpStatus
from lms.services import checkin as checkin_services
from lms.services import salons as salon_services
from lms.services import signup as signup_services
from talent.models import CEHourEntry, OrgUnit, Person, UnitKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_checkin import decode
from tests.factories import PersonFactory
from tests.lms.factories_practice import RoadshowSlotFactory, SalonFactory

SHOTS = Path("/tmp/shots-events")
PASSWORD = "jiulong2026"


def learner(username: str, name: str, unit: OrgUnit) -> Person:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    return PersonFactory(unit=unit, name=name, user=user)


def published_salon(start: datetime.datetime, capacity: int):
    centre = OrgUnit.objects.get(code="jl-centre")
    organiser = get_user_model().objects.get(username="zuzhi")
    salon = SalonFactory(
        centre=centre,
        title="能力提升沙龙 · 社区活动策划",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        ce_hours=Decimal(3),
    )
    studio = OrgUnit.objects.filter(path__startswith=centre.path, kind=UnitKind.STUDIO).first()
    RoadshowSlotFactory(salon=salon, order=1, studio=studio)
    return salon_services.publish_salon(actor=organiser, salon=salon)


@pytest.mark.allow_http_status(409)  # the refusals: before the window, a forwarded ticket
def test_sign_up_scan_in_window_forwarded_refused_close_with_partial_hours(
    demo_site, desktop, phone, browser, login, shoot, page_guard
):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def keep(page, name: str) -> None:
        shutil.copy(shoot(page, name), SHOTS / f"{name}.png")

    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)
    salon = published_salon(start, capacity=2)
    session = salon.check_in_session
    panlong = OrgUnit.objects.get(code="jl-panlong")
    no_show = learner("wangwu", "王五", panlong)
    signup_services.sign_up(actor=no_show.user, session=session, person=no_show)
    latecomer = learner("lisi", "李四", panlong)

    # 1. Sign up on the phone salon page: one place left, then it is full.
    login(phone, "xueyuan")
    phone.goto(f"{demo_site.url}/learn/salons/{salon.pk}/")
    expect(phone.locator("#signup")).to_contain_text("已报名 1 / 2 人")
    expect(phone.get_by_role("button", name="报名", exact=True)).to_be_visible()
    keep(phone, "salon-signup-phone-390")
    phone.set_viewport_size(DESKTOP)
    keep(phone, "salon-signup-desktop-1280")
    phone.set_viewport_size(PHONE)
    phone.get_by_role("button", name="报名", exact=True).click()
    expect(phone.locator(".messages")).to_contain_text("报名成功")
    expect(phone.locator(".signup-status")).to_contain_text("已报名")
    expect(phone.get_by_role("button", name="取消报名")).to_be_visible()
    keep(phone, "salon-signed-up-phone-390")

    other = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    second = page_guard.watch(other.new_page())
    second.on("dialog", lambda dialog: dialog.accept())
    login(second, "lisi")
    second.goto(f"{demo_site.url}/learn/salons/{salon.pk}/")
    expect(second.locator(".signup-status")).to_contain_text("已满")
    second.get_by_role("button", name="报名候补").click()
    expect(second.locator(".signup-status")).to_contain_text("候补第1位")
    keep(second, "salon-waitlist-phone-390")
    assert SignUp.objects.get(person=latecomer).status == SignUpStatus.WAITLISTED

    # 2. Before the window (it opens 30 minutes before the start) a scan writes nothing.
    early = f"{demo_site.url}/learn/c/{session.pk}/?t={checkin_services.token_for(session)}"
    refused = phone.goto(early)
    assert refused.status == 409
    expect(phone.locator(".result-reason")).to_contain_text("签到尚未开始")
    keep(phone, "checkin-not-yet-phone-390")
    assert not CheckIn.objects.filter(session=session).exists()

    login(desktop, "zuzhi")
    # 3. Fifteen minutes after the start: scan the projector's QR, decoded from a screenshot.
    with time_machine.travel(start + datetime.timedelta(minutes=15)):
        desktop.goto(f"{demo_site.url}/learn/sessions/{session.pk}/projector/")
        expect(desktop.locator("#qr svg")).to_be_visible()
        scan_url = decode(shoot(desktop, "events-projector-desktop", full_page=False))
        assert re.search(rf"/learn/c/{session.pk}/\?t=\d+-[0-9a-f]{{32}}$", scan_url), scan_url
        phone.goto(scan_url)
        expect(phone.get_by_role("button", name="确认签到")).to_be_visible()
        ticket_url = phone.url
        phone.get_by_role("button", name="确认签到").click()
        expect(phone.get_by_role("heading", name="签到成功")).to_be_visible()
        keep(phone, "checkin-confirmed-phone-390")

        # 4. The ticket link forwarded to another phone checks nobody in.
        forwarded = second.goto(ticket_url)
        assert forwarded.status == 409
        expect(second.locator(".result-reason")).to_contain_text("转发的链接不能签到")
        keep(second, "checkin-forwarded-phone-390")
        assert list(
            CheckIn.objects.filter(session=session).values_list("person__name", flat=True)
        ) == [Person.objects.get(user__username="xueyuan").name]
    other.close()

    # 5. 95 minutes in, the organiser closes: about 80 of 120 minutes attended earns
    #    part of the 3 CE hours (3 × 80/120 = 2, to the nearest 0.5; anything from
    #    70 to 89 minutes would credit 2).
    with time_machine.travel(start + datetime.timedelta(minutes=95)):
        desktop.set_viewport_size(PHONE)
        desktop.goto(f"{demo_site.url}/learn/sessions/{session.pk}/")
        expect(desktop.locator("#roster")).to_contain_text("王五")
        desktop.get_by_role("link", name="结束签到").click()
        preview = desktop.locator(".close-preview")
        expect(preview).to_contain_text(re.compile(r"(7[5-9]|80) 分钟"))
        expect(preview.locator(".hours-cell")).to_have_text("2")
        expect(desktop.locator(".roster")).to_contain_text("王五")
        keep(desktop, "close-preview-phone-390")
        desktop.get_by_role("button", name="确认结束签到").click()
        expect(desktop.locator(".messages")).to_contain_text("签到已结束")
    entry = CEHourEntry.objects.get(
        person__user__username="xueyuan", source_ref=f"salon:{salon.pk}"
    )
    assert entry.hours == Decimal("2.0")

    # 6. After the event the owner's page lists who signed up and never came.
    desktop.goto(f"{demo_site.url}/learn/sessions/{session.pk}/")
    expect(desktop.locator(".no-shows")).to_contain_text("报名未到 1 人")
    expect(desktop.locator(".no-shows")).to_contain_text("王五")
    keep(desktop, "session-no-shows-phone-390")
    desktop.set_viewport_size(DESKTOP)
    keep(desktop, "session-no-shows-desktop-1280")
