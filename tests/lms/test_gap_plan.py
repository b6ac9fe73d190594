"""The gap plan: ranking the uncertified by readiness, the projection at the next
sitting, the two actions (enrol into a 考试专班, enter for the sitting), scope,
and a query count that does not grow with the district."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.models import CohortKind, CohortMembership, SubjectReadiness
from lms.selectors.gapplan import at_least, gap_plan
from talent.models import ExamEntry, ExamSitting, Notification, Person
from talent.selectors.access import scope_for
from tests.clock import local, pinned
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_programme import make_cohort
from tests.talent.factories_hr import certificate, target

TODAY = datetime.date(2027, 3, 10)
pytestmark = [pytest.mark.django_db, pinned(TODAY)]


def ready(person, comprehensive, practice):
    for subject, p in (("comprehensive", comprehensive), ("practice", practice)):
        if p is not None:
            SubjectReadiness.objects.create(
                person=person,
                level="assistant",
                subject=subject,
                attempts=2,
                questions=120,
                share=Decimal("0.65"),
                probability=Decimal(str(p)),
                last_attempt_at=local(TODAY),
            )


def sitting(**kwargs):
    fields = {
        "year": 2027,
        "name": "2027年度社会工作者职业水平考试",
        "registration_deadline": datetime.date(2027, 3, 31),
        "exam_starts_on": datetime.date(2027, 6, 12),
        "exam_ends_on": datetime.date(2027, 6, 13),
        "results_on": datetime.date(2027, 8, 20),
    }
    fields.update(kwargs)
    return ExamSitting.objects.create(**fields)


@pytest.fixture
def street(district, programme):
    """盘龙 10 workers: 6 certified, 4 not (三 with readiness, one without), so a
    target of 89% needs 3 more. 龙泉 and 西郊 people the plan must not show."""
    unit = district["panlong"]
    people = [PersonFactory(unit=unit, name=f"盘龙{i}") for i in range(10)]
    for person in people[:6]:
        certificate(person, 1)
    ready(people[6], 0.9, 0.9)  # 0.81
    ready(people[7], 0.5, 0.7)  # 0.35
    ready(people[8], 0.95, 0.95)  # 0.9025
    ready(people[9], 0.9, None)  # no estimate for 实务
    the_target = target(district["jl"], 89, deadline=datetime.date(2027, 12, 31))
    cohort = make_cohort(
        programme["tier"], district["jl"], name="2027年考试专班", kind=CohortKind.EXAM_CLASS
    )
    return {"people": people, "target": the_target, "cohort": cohort, "unit": unit}


def plan_for(user, street, **kwargs):
    return gap_plan(
        scope=scope_for(user), target=street["target"], unit=street["unit"], as_of=TODAY, **kwargs
    )


def test_the_uncertified_are_ranked_by_readiness(jl_hr, street, district):
    certificate(PersonFactory(unit=district["xijiao"]), 1)
    plan = plan_for(jl_hr, street)
    people = street["people"]
    assert [r.person_id for r in plan.rows] == [people[i].pk for i in (8, 6, 7, 9)]
    assert plan.rows[0].probability == pytest.approx(0.9025)
    assert [r.verdict for r in plan.rows] == ["ready", "ready", "far", "unknown"]
    assert plan.gap == 3 and plan.with_estimate == 3 and plan.ready == 2


def test_without_a_sitting_the_plan_says_so(jl_hr, street):
    plan = plan_for(jl_hr, street)
    assert plan.sitting is None and not plan.reachable
    assert "尚未安排下一次考试" in plan.message


def test_a_sitting_after_the_deadline_cannot_close_the_gap(jl_hr, street):
    sitting(results_on=datetime.date(2028, 1, 20))
    plan = plan_for(jl_hr, street)
    assert not plan.reachable and "晚于目标期限" in plan.message
    assert plan.projected_certified == 6


def test_projection_from_the_entered_and_what_reaching_takes(jl_hr, street):
    the_sitting = sitting()
    people = street["people"]
    plan = plan_for(jl_hr, street)
    # Everyone ranked would bring 0.9025 + 0.81 + 0.35 = 2.06 < 3 expected passes.
    assert plan.expected_all == pytest.approx(2.0625)
    assert not plan.reachable and plan.needed_top is None
    assert "无法补上 3 人的缺口" in plan.message
    # Better mock results: 0.98 + 0.9025 + 0.81 + 0.81 = 3.50 if all four sat.
    SubjectReadiness.objects.filter(person=people[7]).update(probability=Decimal("0.99"))
    ready(people[9], None, 0.9)
    plan = plan_for(jl_hr, street)
    assert plan.reachable and plan.needed_top == 4
    for person in people[6:9]:
        ExamEntry.objects.create(sitting=the_sitting, person=person, level=1)
    plan = plan_for(jl_hr, street)
    assert plan.expected_entered == pytest.approx(0.81 + 0.9801 + 0.9025)
    assert plan.reach_probability == pytest.approx(0.81 * 0.9801 * 0.9025)
    assert "前 4 人报考" in plan.message
    assert float(plan.projected_rate) == pytest.approx(86.9)  # (6 + 2.69) / 10


def test_at_least_matches_counting_every_outcome():
    chances = [0.9, 0.3, 0.55, 0.7, 0.05]
    for k in range(7):
        brute = sum(
            _weight(chances, outcome)
            for outcome in itertools.product((0, 1), repeat=5)
            if sum(outcome) >= k
        )
        assert at_least(chances, k) == pytest.approx(brute)
    many = [0.3 + 0.4 * (i % 3) / 2 for i in range(2000)]
    # The normal approximation used for large lists is close to the exact tail.
    assert at_least(many, 1050) == pytest.approx(1 - _exact_below(many, 1050), abs=0.01)


def _weight(chances, outcome):
    result = 1.0
    for p, hit in zip(chances, outcome, strict=True):
        result *= p if hit else 1 - p
    return result


def _exact_below(chances, k):
    dist = [1.0] + [0.0] * len(chances)
    for p in chances:
        for j in range(len(chances), 0, -1):
            dist[j] = dist[j] * (1 - p) + dist[j - 1] * p
        dist[0] *= 1 - p
    return sum(dist[:k])


@pytest.fixture
def page(client, jl_hr, street):
    client.force_login(jl_hr)
    url = reverse("lms_gap_plan") + f"?target={street['target'].pk}&unit={street['unit'].pk}"
    return client, url


def test_hr_enrols_chosen_people_into_the_exam_class(page, street):
    client, url = page
    people = street["people"]
    user = UserFactory(username="chosen")
    Person.objects.filter(pk=people[6].pk).update(user=user)
    response = client.post(
        url,
        {"people": [people[6].pk, people[8].pk], "action": "enrol", "cohort": street["cohort"].pk},
    )
    assert response.status_code == 302 and response.url == url
    members = set(street["cohort"].memberships.values_list("person_id", flat=True))
    assert members == {people[6].pk, people[8].pk}
    assert Notification.objects.filter(recipient=user, title="您已加入2027年考试专班").exists()
    assert ModelLogEntry.objects.filter(action="lms.cohort.enrol_from_plan").count() == 1
    page_text = client.get(url).content.decode()
    assert '<strong data-testid="in-cohort">2</strong>' in page_text


def test_only_people_of_the_plan_can_be_chosen(page, street, district):
    client, url = page
    outsider = PersonFactory(unit=district["xijiao"])
    certified = street["people"][0]
    for chosen in (outsider, certified):
        client.post(url, {"people": [chosen.pk], "action": "enrol", "cohort": street["cohort"].pk})
    assert not CohortMembership.objects.exists()


def test_a_cohort_outside_scope_or_not_an_exam_class_is_refused(page, street, district, programme):
    client, url = page
    other = make_cohort(
        programme["tier"], district["yjp"], name="杨家坪考试专班", kind=CohortKind.EXAM_CLASS
    )
    regular = make_cohort(programme["tier"], district["jl"], name="九龙新入职班")
    person = street["people"][6]
    for cohort in (other, regular):
        response = client.post(url, {"people": [person.pk], "action": "enrol", "cohort": cohort.pk})
        assert response.status_code == 302
    assert not CohortMembership.objects.exists()


def test_hr_enters_chosen_people_for_the_next_sitting(page, street):
    client, url = page
    the_sitting = sitting()
    people = street["people"]
    client.post(url, {"people": [people[6].pk, people[7].pk], "action": "enter"})
    entered = set(ExamEntry.objects.filter(sitting=the_sitting).values_list("person_id", flat=True))
    assert entered == {people[6].pk, people[7].pk}
    text = client.get(url).content.decode()
    assert '<strong data-testid="entered">2</strong>' in text
    assert "加入报名名单" in text
    ExamSitting.objects.filter(pk=the_sitting.pk).update(
        registration_deadline=datetime.date(2027, 3, 1)
    )
    text = client.get(url).content.decode()
    assert "加入报名名单" not in text  # registration closed: no button


def test_the_certification_report_links_its_gap_to_the_plan(page, street):
    client, _url = page
    report = client.get(
        reverse("talent_reports:certification"), {"target": street["target"].pk}
    ).content.decode()
    assert "查看缺口计划" in report and reverse("lms_gap_plan") in report


def test_the_plan_takes_the_same_queries_for_a_bigger_street(
    page, street, django_assert_max_num_queries
):
    client, url = page
    sitting()
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for i in range(40):
        person = PersonFactory(unit=street["unit"])
        if i % 2:
            ready(person, 0.5 + i / 100, 0.6)
        if i % 3 == 0:
            certificate(person, 1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        text = client.get(url).content.decode()
    assert text.count('name="people"') == 4 + 40 - 14


def test_the_plan_exports_its_ranking(page, street):
    import io

    from openpyxl import load_workbook

    client, url = page
    response = client.get(url + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    people = street["people"]
    assert [r[2] for r in rows] == [people[i].name for i in (8, 6, 7, 9)]
    assert rows[0][4] == 90 and rows[-1][4] is None  # 0.9025, then no estimate


def test_a_learner_cannot_open_the_plan(client, learner_user, street):
    client.force_login(learner_user)
    response = client.get(reverse("lms_gap_plan"))
    assert response.status_code in (302, 403)
    response = client.post(
        reverse("lms_gap_plan"),
        {"people": [street["people"][6].pk], "action": "enrol", "cohort": street["cohort"].pk},
    )
    assert response.status_code in (302, 403)
    assert not CohortMembership.objects.exists()
