"""Screens that look finished (issue 17), one test per surface: the phone and site pages,
the partner portal, the admin. On every page a reader sees no English words (proper
nouns and codes aside), no login name of an account that has a person, no "None", and
times in Asia/Shanghai. Every page is photographed at 390 and 1280 px."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.models import ExamAttempt, PracticeLog
from talent.models import CEHourEntry, Person, Placement, RotationPlan

from .conftest import DESKTOP, PHONE, SCREENSHOTS

# Words a Chinese page may show: the language switch, file formats, proper nouns
# (university short names) and a course's own term; answer letters (A–E) are codes.
ALLOWED_WORDS = {"English", "Excel", "xlsx", "SWU", "CQCM", "NSI", "SMART"}
WORD = re.compile(r"(?<![A-Za-z0-9_@.\-])[A-Za-z][A-Za-z'\-]+(?![A-Za-z0-9_@.\-])")
ANSWER_LETTERS = re.compile(r"^[A-E]{1,5}$")


def english_words(text: str) -> set[str]:
    return {
        w for w in WORD.findall(text) if w not in ALLOWED_WORDS and not ANSWER_LETTERS.fullmatch(w)
    }


def person_logins() -> set[str]:
    """Logins of accounts linked to a person: their screens must show the name."""
    return set(
        get_user_model().objects.filter(person__isnull=False).values_list("username", flat=True)
    )


def assert_finished(page, *, logins: set[str], must_show: tuple[str, ...] = ()):
    text = page.locator("body").inner_text()
    where = page.url
    words = english_words(text)
    assert not words, f"English on {where}: {sorted(words)}"
    shown = {login for login in logins if re.search(rf"(?<!\w){re.escape(login)}(?!\w)", text)}
    assert not shown, f"login names on {where}: {sorted(shown)}"
    assert not re.search(r"\bNone\b", text), f"None on {where}"
    for expected in must_show:
        assert expected in text, f"{expected!r} missing on {where}"


def photograph(page, name: str):
    """A full picture: the admin scrolls inside its own frame, so grow the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight,"
        " ...Array.from(document.querySelectorAll('main')).map("
        "   e => e.scrollHeight + e.getBoundingClientRect().top))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def visit(pages, base: str, path: str, name: str, *, logins, must_show=()):
    for page, width in pages:
        page.goto(base + path)
        assert_finished(page, logins=logins, must_show=must_show)
        photograph(page, f"finished-{name}-{width}")


def two_widths(browser, page_guard, login, username):
    contexts, pages = [], []
    for viewport, label in ((PHONE, "390"), (DESKTOP, "1280")):
        context = browser.new_context(
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
        )
        page = page_guard.watch(context.new_page())
        login(page, username)
        contexts.append(context)
        pages.append((page, label))
    return contexts, pages


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_phone_and_site_pages_look_finished(browser, page_guard, demo_site, login):
    logins = person_logins()
    base = demo_site.url
    contexts, pages = two_widths(browser, page_guard, login, "xueyuan")
    learner = Person.objects.get(user__username="xueyuan")
    attempt = ExamAttempt.objects.filter(person=learner, submitted_at__isnull=False).first()
    visit(pages, base, "/me/", "me", logins=logins, must_show=("我的职业发展",))
    visit(pages, base, "/learn/", "learn", logins=logins)
    visit(
        pages,
        base,
        f"/learn/exams/attempts/{attempt.pk}/result/",
        "exam-result",
        logins=logins,
        must_show=("合格线",),
    )
    visit(pages, base, "/learn/practice/", "my-practice", logins=logins)
    case = learner.case_submissions.exclude(reviewer=None).select_related("task").first()
    if case is not None:
        visit(pages, base, f"/learn/cases/{case.task_id}/", "case", logins=logins)
    for context in contexts:
        context.close()

    # the head of 盘龙社区 sees their team
    contexts, pages = two_widths(browser, page_guard, login, "shequ")
    visit(pages, base, "/me/", "me-head", logins=logins, must_show=("我的团队",))
    visit(pages, base, "/me/team/", "team", logins=logins, must_show=("需要关注", "全部成员"))
    for context in contexts:
        context.close()

    contexts, pages = two_widths(browser, page_guard, login, "daoshi")
    visit(pages, base, "/learn/mentor/", "mentor-home", logins=logins)
    visit(pages, base, "/me/placements/", "mentor-placements", logins=logins)
    visit(pages, base, "/learn/sessions/", "sessions", logins=logins)
    for context in contexts:
        context.close()


