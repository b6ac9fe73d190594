"""Promotion rounds: draft → 公示 in working days (objections raised and answered)
→ second approval by a district admin → GradeChanges in one transaction; who may
take each step; the cost of a round."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from talent.models import (
    CalendarDay,
    CandidateStatus,
    GradeChange,
    PayPolicy,
    PromotionObjection,
    Role,
    RoundStatus,
)
from talent.selectors import promotion as rounds
from talent.selectors.calendar import working_days_from
from talent.selectors.ladder import current_grade
from talent.services import promotion as services
from tests.clock import local
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import place

REVIEW_DAY = datetime.date(2026, 11, 2)  # a Monday
FRIDAY = datetime.date(2026, 11, 6)
AFTER = datetime.date(2026, 11, 10)  # the notice (Mon 2 – Fri 6) is over


def assess(person, results=("competent",) * 3, first=2023):
    from talent.models import AnnualAssessment

    for offset, result in enumerate(results):
        AnnualAssessment.objects.create(person=person, year=first + offset, result=result)


def ready(unit, name, grade=3, post="other"):
    person = PersonFactory(unit=unit, name=name)
    place(person, grade, post=post, on=datetime.date(2022, 1, 1))
    assess(person)
    return person


@pytest.fixture
def approver(district, user_with_role):
    return user_with_role(Role.DISTRICT_ADMIN, district["district"], "quji_test")


@pytest.fixture
def staff(district):
    """A worker of 龙泉社区 with a login, who reads the notice and may object."""
    return PersonFactory(unit=district["longquan"], name="赵同事", user=UserFactory())


@pytest.fixture
def draft(jl_hr, district):
    a = ready(district["panlong"], "甲晋级")
    b = ready(district["longquan"], "乙晋级", grade=5, post="deputy")
    waiting = PersonFactory(unit=district["panlong"], name="丙等待")
    place(waiting, 3, on=datetime.date(2025, 1, 1))
    assess(waiting)
    review = services.create_review(
        actor=jl_hr, unit=district["jl"], review_date=REVIEW_DAY, title="2026年度晋级评审"
    )
    return review, a, b, waiting


@pytest.fixture
def published(jl_hr, draft):
    review, a, b, waiting = draft
    services.list_candidates(actor=jl_hr, review=review, person_ids=[a.pk, b.pk])
    with time_machine.travel(local(REVIEW_DAY), tick=False):
        services.publish_review(actor=jl_hr, review=review)
    review.refresh_from_db()
    return review, a, b, waiting


def actions(review):
    return list(
        ModelLogEntry.objects.for_instance(review).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_a_round_runs_from_draft_through_notice_and_objection_to_approval(
    jl_hr, approver, staff, published
):
    review, a, b, _waiting = published
    assert review.status == RoundStatus.NOTICE
    assert (review.notice_starts_on, review.notice_ends_on) == (REVIEW_DAY, FRIDAY)
    [about_a] = [c for c in rounds.listed_candidates(review) if c.person == a]
    with time_machine.travel(local(datetime.date(2026, 11, 4)), tick=False):
        objection = services.raise_objection(
            actor=staff.user, review=review, text="任职年限有疑问", candidate=about_a
        )
        with pytest.raises(ValidationError, match="公示期至 2026-11-06 结束"):
            services.approve_review(actor=approver, review=review)
    services.answer_objection(
        actor=jl_hr, objection=objection, answer="已核实，维持名单。", outcome="dismissed"
    )
    assert staff.user.notifications.filter(title__contains="异议已答复").exists()
    with time_machine.travel(local(AFTER), tick=False):
        changes = services.approve_review(actor=approver, review=review)
    assert {c.person for c in changes} == {a, b}
    assert current_grade(a).grade.number == 4 and current_grade(b).grade.number == 6
    assert all(c.effective_on == REVIEW_DAY and c.approved_by == approver for c in changes)
    review.refresh_from_db()
    assert review.status == RoundStatus.APPROVED and review.decided_by == approver
    assert actions(review) == [
        "talent.review.create",
        "talent.review.list",
        "talent.review.publish",
        "talent.review.objection",
        "talent.review.answer",
        "talent.review.approve",
    ]
    assert ModelLogEntry.objects.filter(action="talent.grade.promotion").count() == 2


@pytest.mark.django_db
def test_publishing_tells_the_units_staff(
    jl_hr, staff, draft, district, django_capture_on_commit_callbacks
):
    review, a, b, _waiting = draft
    outsider = PersonFactory(unit=district["xijiao"], user=UserFactory())
    services.list_candidates(actor=jl_hr, review=review, person_ids=[a.pk, b.pk])
    with (
        time_machine.travel(local(REVIEW_DAY), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.publish_review(actor=jl_hr, review=review)
    notice = staff.user.notifications.get()
    assert "晋级公示" in notice.title and "2026-11-06" in notice.body
    assert notice.url == reverse("promotion_notice", args=[review.pk])
    assert not outsider.user.notifications.exists()


@pytest.mark.django_db
def test_holidays_and_worked_weekends_move_the_period():
    CalendarDay.objects.create(date=datetime.date(2026, 10, 1), name="国庆节")
    CalendarDay.objects.create(date=datetime.date(2026, 10, 2), name="国庆节")
    CalendarDay.objects.create(date=datetime.date(2026, 10, 10), name="调休上班", is_workday=True)
    # Wed 30 Sep, then Thu/Fri off, weekend, Mon 5 … Fri 9, Sat 10 worked
    assert working_days_from(datetime.date(2026, 9, 30), 5) == (
        datetime.date(2026, 9, 30),
        datetime.date(2026, 10, 8),
    )
    # published on a Saturday: the period starts on Monday
    assert working_days_from(datetime.date(2026, 11, 7), 5) == (
        datetime.date(2026, 11, 9),
        datetime.date(2026, 11, 13),
    )


@pytest.mark.django_db
def test_the_drafter_and_publisher_cannot_give_the_second_signature(jl_hr, published):
    review = published[0]
    with (
        time_machine.travel(local(AFTER), tick=False),
        pytest.raises(ValidationError, match="晋级须由区级管理员审批"),
    ):
        services.approve_review(actor=jl_hr, review=review)
    assert not GradeChange.objects.filter(reason="promotion").exists()


@pytest.mark.django_db
def test_a_district_admin_who_drafted_cannot_approve(district, user_with_role):
    admin = user_with_role(Role.DISTRICT_ADMIN, district["district"], "quji_drafter")
    person = ready(district["panlong"], "甲晋级")
    review = services.create_review(
        actor=admin, unit=district["jl"], review_date=REVIEW_DAY, title="区里起草"
    )
    services.list_candidates(actor=admin, review=review, person_ids=[person.pk])
    with time_machine.travel(local(REVIEW_DAY), tick=False):
        services.publish_review(actor=admin, review=review)
    with (
        time_machine.travel(local(AFTER), tick=False),
        pytest.raises(ValidationError, match="起草或发布公示的人不能审批同一评审"),
    ):
        services.approve_review(actor=admin, review=review)
    assert current_grade(person).grade.number == 3


@pytest.mark.django_db
def test_an_approver_on_the_list_is_refused(approver, published, district):
    review, a, _b, _waiting = published
    a.user = approver
    a.save(update_fields=["user"])
    with (
        time_machine.travel(local(AFTER), tick=False),
        pytest.raises(ValidationError, match="职责分离：不能审批本人的晋级"),
    ):
        services.approve_review(actor=approver, review=review)
    assert not GradeChange.objects.filter(reason="promotion").exists()
    review.refresh_from_db()
    assert review.status == RoundStatus.NOTICE


@pytest.mark.django_db
def test_hr_cannot_put_themselves_on_the_list(jl_hr, draft):
    review, a, _b, _waiting = draft
    a.user = jl_hr
    a.save(update_fields=["user"])
    with pytest.raises(ValidationError, match="职责分离：不能将本人列入自己经办的晋级名单"):
        services.list_candidates(actor=jl_hr, review=review, person_ids=[a.pk])
    assert not review.candidates.exists()


@pytest.mark.django_db
def test_only_eligible_people_are_listed(jl_hr, draft):
    review, a, _b, waiting = draft
    with pytest.raises(ValidationError, match="丙等待 不符合晋级条件"):
        services.list_candidates(actor=jl_hr, review=review, person_ids=[a.pk, waiting.pk])
    assert not review.candidates.exists()


@pytest.mark.django_db
def test_nobody_answers_an_objection_about_themselves(
    published, staff, district, user_with_role, client
):
    review, a, _b, _waiting = published
    colleague = user_with_role(Role.HR, district["jl"], "hr_jl_2")
    a.user = colleague
    a.save(update_fields=["user"])
    with time_machine.travel(local(datetime.date(2026, 11, 4)), tick=False):
        objection = services.raise_objection(
            actor=staff.user,
            review=review,
            text="有疑问",
            candidate=review.candidates.get(person=a),
        )
    with pytest.raises(ValidationError, match="职责分离：不能答复涉及本人的异议"):
        services.answer_objection(
            actor=colleague, objection=objection, answer="维持", outcome="dismissed"
        )
    objection.refresh_from_db()
    assert not objection.is_answered
    client.force_login(colleague)
    with time_machine.travel(local(datetime.date(2026, 11, 4)), tick=True):
        body = client.get(reverse("talent_review:inspect", args=[review.pk])).content.decode()
    assert "职责分离：不能答复涉及本人的异议" in body
    assert reverse("talent_review:answer", args=[objection.pk]) not in body


@pytest.mark.django_db
def test_nobody_is_on_two_running_lists(jl_hr, published, district):
    _review, a, _b, _waiting = published
    second = services.create_review(
        actor=jl_hr, unit=district["panlong"], review_date=REVIEW_DAY, title="盘龙补充评审"
    )
    with pytest.raises(ValidationError, match="甲晋级 已在“2026年度晋级评审”的名单中"):
        services.list_candidates(actor=jl_hr, review=second, person_ids=[a.pk])
    [row] = [r for r in rounds.round_rows(second, jl_hr) if r.person == a]
    assert row.elsewhere and not row.listable


@pytest.mark.django_db
def test_an_unanswered_objection_holds_the_approval(approver, staff, published):
    review = published[0]
    with time_machine.travel(local(datetime.date(2026, 11, 5)), tick=False):
        services.raise_objection(actor=staff.user, review=review, text="请说明考核情况")
    with (
        time_machine.travel(local(AFTER), tick=False),
        pytest.raises(ValidationError, match="还有 1 条异议未答复"),
    ):
        services.approve_review(actor=approver, review=review)
    assert not GradeChange.objects.filter(reason="promotion").exists()


@pytest.mark.django_db
def test_an_upheld_objection_takes_the_person_off_the_list(jl_hr, approver, staff, published):
    review, a, b, _waiting = published
    about_b = review.candidates.get(person=b)
    with time_machine.travel(local(datetime.date(2026, 11, 3)), tick=False):
        objection = services.raise_objection(
            actor=staff.user, review=review, text="考核有误", candidate=about_b
        )
    services.answer_objection(
        actor=jl_hr, objection=objection, answer="核实属实，移出名单。", outcome="upheld"
    )
    about_b.refresh_from_db()
    assert about_b.status == CandidateStatus.WITHDRAWN and "异议成立" in about_b.withdrawn_reason
    with time_machine.travel(local(AFTER), tick=False):
        changes = services.approve_review(actor=approver, review=review)
    assert [c.person for c in changes] == [a]
    assert current_grade(b).grade.number == 5


@pytest.mark.django_db
def test_objections_only_from_the_unit_and_during_the_period(published, staff, district):
    review = published[0]
    outsider = PersonFactory(unit=district["xijiao"], user=UserFactory())
    with (
        time_machine.travel(local(datetime.date(2026, 11, 4)), tick=False),
        pytest.raises(ValidationError, match="只有本单位的工作人员"),
    ):
        services.raise_objection(actor=outsider.user, review=review, text="x")
    with (
        time_machine.travel(local(datetime.date(2026, 11, 7)), tick=False),
        pytest.raises(ValidationError, match="公示期已结束"),
    ):
        services.raise_objection(actor=staff.user, review=review, text="x")
    assert not PromotionObjection.objects.exists()


@pytest.mark.django_db
def test_approval_is_all_or_nothing_when_someone_changed(approver, published, jl_hr):
    review, a, b, _waiting = published
    place(b, 7, post="deputy", on=datetime.date(2026, 11, 1), reason="correction")
    with (
        time_machine.travel(local(AFTER), tick=False),
        pytest.raises(ValidationError, match="乙晋级"),
    ):
        services.approve_review(actor=approver, review=review)
    assert not GradeChange.objects.filter(reason="promotion").exists()
    assert current_grade(a).grade.number == 3


@pytest.mark.django_db
def test_declining_ends_the_round_without_promotions(approver, published):
    review = published[0]
    with pytest.raises(ValidationError, match="须填写意见"):
        services.reject_review(actor=approver, review=review, reason=" ")
    services.reject_review(actor=approver, review=review, reason="预算不足，明年再议")
    review.refresh_from_db()
    assert review.status == RoundStatus.REJECTED and review.decision_note == "预算不足，明年再议"
    assert not GradeChange.objects.filter(reason="promotion").exists()


@pytest.mark.django_db
def test_cost_per_month_and_year_by_unit(published, district):
    review, a, b, waiting = published
    policy = PayPolicy.load()
    policy.base_monthly_pay, policy.months_per_year = Decimal(3000), 13
    policy.save()
    cost = rounds.round_cost(review)
    by_unit = {c.unit.name: c for c in cost.units}
    # 甲 3 → 4: coefficients 1.10 → 1.15; 乙 5 → 6: 1.20 → 1.25
    panlong, longquan = by_unit["盘龙社区"], by_unit["龙泉社区"]
    assert (panlong.promoted_before, panlong.promoted_after) == (
        Decimal("3300.00"),
        Decimal("3450.00"),
    )
    assert panlong.increase == Decimal("150.00") and panlong.increase_per_year == Decimal("1950.00")
    # 盘龙's pay bill also holds 丙 at grade 3 (1.10): 6600 before, 6750 after
    assert (panlong.payroll_before, panlong.payroll_after) == (
        Decimal("6600.00"),
        Decimal("6750.00"),
    )
    assert longquan.increase == Decimal("150.00")
    assert cost.total.increase == Decimal("300.00")
    assert cost.total.increase_per_year == Decimal("3900.00")


# The round page ------------------------------------------------------------------


@pytest.mark.django_db
def test_round_page_filters_by_state_unit_and_failed_rule(client, jl_hr, draft, district):
    review, a, b, waiting = draft
    client.force_login(jl_hr)
    url = reverse("talent_review:inspect", args=[review.pk])
    body = client.get(url, {"state": "eligible"}).content.decode()
    assert a.name in body and b.name in body and waiting.name not in body
    body = client.get(url, {"rule": "years"}).content.decode()
    assert waiting.name in body and a.name not in body
    body = client.get(url, {"unit": district["longquan"].pk}).content.decode()
    assert b.name in body and a.name not in body


@pytest.mark.django_db
def test_round_page_lists_and_publishes_with_confirmation(client, jl_hr, draft):
    review, a, b, _waiting = draft
    client.force_login(jl_hr)
    url = reverse("talent_review:inspect", args=[review.pk])
    response = client.post(url, {"action": "list_all"}, follow=True)
    assert "已列入名单 2 人" in response.content.decode()
    publish = reverse("talent_review:publish", args=[review.pk])
    with time_machine.travel(local(REVIEW_DAY), tick=True):
        page = client.get(publish).content.decode()
        assert "确认发布公示" in page and "2026-11-06" in page
        review.refresh_from_db()
        assert review.status == RoundStatus.DRAFT  # nothing happens before the POST
        response = client.post(publish, follow=True)
    assert "已发布公示" in response.content.decode()
    review.refresh_from_db()
    assert review.status == RoundStatus.NOTICE


@pytest.mark.django_db
def test_the_approve_page_says_why_not_and_offers_no_button(client, jl_hr, published):
    review = published[0]
    client.force_login(jl_hr)
    with time_machine.travel(local(AFTER), tick=True):
        body = client.get(reverse("talent_review:approve", args=[review.pk])).content.decode()
        assert "晋级须由区级管理员审批" in body and "确认批准" not in body
        body = client.get(reverse("talent_review:inspect", args=[review.pk])).content.decode()
        assert "审批晋级…" not in body


@pytest.mark.django_db
def test_round_pages_outside_scope_are_404(client, district, published, user_with_role):
    review = published[0]
    client.force_login(user_with_role(Role.HR, district["yjp"]))
    for name in ("inspect", "publish", "approve", "cost"):
        assert client.get(reverse(f"talent_review:{name}", args=[review.pk])).status_code == 404
    assert client.post(reverse("talent_review:approve", args=[review.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [10, 150])
def test_round_page_queries_do_not_grow(
    client, jl_hr, district, draft, extra, django_assert_max_num_queries
):
    review = draft[0]
    for n in range(extra):
        ready(district["panlong" if n % 2 else "longquan"], f"批量{n}")
    client.force_login(jl_hr)
    url = reverse("talent_review:inspect", args=[review.pk])
    client.post(url, {"action": "list_all"})
    with django_assert_max_num_queries(30):
        response = client.get(url, {"state": "listed", "p": 2})
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("talent_review:cost", args=[review.pk])).status_code == 200
