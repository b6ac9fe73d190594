import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from talent.models import Placement, PlacementStatus, term_of
from talent.selectors.placements import (
    behind_pace,
    capacity_usage,
    evaluation_summary,
    with_evaluations,
)
from talent.services import placements as svc
from tests.factories import PersonFactory

from .factories_placements import PlacementFactory

SPRING = (datetime.date(2026, 3, 2), datetime.date(2026, 6, 26))
FULL = {"ethics": 5, "skills": 4, "communication": 4, "records": 3, "reflection": 4}


def propose(bases, student, base="panlong", dates=SPRING, actor=None):
    return svc.propose_placement(
        actor=actor or bases["swu_partner"],
        person=student,
        base=bases[base],
        start=dates[0],
        end=dates[1],
        required_hours=120,
    )


def test_terms_split_spring_and_autumn():
    assert term_of(datetime.date(2026, 3, 1)) == "2026-spring"
    assert term_of(datetime.date(2026, 9, 1)) == "2026-autumn"
    assert term_of(datetime.date(2027, 1, 10)) == "2026-autumn"


def test_partner_proposes_own_student_at_own_base(bases, students):
    placement = propose(bases, students[0])
    assert placement.status == PlacementStatus.PROPOSED
    assert placement.term == "2026-spring"
    assert placement.host_unit == bases["panlong"].host_unit
    assert ModelLogEntry.objects.filter(action="talent.placement.propose").count() == 1


def test_partner_cannot_propose_another_universitys_student(bases, people):
    with pytest.raises(PermissionDenied):
        propose(bases, people["cqcm_student"])


def test_partner_cannot_propose_at_another_universitys_base(bases, students):
    with pytest.raises(PermissionDenied):
        propose(bases, students[0], base="cqcm_panlong")


def test_dates_must_fall_inside_the_agreement(bases, students):
    base = bases["panlong"]
    day = datetime.timedelta(days=1)
    after = (base.agreement_end - 10 * day, base.agreement_end + day)
    before = (base.agreement_start - day, base.agreement_start + 10 * day)
    for dates in (after, before):
        with pytest.raises(ValidationError, match="协议期内"):
            propose(bases, students[0], dates=dates)
    assert not Placement.objects.filter(person=students[0]).exists()


def test_coordinator_approves_and_proposer_is_notified(bases, students):
    placement = propose(bases, students[0])
    svc.approve_placement(actor=bases["coordinator"], placement=placement)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.APPROVED
    assert placement.decided_by == bases["coordinator"]
    assert bases["swu_partner"].notifications.filter(title__contains="已批准").exists()


def test_partner_cannot_approve(bases, students):
    placement = propose(bases, students[0])
    with pytest.raises(PermissionDenied):
        svc.approve_placement(actor=bases["swu_partner"], placement=placement)


def test_coordinator_of_another_subdistrict_cannot_approve(bases, students):
    placement = propose(bases, students[0])
    with pytest.raises(PermissionDenied):
        svc.approve_placement(actor=bases["yjp_coordinator"], placement=placement)


def test_base_never_exceeds_capacity(bases, students):
    a, b, c = (propose(bases, s) for s in students[:3])
    svc.approve_placement(actor=bases["coordinator"], placement=a)
    svc.approve_placement(actor=bases["coordinator"], placement=b)
    with pytest.raises(ValidationError, match="名额已满"):
        svc.approve_placement(actor=bases["coordinator"], placement=c)
    c.refresh_from_db()
    assert c.status == PlacementStatus.PROPOSED


def test_capacity_counts_per_term(bases, students):
    for s in students[:2]:
        svc.approve_placement(actor=bases["coordinator"], placement=propose(bases, s))
    autumn = (datetime.date(2026, 9, 7), datetime.date(2026, 12, 25))
    later = propose(bases, students[2], dates=autumn)
    svc.approve_placement(actor=bases["coordinator"], placement=later)
    rows = {(r.base.name, r.term): r for r in capacity_usage(bases["coordinator"], "2026-spring")}
    assert rows[("盘龙社区实践基地", "2026-spring")].used == 2
    assert rows[("龙泉社区实践基地", "2026-spring")].used == 0


