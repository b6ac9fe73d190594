"""A promotion round in the browser, from draft through 公示 and an objection to
the second approval; and the worker's My career page on a phone."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from talent.models import GradeChange, PromotionReview, RoundStatus
from tests.clock import local


def test_a_round_from_draft_to_second_approval(demo_site, desktop, phone, login, shoot):
    PromotionReview.objects.all().delete()  # start from a clean slate, not the demo's round
    today = timezone.localdate()

    # HR drafts the round and lists everyone eligible
    login(desktop, "renshi")
    desktop.goto(demo_site.url + reverse("talent_review:add"))
    desktop.locator("#id_title").fill("浏览器测试晋级评审")
    desktop.locator("#id_unit-chooser .unchosen [data-chooser-action-choose]").click()
    desktop.locator(".modal-content").get_by_role("link", name="九龙街道", exact=True).click()
    expect(desktop.locator("#id_unit-chooser [data-chooser-title]")).to_contain_text("九龙街道")
    desktop.locator("#id_review_date").fill(today.isoformat())
    desktop.get_by_role("button", name="创建", exact=True).click()
    main = desktop.locator("main")
    expect(main).to_contain_text("起草名单")
    expect(main).to_contain_text("任职年限")
    expect(main).to_contain_text("本人，不能列入自己经办的名单")  # renshi's own row
    desktop.get_by_role("button", name="将全部符合条件人员").click()
    expect(desktop.locator(".messages")).to_contain_text("已列入名单")
    shoot(desktop, "promotion-round-draft-desktop", full_page=False)

    # … and publishes the 公示 after a confirm page
    desktop.get_by_role("link", name="发布公示…").click()
    expect(main).to_contain_text("个工作日")
    shoot(desktop, "promotion-round-publish-confirm-desktop", full_page=False)
    desktop.get_by_role("button", name="确认发布公示").click()
    expect(desktop.locator(".messages")).to_contain_text("已发布公示")
    review = PromotionReview.objects.get(title="浏览器测试晋级评审")
    assert review.status == RoundStatus.NOTICE
    listed = review.candidates.count()

    # a worker of the unit reads the notice on the phone and objects
    login(phone, "xueyuan")
    phone.locator("a.action", has_text="晋级公示").click()
    phone.get_by_role("link", name="浏览器测试晋级评审").click()
    expect(phone.locator("main")).to_contain_text("符合晋级条件")
    first = review.candidates.select_related("person").order_by("id").first()
    phone.get_by_label("涉及人员").select_option(str(first.pk))
    phone.get_by_label("异议内容").fill("该同志今年曾长期病休，任职年限是否连续？")
    shoot(phone, "promotion-notice-phone")
    phone.get_by_role("button", name="下一步：确认提交").click()
    phone.get_by_role("button", name="确认提交异议").click()
    expect(phone.locator(".messages")).to_contain_text("异议已提交")
    expect(phone.locator("main")).to_contain_text("待答复")

    # the district admin may not approve yet: the period runs, an objection waits
    approver = desktop.context.browser.new_context(viewport={"width": 1280, "height": 900})
    admin = approver.new_page()
    login(admin, "quji")
    round_url = demo_site.url + reverse("talent_review:inspect", args=[review.pk])
    admin.goto(round_url)
    expect(admin.locator("main")).to_contain_text("期满后方可审批")
    expect(admin.get_by_role("link", name="审批晋级…")).to_have_count(0)

    # HR answers the objection (confirm page)
    desktop.goto(round_url)
    expect(desktop.locator("#objections")).to_contain_text("长期病休")
    desktop.locator("#objections").get_by_role("link", name="答复").click()
    desktop.get_by_label("异议不成立，维持名单").check()
    desktop.get_by_label("答复内容").fill("经核实，病休期间人事关系未中断，任职年限连续计算。")
    desktop.get_by_role("button", name="确认答复").click()
    expect(desktop.locator(".messages")).to_contain_text("已答复")

    # after the 公示 period the district admin gives the second signature
    review.refresh_from_db()
    after = local(review.notice_ends_on + datetime.timedelta(days=1))
    with time_machine.travel(after, tick=True):
        admin.goto(round_url)
        admin.get_by_role("link", name="审批晋级…").click()
        expect(admin.locator("main")).to_contain_text("每年增加薪酬")
        shoot(admin, "promotion-round-approve-confirm-desktop", full_page=False)
        admin.get_by_role("button", name="确认批准并记录等级变动").click()
        expect(admin.locator(".messages")).to_contain_text(f"已批准 {listed} 人晋级")
        history = admin.locator("#history")
        for step in ("起草晋级评审", "发布公示", "收到异议", "答复异议", "批准晋级"):
            expect(history).to_contain_text(step)
        shoot(admin, "promotion-round-approved-desktop")
    approver.close()
    assert GradeChange.objects.filter(review=review, reason="promotion").count() == listed
    review.refresh_from_db()
    assert review.status == RoundStatus.APPROVED


def test_my_career_on_a_phone(demo_site, phone, desktop, login, shoot):
    login(phone, "xueyuan")
    phone.get_by_role("link", name="我的职业发展").click()
    main = phone.locator("main")
    expect(main).to_contain_text("其他社区工作者")
    expect(main).to_contain_text("还需 1 年任职年限")
    expect(main).to_contain_text("需年度考核称职以上")
    expect(main).to_contain_text("助理社会工作师")
    expect(main).to_contain_text("等级记录")
    shoot(phone, "my-career-phone")
    shoot(phone, "my-career-phone-top", full_page=False)
    login(desktop, "xueyuan")
    desktop.goto(demo_site.url + "/me/career/")
    shoot(desktop, "my-career-desktop")
    phone.goto(demo_site.url + "/me/notices/")
    shoot(phone, "promotion-notices-phone")


def test_the_demo_round_in_progress(demo_site, phone, desktop, login, shoot):
    """The demo shows a round in its 公示 period, one objection answered and one
    waiting; HR reads it on a phone, the district admin sees why it cannot be
    approved yet and what it costs."""
    review = PromotionReview.objects.get(status=RoundStatus.NOTICE)
    round_url = demo_site.url + reverse("talent_review:inspect", args=[review.pk])
    login(phone, "renshi")
    phone.goto(round_url)
    main = phone.locator("main")
    expect(main).to_contain_text("公示与异议")
    expect(main.locator("#objections")).to_contain_text("待答复")
    shoot(phone, "promotion-round-notice-phone", full_page=False)
    login(desktop, "quji")
    desktop.goto(round_url)
    expect(desktop.locator("main")).to_contain_text("期满后方可审批")
    shoot(desktop, "promotion-round-notice-desktop")
    desktop.goto(demo_site.url + reverse("talent_review:cost", args=[review.pk]))
    expect(desktop.locator("main")).to_contain_text("每年增加")
    shoot(desktop, "promotion-round-cost-desktop")
    phone.goto(demo_site.url + reverse("talent_review:cost", args=[review.pk]))
    shoot(phone, "promotion-round-cost-phone", full_page=False)
