"""The certification report, exam rules, certificates, snapshots and CE pace."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from talent.models import (
    CEHourEntry,
    Certificate,
    CertificateStatus,
    CertificationSnapshot,
    GradeChange,
    Person,
    RegistrationPeriod,
    Role,
)
from talent.selectors import certification
from talent.services import certification as certification_services
from tests.clock import pinned
from tests.factories import PersonFactory
from tests.talent.factories_hr import certificate, place, target

TODAY = datetime.date(2026, 11, 23)
# The data is built around TODAY (a certificate obtained after it, a target due at the
# end of its year); the views read the clock, so the clock is pinned to it.
pytestmark = pinned(TODAY)


@pytest.fixture
def workers(district):
    """盘龙 10 workers (6 certified: 4 助理, 1 中级, 1 高级+助理), 龙泉 5 (1 certified),
    plus people the report must ignore."""
    panlong = [PersonFactory(unit=district["panlong"]) for _ in range(10)]
    longquan = [PersonFactory(unit=district["longquan"]) for _ in range(5)]
    for person in panlong[:4]:
        certificate(person, 1)
    certificate(panlong[4], 2)
    certificate(panlong[5], 1)
    certificate(panlong[5], 3)  # counted once, at its highest level
    certificate(longquan[0], 1)
    # Not counted: expired, proposed, revoked, obtained after the date, an intern, a leaver.
    certificate(panlong[6], 1, valid_until=datetime.date(2026, 1, 1))
    certificate(panlong[7], 1, status=CertificateStatus.PROPOSED, number="")
    certificate(panlong[8], 1, status=CertificateStatus.REVOKED)
    certificate(longquan[1], 1, obtained_on=datetime.date(2026, 12, 1))
    certificate(PersonFactory(unit=district["panlong"], kind="intern"), 1)
    certificate(PersonFactory(unit=district["panlong"], is_active=False), 1)
    return {"panlong": panlong, "longquan": longquan}


def report_for(unit, rate=89, **kwargs):
    return certification.certification_report(
        target=target(unit, rate, **kwargs), unit=unit, as_of=TODAY
    )


@pytest.mark.django_db
def test_report_counts_population_levels_rate_and_gap(district, workers):
    report = report_for(district["jl"])
    assert report.total.population == 15
    assert report.total.tally.by_level == {1: 5, 2: 1, 3: 1}
    assert report.total.certified == 7
    assert report.total.rate == Decimal("46.7")
    # ceil(0.89 * 15) = 14 certified needed, 7 held
    assert report.total.gap == 7
    rows = {row.label: row for row in report.children}
    assert rows["盘龙社区"].population == 10 and rows["盘龙社区"].certified == 6
    assert rows["盘龙社区"].gap == 3  # ceil(8.9) = 9
    assert rows["龙泉社区"].population == 5 and rows["龙泉社区"].certified == 1
    assert rows["龙泉社区"].gap == 4  # ceil(4.45) = 5


@pytest.mark.django_db
def test_target_already_met_shows_no_gap(district, workers):
    report = report_for(district["panlong"], rate=50)
    assert report.total.rate == Decimal("60.0")
    assert report.total.gap == 0 and report.total.met


@pytest.mark.django_db
def test_empty_population_has_no_rate_and_no_gap(district):
    report = report_for(district["longquan"])
    assert report.total.population == 0
    assert report.total.rate is None and report.total.gap == 0 and not report.total.met


@pytest.mark.django_db
def test_person_moved_between_units_counts_where_they_are_now(district, workers):
    moved = workers["panlong"][0]
    moved.unit = district["longquan"]
    moved.save()
    rows = {r.label: r for r in report_for(district["jl"]).children}
    assert (rows["盘龙社区"].population, rows["盘龙社区"].certified) == (9, 5)
    assert (rows["龙泉社区"].population, rows["龙泉社区"].certified) == (6, 2)


@pytest.mark.django_db
def test_target_limited_to_a_post(district, workers):
    place(workers["panlong"][0], 5, post="deputy")
    place(workers["panlong"][9], 5, post="deputy")
    from talent.models import Post

    report = report_for(district["jl"], post=Post.objects.get(code="deputy"))
    assert (report.total.population, report.total.certified) == (2, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 1000])
def test_report_query_count_does_not_grow(district, workers, extra, django_assert_max_num_queries):
    Person.objects.bulk_create(
        [
            Person(
                staff_no=f"B{i:05d}",
                name="批量",
                kind="community_worker",
                unit=district["longquan"],
            )
            for i in range(extra)
        ]
    )
    tgt = target(district["jl"])
    with django_assert_max_num_queries(4):
        report = certification.certification_report(target=tgt, unit=district["jl"], as_of=TODAY)
    assert report.total.population == 15 + extra


@pytest.mark.django_db
def test_snapshots_roll_up_and_are_idempotent(district, workers):
    tgt = target(district["jl"])
    certification_services.snapshot_target(tgt, TODAY)
    certification_services.snapshot_target(tgt, TODAY)
    rows = {s.unit.name: s for s in CertificationSnapshot.objects.select_related("unit")}
    assert set(rows) == {"九龙街道", "盘龙社区", "龙泉社区"}
    assert (rows["九龙街道"].population, rows["九龙街道"].certified) == (15, 7)
    assert rows["盘龙社区"].senior == 1 and rows["盘龙社区"].assistant == 4
    report = certification.certification_report(target=tgt, unit=district["jl"], as_of=TODAY)
    assert [p.month for p in report.trend] == [datetime.date(2026, 11, 1)]
    certification_services.snapshot_target(tgt, datetime.date(2026, 10, 31))
    report = certification.certification_report(target=tgt, unit=district["jl"], as_of=TODAY)
    assert [p.month.month for p in report.trend] == [10, 11]


@pytest.mark.django_db
def test_nightly_schedule_exists_once():
    from django_q.models import Schedule

    from talent.tasks import SNAPSHOT_SCHEDULE, ensure_snapshot_schedule

    ensure_snapshot_schedule()
    schedule = Schedule.objects.get(name=SNAPSHOT_SCHEDULE)
    assert schedule.func == "talent.tasks.take_certification_snapshots"


# Exams and certificates -------------------------------------------------------


@pytest.fixture
def hr(jl_hr):
    return jl_hr


def sit(hr, person, year, level, subject, score):
    return certification_services.record_exam_attempt(
        actor=hr, person=person, year=year, level=level, subject=subject, score=score
    )


@pytest.mark.django_db
def test_assistant_needs_both_subjects_in_the_same_year(hr, people):
    person = people["panlong"]
    assert sit(hr, person, 2024, 1, "comprehensive", 70)[1] is None
    assert sit(hr, person, 2025, 1, "practice", 65)[1] is None  # a different year
    _attempt, proposed = sit(hr, person, 2025, 1, "comprehensive", 60)
    assert proposed.status == CertificateStatus.PROPOSED and proposed.exam_year == 2025
    # Another passing score does not propose a second certificate.
    assert sit(hr, person, 2025, 1, "practice", 80)[1] is None
    assert Certificate.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_intermediate_needs_three_subjects_within_two_consecutive_years(hr, people):
    person = people["panlong"]
    sit(hr, person, 2023, 2, "comprehensive", 75)
    sit(hr, person, 2024, 2, "practice", 61)
    assert sit(hr, person, 2025, 2, "regulations", 66)[1] is None  # 2023 is too old
    sit(hr, person, 2025, 2, "practice", 59.5)
    _attempt, proposed = sit(hr, person, 2025, 2, "comprehensive", 60)
    assert proposed is not None and proposed.level == 2


@pytest.mark.django_db
def test_exam_for_a_person_outside_scope_is_refused(hr, people):
    with pytest.raises(PermissionDenied):
        sit(hr, people["xijiao"], 2025, 1, "practice", 90)


@pytest.mark.django_db
def test_confirming_opens_a_registration_period_and_grants_the_bonus(hr, people):
    person = people["panlong"]
    place(person, 3, on=datetime.date(2021, 1, 1))
    sit(hr, person, 2025, 1, "comprehensive", 70)
    _a, proposed = sit(hr, person, 2025, 1, "practice", 70)
    with pytest.raises(ValidationError):
        certification_services.save_certificate(
            actor=hr,
            certificate=Certificate(
                person=person, level=1, obtained_on=TODAY, status=CertificateStatus.VALID
            ),
        )
    certification_services.confirm_certificate(
        actor=hr,
        certificate=proposed,
        number="2025CQ000123",
        obtained_on=datetime.date(2026, 3, 1),
    )
    period = RegistrationPeriod.objects.get(certificate=proposed)
    assert (period.starts_on, period.ends_on, period.required_hours) == (
        datetime.date(2026, 3, 1),
        datetime.date(2029, 3, 1),
        72,
    )
    latest = GradeChange.objects.filter(person=person).order_by("-effective_on", "-id").first()
    assert latest.grade.number == 4 and latest.reason == "certification"


@pytest.mark.django_db
def test_duplicate_certificate_number_is_a_clear_error(hr, people):
    certificate(people["panlong"], 1, number="DUP1")
    with pytest.raises(ValidationError):
        certification_services.save_certificate(
            actor=hr,
            certificate=Certificate(
                person=people["longquan"], level=1, number="DUP1", obtained_on=TODAY
            ),
        )


@pytest.mark.django_db
def test_ce_pace_lists_people_behind(hr, people):
    ahead, behind = people["panlong"], people["longquan"]
    for person in (ahead, behind):
        cert = certificate(person, 1, obtained_on=datetime.date(2025, 11, 23))
        RegistrationPeriod.objects.create(
            person=person,
            certificate=cert,
            starts_on=datetime.date(2025, 11, 23),
            ends_on=datetime.date(2028, 11, 23),
            required_hours=72,
        )
    CEHourEntry.objects.create(
        person=ahead,
        hours=30,
        source="course",
        source_ref="c1",
        earned_on=datetime.date(2026, 5, 1),
    )
    CEHourEntry.objects.create(
        person=behind,
        hours=10,
        source="course",
        source_ref="c1",
        earned_on=datetime.date(2026, 5, 1),
    )
    CEHourEntry.objects.create(
        person=behind,
        hours=50,
        source="course",
        source_ref="old",
        earned_on=datetime.date(2024, 5, 1),
    )  # before the period
    from talent.selectors.access import scope_for

    rows = certification.ce_pace(scope_for(hr), TODAY)
    assert [r.period.person for r in rows] == [behind]
    assert rows[0].earned == Decimal("10") and rows[0].expected == Decimal("24.0")


# Admin: scope, exports, query counts -----------------------------------------


@pytest.fixture
def hr_client(client, jl_hr):
    client.force_login(jl_hr)
    return client


@pytest.mark.django_db
def test_hr_report_page_and_export(hr_client, district, workers):
    tgt = target(district["jl"])
    url = reverse("talent_reports:certification")
    response = hr_client.get(url, {"target": tgt.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "盘龙社区" in body and "<svg" in body and "西郊社区" not in body
    response = hr_client.get(url, {"target": tgt.pk, "export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "单位" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]][:2] == ["九龙街道", 15]
    assert workbook.worksheets[2].max_row == 1 + 15 - 7


@pytest.mark.django_db
def test_hr_of_one_street_cannot_report_on_another(client, district, workers, user_with_role):
    other = user_with_role(Role.HR, district["yjp"])
    client.force_login(other)
    tgt = target(district["jl"])
    response = client.get(reverse("talent_reports:certification"), {"target": tgt.pk})
    assert "盘龙社区" not in response.content.decode()
    district_target = target(district["district"])
    response = client.get(
        reverse("talent_reports:certification"),
        {"target": district_target.pk, "unit": district["jl"].pk},
    )
    body = response.content.decode()
    assert "盘龙社区" not in body and "西郊社区" in body  # falls back to their own street


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 300])
def test_report_page_queries_do_not_grow(
    hr_client, district, workers, extra, django_assert_max_num_queries
):
    Person.objects.bulk_create(
        [
            Person(
                staff_no=f"Q{i:05d}", name="批量", kind="community_worker", unit=district["panlong"]
            )
            for i in range(extra)
        ]
    )
    tgt = target(district["jl"])
    with django_assert_max_num_queries(16):
        assert (
            hr_client.get(reverse("talent_reports:certification"), {"target": tgt.pk}).status_code
            == 200
        )


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 200])
def test_certificate_list_queries_do_not_grow(
    hr_client, district, extra, django_assert_max_num_queries
):
    people = [PersonFactory(unit=district["panlong"]) for _ in range(extra // 10)]
    for person in people:
        certificate(person, 1)
    with django_assert_max_num_queries(20):
        assert hr_client.get(reverse("talent_certificate:index")).status_code == 200


@pytest.mark.django_db
def test_certificate_outside_scope_is_404(hr_client, people):
    cert = certificate(people["xijiao"], 1)
    for view in ("edit", "inspect", "history"):
        url = reverse(f"talent_certificate:{view}", args=[cert.pk])
        assert hr_client.get(url).status_code == 404
    assert "王西郊" not in hr_client.get(reverse("talent_certificate:index")).content.decode()


@pytest.mark.django_db
def test_dashboard_panel_shows_rate_vs_target(hr_client, district, workers):
    target(district["jl"])
    body = hr_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "持证率与目标" in body and "46.7%" in body and "还需 7 人持证" in body


def test_trend_chart_axis_starts_below_the_lowest_rate():
    from talent.charts import trend_chart
    from talent.selectors.certification import TrendPoint

    points = [TrendPoint(datetime.date(2026, m, 1), 100, c) for m, c in ((9, 74), (10, 80))]
    chart = trend_chart(points, target=Decimal(89))
    assert [g["label"] for g in chart["grid"]] == ["60%", "70%", "80%", "90%", "100%"]
    assert chart["points"][0].y > chart["points"][1].y > chart["target_y"]