def test_withdrawn_placement_frees_its_place(bases, students):
    a, b, c = (propose(bases, s) for s in students[:3])
    svc.approve_placement(actor=bases["coordinator"], placement=a)
    svc.approve_placement(actor=bases["coordinator"], placement=b)
    svc.withdraw_placement(actor=bases["swu_partner"], placement=a, reason="学生转专业")
    svc.approve_placement(actor=bases["coordinator"], placement=c)
    c.refresh_from_db()
    assert c.status == PlacementStatus.APPROVED


def test_person_is_never_in_two_overlapping_placements(bases, students):
    first = propose(bases, students[0])
    svc.approve_placement(actor=bases["coordinator"], placement=first)
    overlapping = (datetime.date(2026, 6, 1), datetime.date(2026, 7, 31))
    with pytest.raises(ValidationError, match="时间不能重叠"):
        propose(bases, students[0], base="longquan", dates=overlapping)


def test_overlap_is_checked_again_at_approval(bases, students):
    first = propose(bases, students[0])
    second = propose(bases, students[0], base="longquan")  # both only proposed
    svc.approve_placement(actor=bases["coordinator"], placement=first)
    with pytest.raises(ValidationError, match="时间不能重叠"):
        svc.approve_placement(actor=bases["coordinator"], placement=second)


def test_adjacent_placements_do_not_overlap(bases, students):
    spring = propose(bases, students[0])
    svc.approve_placement(actor=bases["coordinator"], placement=spring)
    after = (datetime.date(2026, 6, 27), datetime.date(2026, 7, 31))
    summer = propose(bases, students[0], "longquan", after)
    svc.approve_placement(actor=bases["coordinator"], placement=summer)
    spring.refresh_from_db()
    summer.refresh_from_db()
    assert (spring.status, summer.status) == (PlacementStatus.APPROVED, PlacementStatus.APPROVED)
    assert spring.end + datetime.timedelta(days=1) == summer.start


def test_reject_needs_a_reason(bases, students):
    placement = propose(bases, students[0])
    with pytest.raises(ValidationError):
        svc.reject_placement(actor=bases["coordinator"], placement=placement, reason=" ")
    svc.reject_placement(actor=bases["coordinator"], placement=placement, reason="名额已预留")
    placement.refresh_from_db()
    assert (placement.status, placement.status_reason) == ("rejected", "名额已预留")


def test_status_order_is_enforced(bases, students):
    placement = propose(bases, students[0])
    with pytest.raises(ValidationError):
        svc.complete_placement(actor=bases["coordinator"], placement=placement)
    with pytest.raises(ValidationError):
        svc.start_placement(actor=bases["coordinator"], placement=placement)


@pytest.fixture
def running(bases, students, district):
    """An active intern placement with a student login and a mentor login."""
    from tests.factories import UserFactory

    student = students[0]
    student.user = UserFactory(username="student_swu")
    student.save()
    mentor = PersonFactory(unit=district["panlong"], name="督导老师", user=UserFactory())
    placement = propose(bases, student)
    svc.approve_placement(actor=bases["coordinator"], placement=placement, supervisor=mentor)
    placement = svc.start_placement(actor=bases["coordinator"], placement=placement)
    return placement, student.user, mentor.user


def test_four_evaluations_make_a_completed_placement_evaluated(bases, running):
    placement, student_user, mentor_user = running
    svc.submit_evaluation(actor=student_user, placement=placement, party="self", scores=FULL)
    svc.submit_evaluation(actor=mentor_user, placement=placement, party="mentor", scores=FULL)
    svc.complete_placement(actor=bases["coordinator"], placement=placement)
    svc.submit_evaluation(
        actor=bases["coordinator"], placement=placement, party="host", scores=FULL
    )
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.COMPLETED
    evaluation = svc.submit_evaluation(
        actor=bases["swu_partner"],
        placement=placement,
        party="university",
        scores={**FULL, "records": 5},
        comment="表现优秀",
    )
    assert evaluation.score == Decimal("88.0")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.EVALUATED
    summary = evaluation_summary(with_evaluations(Placement.objects).get(pk=placement.pk))
    assert [p for p, _label, e in summary.parties] == ["self", "mentor", "host", "university"]
    assert summary.average == Decimal("82.0")
    assert summary.missing == []
    assert dict(summary.criteria)["文书记录与规范"] == [3, 3, 3, 5]