def test_partner_pages_look_finished(browser, page_guard, demo_site, login):
    logins = person_logins()
    base = demo_site.url
    contexts, pages = two_widths(browser, page_guard, login, "gaoxiao")
    visit(pages, base, "/me/", "partner-me", logins=logins, must_show=("高校合作方 · 西南大学",))
    visit(pages, base, "/partner/", "partner-home", logins=logins)
    visit(pages, base, "/partner/placements/", "partner-placements", logins=logins)
    log = (
        PracticeLog.objects.filter(placement__person__unit__code__startswith="swu")
        .exclude(signed_by=None)
        .select_related("signed_by__person", "placement__person")
        .first()
    )
    signer = log.signed_by.person.name
    visit(
        pages,
        base,
        f"/partner/placements/{log.placement_id}/",
        "partner-placement",
        logins=logins,
        must_show=(signer,),
    )
    visit(
        pages,
        base,
        f"/partner/students/{log.placement.person_id}/",
        "partner-student",
        logins=logins,
    )
    for context in contexts:
        context.close()


def test_admin_pages_look_finished(browser, page_guard, demo_site, login):
    logins = person_logins()
    base = demo_site.url
    contexts, pages = two_widths(browser, page_guard, login, "renshi")
    person = Person.objects.get(staff_no="JL0001")
    entry = CEHourEntry.objects.filter(person__unit__path__startswith=person.unit.path).first()
    log = PracticeLog.objects.exclude(signed_by=None).filter(person__unit=person.unit).first()
    visit(pages, base, "/admin/", "admin-home", logins=logins)
    visit(
        pages,
        base,
        "/admin/talent/people/",
        "admin-people",
        logins=logins,
        must_show=("导入花名册",),
    )
    visit(
        pages,
        base,
        f"/admin/talent/people/inspect/{person.pk}/",
        "admin-person-record",
        logins=logins,
        must_show=("岗位与等级", "证书、登记与继续教育", "模拟考试"),
    )
    visit(
        pages,
        base,
        f"/admin/talent/ce-hours/inspect/{entry.pk}/",
        "admin-ce-entry",
        logins=logins,
        must_show=(local(entry.created_at),),
    )
    visit(
        pages,
        base,
        f"/admin/lms/practice-logs/inspect/{log.pk}/",
        "admin-practice-log",
        logins=logins,
        must_show=(local(log.signed_at), log.signed_by.person.name),
    )
    visit(pages, base, "/admin/talent/grade-changes/", "admin-grade-changes", logins=logins)
    visit(pages, base, "/admin/talent/certificates/new/", "admin-certificate-new", logins=logins)
    visit(pages, base, "/admin/talent/reports/certification/", "admin-certification", logins=logins)
    for context in contexts:
        context.close()

    contexts, pages = two_widths(browser, page_guard, login, "zuzhi")
    plan = RotationPlan.objects.first()
    placement = Placement.objects.filter(rotation_plan=plan).first()
    visit(pages, base, "/admin/talent/rotation-plans/", "admin-rotation-plans", logins=logins)
    visit(
        pages,
        base,
        f"/admin/talent/rotation-plans/inspect/{plan.pk}/",
        "admin-rotation-plan",
        logins=logins,
        must_show=(placement.person.name,),
    )
    visit(pages, base, "/admin/talent/placements/", "admin-placements", logins=logins)
    visit(pages, base, "/admin/lms/checkin-sessions/", "admin-sessions", logins=logins)
    for context in contexts:
        context.close()
