"""Phone pages: My career 我的职业发展 (the worker's own ladder, computed by the same
rules as the promotion review) and the 公示 notices of their unit, with objections."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from talent.models import (
    AnnualAssessment,
    CEHourEntry,
    PayPolicy,
    Person,
    PromotionObjection,
    RegistrationPeriod,
)
from talent.selectors.ladder import evaluate_people
from talent.services import promotion as round_services
from tests.clock import local
from tests.factories import PersonFactory, UserFactory
from tests.talent.factories_hr import certificate, place

TODAY = datetime.date(2026, 12, 7)  # a Monday
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(local(TODAY), tick=True)]


@pytest.fixture
def worker(district):
    """其他社区工作者 at grade 4 since 2024-09-01, a 基本称职 in 2024, an assistant
    certificate with its registration period and 26 CE hours."""
    user = UserFactory(username="worker")
    person = PersonFactory(unit=district["panlong"], name="许学员", user=user)
    place(person, 3, on=datetime.date(2019, 7, 1))
    place(person, 4, on=datetime.date(2024, 9, 1), reason="promotion")
    for year, result in ((2023, "competent"), (2024, "basic"), (2025, "competent")):
        AnnualAssessment.objects.create(person=person, year=year, result=result)
    cert = certificate(person, 1, obtained_on=datetime.date(2022, 6, 30), number="CQ2022000001")
    RegistrationPeriod.objects.create(
        person=person,
        certificate=cert,
        starts_on=datetime.date(2025, 6, 30),
        ends_on=datetime.date(2028, 6, 30),
        required_hours=72,
    )
    CEHourEntry.objects.create(
        person=person,
        hours=Decimal(26),
        source="training",
        source_ref="t1",
        earned_on=datetime.date(2025, 9, 1),
    )
    return person


def test_my_career_shows_the_ladder_and_what_is_missing(client, worker):
    client.force_login(worker.user)
    body = client.get(reverse("my_career")).content.decode()
    for text in (
        "其他社区工作者",
        "四级",
        "1.15",  # the pay coefficient of grade 4
        "任现等级 2 年",
        "晋升 5 级的条件",
        "还需 1 年任职年限（2027-09-01 满 3 年）",
        "需年度考核称职以上（2024 基本称职）",
        "助理社会工作师",
        "已登记：2025-06-30 至 2028-06-30",
        "本登记期继续教育 26 / 72 学时",
        "2024 年",
        "基本称职",
        "初次定级",
        "正常晋级",
    ):
        assert text in body, text
    assert "月薪酬" not in body  # the district has not enabled amounts


def test_the_pay_amount_shows_only_where_the_district_enables_it(client, worker):
    policy = PayPolicy.load()
    policy.show_amount_to_staff = True
    policy.save()
    client.force_login(worker.user)
    body = client.get(reverse("my_career")).content.decode()
    assert "月薪酬 ¥3,450.00" in body  # 3000 × 1.15


def test_my_career_uses_the_review_rules(client, worker):
    [evaluation] = evaluate_people(Person.objects.filter(pk=worker.pk), TODAY)
    client.force_login(worker.user)
    body = client.get(reverse("my_career")).content.decode()
    assert evaluation.failed and all(rule.missing in body for rule in evaluation.failed)
    assert all(rule.reason in body for rule in evaluation.rules)


def test_my_career_without_a_person_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("my_career")).status_code == 404


@pytest.mark.parametrize("extra", [0, 12])
def test_my_career_queries_do_not_grow(client, worker, extra, django_assert_max_num_queries):
    for n in range(extra):
        place(worker, 4, on=datetime.date(2010 + n, 1, 1), reason="correction")
        AnnualAssessment.objects.create(person=worker, year=2000 + n, result="competent")
        certificate(worker, 1 + n % 3, obtained_on=datetime.date(2010 + n, 1, 1), status="expired")
    client.force_login(worker.user)
    client.get(reverse("my_career"))  # settings rows created on first read
    with django_assert_max_num_queries(26):  # the readiness card included
        assert client.get(reverse("my_career")).status_code == 200


def test_me_links_to_my_career(client, worker):
    client.force_login(worker.user)
    assert reverse("my_career") in client.get(reverse("me")).content.decode()


# 公示 notices ----------------------------------------------------------------------


@pytest.fixture
def notice(district, jl_hr):
    candidate = PersonFactory(unit=district["longquan"], name="候选人")
    place(candidate, 3, on=datetime.date(2020, 1, 1))
    for year in (2023, 2024, 2025):
        AnnualAssessment.objects.create(person=candidate, year=year, result="competent")
    review = round_services.create_review(
        actor=jl_hr, unit=district["jl"], review_date=TODAY, title="2026年度晋级评审"
    )
    round_services.list_candidates(actor=jl_hr, review=review, person_ids=[candidate.pk])
    return round_services.publish_review(actor=jl_hr, review=review)


def test_staff_of_the_unit_see_the_notice_and_others_do_not(client, worker, notice, district):
    client.force_login(worker.user)
    assert "1 项公示中" in client.get(reverse("me")).content.decode()
    body = client.get(reverse("promotion_notice", args=[notice.pk])).content.decode()
    assert "候选人" in body and "3 → 4" in body and "2026-12-11" in body and "提出异议" in body
    outsider = PersonFactory(unit=district["xijiao"], user=UserFactory())
    client.force_login(outsider.user)
    assert client.get(reverse("promotion_notice", args=[notice.pk])).status_code == 404
    assert "候选人" not in client.get(reverse("promotion_notices")).content.decode()


def test_an_objection_is_confirmed_before_it_is_recorded(client, worker, notice):
    client.force_login(worker.user)
    url = reverse("promotion_notice", args=[notice.pk])
    candidate = notice.candidates.get()
    data = {"candidate": candidate.pk, "text": "该同志去年考核有争议"}
    response = client.post(url, data)
    assert "确认提交异议" in response.content.decode()
    assert not PromotionObjection.objects.exists()
    response = client.post(url, {**data, "confirm": "1"}, follow=True)
    assert "异议已提交" in response.content.decode()
    objection = PromotionObjection.objects.get()
    assert (objection.raised_by, objection.candidate) == (worker, candidate)
    assert "待答复" in client.get(url).content.decode()


def test_after_the_period_no_objection_is_taken(client, worker, notice):
    client.force_login(worker.user)
    url = reverse("promotion_notice", args=[notice.pk])
    with time_machine.travel(local(datetime.date(2026, 12, 14)), tick=True):
        body = client.get(url).content.decode()
        assert "公示期已结束" in body and "下一步：确认提交" not in body
        response = client.post(url, {"text": "迟到的异议", "confirm": "1"}, follow=True)
    assert "公示期已结束" in response.content.decode()
    assert not PromotionObjection.objects.exists()


def test_my_career_shows_readiness_for_the_certificate_still_to_earn(client, worker, district):
    newcomer = PersonFactory(unit=district["panlong"], name="新同事", user=UserFactory())
    client.force_login(newcomer.user)
    assert "备考就绪度 · 助理社会工作师" in client.get(reverse("my_career")).content.decode()
    client.force_login(worker.user)  # holds 助理: prepares for 社会工作师
    assert "备考就绪度 · 社会工作师" in client.get(reverse("my_career")).content.decode()
    certificate(worker, 3, obtained_on=datetime.date(2025, 6, 30))
    assert "备考就绪度" not in client.get(reverse("my_career")).content.decode()