def test_each_party_speaks_only_for_itself(bases, running):
    placement, student_user, mentor_user = running
    for actor, party in [
        (student_user, "mentor"),
        (mentor_user, "self"),
        (bases["swu_partner"], "host"),
        (bases["cqcm_partner"], "university"),
        (bases["yjp_coordinator"], "host"),
    ]:
        with pytest.raises(PermissionDenied):
            svc.submit_evaluation(actor=actor, placement=placement, party=party, scores=FULL)


def test_evaluation_is_given_once_and_scores_are_checked(bases, running):
    placement, student_user, _mentor = running
    with pytest.raises(ValidationError):
        svc.submit_evaluation(
            actor=student_user, placement=placement, party="self", scores={**FULL, "ethics": 6}
        )
    svc.submit_evaluation(actor=student_user, placement=placement, party="self", scores=FULL)
    with pytest.raises(ValidationError):
        svc.submit_evaluation(actor=student_user, placement=placement, party="self", scores=FULL)


def test_coordinator_closes_evaluation_with_a_reason(bases, running):
    placement, *_ = running
    svc.complete_placement(actor=bases["coordinator"], placement=placement)
    with pytest.raises(ValidationError):
        svc.close_evaluation(actor=bases["coordinator"], placement=placement, reason="")
    svc.close_evaluation(actor=bases["coordinator"], placement=placement, reason="学生已毕业离校")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.EVALUATED
    assert placement.status_reason == "学生已毕业离校"


def test_pace_warning_flags_active_placements_behind(bases, running):
    placement, *_ = running
    halfway = datetime.date(2026, 4, 29)  # 59 of 117 days → 60.5 h expected
    expected = placement.expected_hours_on(halfway)
    assert expected == Decimal("60.5")
    assert behind_pace([placement], {placement.pk: Decimal("30")}, halfway)[0].shortfall == Decimal(
        "30.5"
    )
    assert behind_pace([placement], {placement.pk: Decimal("55")}, halfway) == []


def test_rotation_plan_creates_consecutive_placements_in_one_step(district, bases, user_with_role):
    from tests.factories import make_unit

    centre = make_unit("九龙社工中心", parent=district["jl"], kind="centre")
    station = make_unit("九龙街道社工站", parent=district["jl"], kind="station")
    cohort = [PersonFactory(unit=district["panlong"]) for _ in range(3)]
    plan = svc.create_rotation_plan(
        actor=bases["coordinator"],
        name="2026年轮岗实训第一期",
        start=datetime.date(2026, 3, 2),
        weekly_hours=20,
        people=cohort,
        stages=[(district["longquan"], 4), (centre, 4), (station, 2)],
    )
    rows = list(Placement.objects.filter(rotation_plan=plan, person=cohort[0]).order_by("start"))
    assert [(p.host_unit.name, p.start, p.end, p.required_hours) for p in rows] == [
        ("龙泉社区", datetime.date(2026, 3, 2), datetime.date(2026, 3, 29), Decimal("80")),
        ("九龙社工中心", datetime.date(2026, 3, 30), datetime.date(2026, 4, 26), Decimal("80")),
        ("九龙街道社工站", datetime.date(2026, 4, 27), datetime.date(2026, 5, 10), Decimal("40")),
    ]
    assert Placement.objects.filter(rotation_plan=plan, status="approved").count() == 9


def test_rotation_plan_is_all_or_nothing_on_a_clash(district, bases):
    busy, free = PersonFactory(unit=district["panlong"]), PersonFactory(unit=district["panlong"])
    PlacementFactory(
        person=busy,
        base=None,
        kind="rotation",
        host_unit=district["longquan"],
        status="active",
        start=datetime.date(2026, 3, 20),
        end=datetime.date(2026, 3, 25),
    )
    with pytest.raises(ValidationError):
        svc.create_rotation_plan(
            actor=bases["coordinator"],
            name="冲突计划",
            start=datetime.date(2026, 3, 2),
            weekly_hours=20,
            people=[free, busy],
            stages=[(district["panlong"], 4)],
        )
    assert not Placement.objects.filter(person=free).exists()


def test_rotation_plan_outside_scope_is_forbidden(district, bases):
    with pytest.raises(PermissionDenied):
        svc.create_rotation_plan(
            actor=bases["coordinator"],
            name="越权计划",
            start=datetime.date(2026, 3, 2),
            weekly_hours=20,
            people=[PersonFactory(unit=district["panlong"])],
            stages=[(district["xijiao"], 4)],
        )
