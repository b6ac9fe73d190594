"""The learner's journey on a phone: enrol, finish the theory stage, sit a timed
mock exam, submit a case; the mentor approves it and the stage advances."""

import re

from playwright.sync_api import expect

from lms.models import CaseSubmission, ExamAttempt, Stage
from lms.selectors.practice import signed_mentor_hours
from talent.models import Person

COHORT = "2026年新入职社区工作者培养班（第二期）"


def logout(page, url):
    page.goto(url + "/me/")
    page.get_by_role("button", name="退出").click()


def programme_card(page):
    return page.locator("article.programme", has_text=COHORT)


def test_learner_goes_through_theory_exam_and_case_review_on_a_phone(
    demo_site, phone, desktop, login, shoot
):
    url = demo_site.url
    login(phone, "xueyuan")
    phone.get_by_role("link", name="我的学习").click()
    expect(programme_card(phone).get_by_test_id("current-stage")).to_have_text("理论培训")
    expect(programme_card(phone)).to_contain_text("社会救助与民政政策入门")
    shoot(phone, "lms-dashboard-phone")

    # Catalogue, then enrol in the course not started yet and finish its lessons.
    phone.goto(url + "/courses/")
    expect(phone.locator(".course-card").first).to_be_visible()
    shoot(phone, "lms-catalogue-phone")
    phone.get_by_role("link", name="社会救助与民政政策入门").click()
    phone.get_by_role("button", name="报名学习").click()
    expect(phone.locator(".messages")).to_contain_text("已报名")
    shoot(phone, "lms-course-phone")
    phone.locator(".lesson-link").first.click()
    shoot(phone, "lms-lesson-phone")
    for _ in range(3):
        phone.get_by_role("button", name="完成本课时").click()
    expect(phone.locator(".messages")).to_contain_text("已计入 3 继续教育学时")

    # The other course still has its last lesson open.
    phone.goto(url + "/courses/home-visits-and-needs/home-visits-and-needs-3/")
    phone.get_by_role("button", name="完成本课时").click()
    phone.goto(url + "/learn/")
    expect(programme_card(phone).get_by_test_id("current-stage")).to_have_text("案例实操")

    # A timed mock exam: answers autosave, the paper is scored on hand-in.
    phone.get_by_role("link", name="模拟考试 ›").click()
    shoot(phone, "lms-exams-phone")
    phone.locator(".paper", has_text="综合能力随堂小测").get_by_role("button", name="开始").click()
    expect(phone.locator("#timer")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    questions = phone.locator("fieldset.question")
    expect(questions).to_have_count(15)
    for i in range(questions.count()):
        questions.nth(i).locator("label.option").first.click()
    expect(phone.locator("#save-state")).to_have_text("已保存")
    shoot(phone, "lms-exam-take-phone", full_page=False)
    attempt = ExamAttempt.objects.filter(person__staff_no="JL0001").order_by("-pk").first()
    assert attempt.answers.exclude(chosen="").count() == 15  # autosaved before hand-in
    phone.get_by_role("button", name="交卷").click()
    expect(phone.get_by_test_id("score")).to_be_visible()
    shoot(phone, "lms-exam-result-phone")
    attempt.refresh_from_db()
    assert attempt.score is not None and attempt.submitted_at <= attempt.deadline

    # Submit the case.
    phone.goto(url + "/learn/")
    phone.get_by_role("link", name="社区走访需求评估报告").click()
    phone.get_by_label("案例内容").fill(
        "服务对象为盘龙社区一位独居老人，近期腿脚不便，买菜和就医困难。两次入户走访后，"
        "我运用生态图梳理其支持网络，发现邻里关系良好、女儿每周来电。建议链接助餐服务与志愿者陪诊。"
    )
    phone.get_by_role("button", name="提交给导师").click()
    expect(phone.locator(".info-note")).to_contain_text("等待导师评阅")
    shoot(phone, "lms-case-submitted-phone")
    logout(phone, url)

    # The mentor approves it with rubric scores.
    learner = Person.objects.get(staff_no="JL0001")
    login(phone, "daoshi")
    phone.goto(url + "/learn/mentor/")
    phone.get_by_role("link", name="案例评阅").click()
    shoot(phone, "lms-mentor-phone", full_page=False)
    phone.locator(".action", has_text=learner.name).first.click()
    scores = phone.locator("input[type=number]")
    for i in range(scores.count()):
        scores.nth(i).fill(str(80 + i))
    phone.get_by_label("评语").fill("需求评估全面，建议补充风险评估。")
    shoot(phone, "lms-review-phone")
    phone.get_by_role("button", name="通过并评分").click()
    expect(phone.locator(".messages")).to_contain_text("已通过")
    assert CaseSubmission.objects.get(person=learner, status="approved").total_score is not None
    logout(phone, url)

    # The learner's stage has moved on: past 案例实操 into 导师帮带, and — because
    # daoshi has already signed enough of xueyuan's mentor hours in the demo —
    # straight through it.
    required = Stage.objects.get(tier__cohorts__name=COHORT, kind="mentor").required_mentor_hours
    signed = signed_mentor_hours([learner.pk])[learner.pk]
    expected = "已结业" if signed >= required else "导师帮带"
    login(phone, "xueyuan")
    phone.goto(url + "/learn/")
    expect(programme_card(phone).get_by_test_id("current-stage")).to_have_text(expected)
    shoot(phone, "lms-dashboard-after-phone")
    phone.goto(url + "/me/notifications/")
    expect(phone.locator("main")).to_contain_text("已通过")

    # The organiser sees the cohort move in the admin report.
    login(desktop, "zuzhi")
    desktop.goto(url + "/admin/lms/cohorts/")
    shoot(desktop, "lms-admin-cohorts-desktop", full_page=False)
    desktop.locator("tr", has_text=COHORT).get_by_role("link", name="进度").click()
    expect(desktop.locator("tr", has_text=learner.name)).to_contain_text(expected)
    shoot(desktop, "lms-admin-progress-desktop", full_page=False)


def test_pages_on_desktop_width(demo_site, desktop, login, shoot):
    login(desktop, "xueyuan")
    for path, name in (
        ("/learn/", "lms-dashboard-desktop"),
        ("/courses/", "lms-catalogue-desktop"),
        ("/courses/case-management/", "lms-course-desktop"),
        ("/learn/exams/", "lms-exams-desktop"),
    ):
        desktop.goto(demo_site.url + path)
        expect(desktop.locator("main")).to_be_visible()
        shoot(desktop, name)


def test_organiser_admin_pages(demo_site, desktop, login, shoot):
    from lms.models import Cohort

    exam_class = Cohort.objects.filter(kind="exam_class").order_by("starts_on").first()
    login(desktop, "zuzhi")
    desktop.goto(f"{demo_site.url}/admin/lms/cohorts/{exam_class.pk}/exams/")
    expect(desktop.locator("main")).to_contain_text("薄弱知识点")
    shoot(desktop, "lms-admin-cohort-exams-desktop", full_page=False)
    desktop.goto(f"{demo_site.url}/admin/lms/cohorts/{exam_class.pk}/members/")
    shoot(desktop, "lms-admin-add-members-desktop", full_page=False)
    desktop.goto(f"{demo_site.url}/admin/lms/questions/")
    expect(desktop.locator("main")).to_contain_text("题库")
    shoot(desktop, "lms-admin-questions-desktop", full_page=False)
    # the question bank is shared by the district: its district admin imports it
    desktop.context.clear_cookies()
    login(desktop, "quji")
    desktop.goto(f"{demo_site.url}/admin/lms/questions/import/")
    shoot(desktop, "lms-admin-question-import-desktop", full_page=False)
