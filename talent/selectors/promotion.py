"""Promotion-round reads: the people of a round with their rule results and
place on the list, who may take each step (and, if not, why — the same answer
the services refuse with), what the round costs, the notices staff see, and
the round's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from talent.models import (
    CandidateStatus,
    Grade,
    GradeChange,
    OrgUnit,
    PayPolicy,
    Person,
    Post,
    PromotionCandidate,
    PromotionObjection,
    PromotionReview,
    Role,
    RoundStatus,
)
from talent.selectors.access import scope_for
from talent.selectors.calendar import working_days_between
from talent.selectors.duties import Decision, is_self, self_decision_refusal
from talent.selectors.ladder import Evaluation, evaluate_people

APPROVER_ROLES = (Role.DISTRICT_ADMIN,)


def review_people(review: PromotionReview) -> QuerySet[Person]:
    """Everyone the round evaluates: active people with a post in its subtree."""
    return Person.objects.filter(
        is_active=True, unit__path__startswith=review.unit.path, post__isnull=False
    )


def review_staff(review: PromotionReview) -> QuerySet[Person]:
    """The unit's staff, who see its 公示 notice and may object."""
    return Person.objects.filter(is_active=True, unit__path__startswith=review.unit.path)


def listed_candidates(review: PromotionReview) -> QuerySet[PromotionCandidate]:
    return (
        review.candidates.filter(status=CandidateStatus.LISTED)
        .select_related("person__unit", "post")
        .order_by("person__unit__path", "person__staff_no")
    )


# The people of a round --------------------------------------------------------


def listed_elsewhere(review: PromotionReview, people) -> dict[int, str]:
    """People of ``people`` (a queryset or ids) on the list of another round still
    running (draft or 公示), with its title: nobody is promoted twice at once."""
    return dict(
        PromotionCandidate.objects.filter(
            person__in=people,
            status=CandidateStatus.LISTED,
            review__status__in=(RoundStatus.DRAFT, RoundStatus.NOTICE),
        )
        .exclude(review=review)
        .values_list("person_id", "review__title")
    )


@dataclass
class RoundRow:
    evaluation: Evaluation
    candidate: PromotionCandidate | None
    approved: bool
    own: bool  # the viewing user's own person
    elsewhere: str = ""  # the title of another running round that lists the person

    @property
    def person(self) -> Person:
        return self.evaluation.person

    @property
    def listed(self) -> bool:
        return self.candidate is not None and self.candidate.status == CandidateStatus.LISTED

    @property
    def withdrawn(self) -> bool:
        return self.candidate is not None and self.candidate.status == CandidateStatus.WITHDRAWN

    @property
    def state(self) -> str:
        if self.approved:
            return "approved"
        if self.listed:
            return "listed"
        if self.withdrawn:
            return "withdrawn"
        return "eligible" if self.evaluation.eligible else "ineligible"

    @property
    def listable(self) -> bool:
        return self.state == "eligible" and not self.own and not self.elsewhere


STATES = ("eligible", "ineligible", "listed", "withdrawn", "approved")


def round_rows(review: PromotionReview, user) -> list[RoundRow]:
    """Every person of the round, evaluated on its reference date: six queries
    (people, assessments, certificates, the list, approvals, other rounds' lists),
    whatever the size."""
    people = review_people(review)
    evaluations = evaluate_people(people, review.review_date)
    candidates = {c.person_id: c for c in review.candidates.all()}
    approved = set(review.grade_changes.values_list("person_id", flat=True))
    elsewhere = listed_elsewhere(review, people.values("pk"))
    return [
        RoundRow(
            e,
            candidates.get(e.person.pk),
            e.person.pk in approved,
            is_self(user, e.person),
            elsewhere.get(e.person.pk, ""),
        )
        for e in evaluations
    ]


@dataclass
class RoundFilters:
    unit: OrgUnit | None = None
    post: Post | None = None
    rule: str = ""  # a failed rule's key
    state: str = ""

    def keep(self, row: RoundRow) -> bool:
        person = row.person
        if self.unit is not None and not person.unit.path.startswith(self.unit.path):
            return False
        if self.post is not None and person.post_id != self.post.pk:
            return False
        if self.rule and not any(r.key == self.rule for r in row.evaluation.failed):
            return False
        return not self.state or row.state == self.state


def state_counts(rows: list[RoundRow]) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    counts["all"] = len(rows)
    counts["listable"] = sum(1 for row in rows if row.listable)
    return counts


# Who may take each step ---------------------------------------------------------


def may_edit(user, review: PromotionReview) -> bool:
    """HR of the round's unit: drafts the list, publishes, answers objections."""
    return user.has_perm("talent.change_promotionreview") and scope_for(user).contains_unit(
        review.unit
    )


def listing_refusal(
    user, review: PromotionReview, evaluation: Evaluation, elsewhere: str = ""
) -> str | None:
    if review.status != RoundStatus.DRAFT:
        return _("名单已公示，不能再增加人员。")
    refusal = self_decision_refusal(user, evaluation.person, Decision.ROUND_LIST)
    if refusal:
        return refusal
    if not evaluation.eligible:
        return _("%(name)s 不符合晋级条件。") % {"name": evaluation.person.name}
    if elsewhere:
        return _("%(name)s 已在“%(title)s”的名单中。") % {
            "name": evaluation.person.name,
            "title": elsewhere,
        }
    return None


def publish_refusal(user, review: PromotionReview, listed: list[PromotionCandidate]) -> str | None:
    if not may_edit(user, review):
        return _("只有本单位的人事专员可以发布公示。")
    if review.status != RoundStatus.DRAFT:
        return _("该评审已发布公示。")
    if not listed:
        return _("拟晋级名单为空，请先将符合条件的人员列入名单。")
    return self_decision_refusal(user, [c.person for c in listed], Decision.ROUND_LIST)


def notice_open(review: PromotionReview, today: datetime.date) -> bool:
    return review.status == RoundStatus.NOTICE and today <= review.notice_ends_on


def objection_refusal(
    person: Person | None, review: PromotionReview, today: datetime.date
) -> str | None:
    """Staff of the round's unit may object while the notice period runs."""
    if person is None or not person.unit.path.startswith(review.unit.path):
        return _("只有本单位的工作人员可以对公示提出异议。")
    if not notice_open(review, today):
        return _("公示期已结束，不能再提出异议。")
    return None


def answer_refusal(user, objection: PromotionObjection) -> str | None:
    review = objection.review
    if not may_edit(user, review):
        return _("只有本单位的人事专员可以答复异议。")
    if objection.is_answered:
        return _("该异议已答复。")
    if review.status != RoundStatus.NOTICE:
        return _("该评审已不在公示期，不能再答复异议。")
    if objection.candidate_id:
        return self_decision_refusal(user, objection.candidate.person, Decision.OBJECTION)
    return None


def withdraw_refusal(user, candidate: PromotionCandidate) -> str | None:
    if not may_edit(user, candidate.review):
        return _("只有本单位的人事专员可以调整名单。")
    if candidate.review.status not in (RoundStatus.DRAFT, RoundStatus.NOTICE):
        return _("该评审已结束，名单不能再调整。")
    if candidate.status != CandidateStatus.LISTED:
        return _("%(name)s 已不在名单中。") % {"name": candidate.person.name}
    return None


def approver_refusal(user, review: PromotionReview) -> str | None:
    """The second signature: a district admin over the unit (the approval
    permission is theirs alone), never the one who drafted or published."""
    if not (
        user.has_perm("talent.approve_promotionreview")
        and scope_for(user, roles=APPROVER_ROLES).contains_unit(review.unit)
    ):
        return _("晋级须由区级管理员审批。")
    if user.pk in (review.created_by_id, review.published_by_id):
        return _("职责分离：起草或发布公示的人不能审批同一评审，须由第二审批人审批。")
    if review.status != RoundStatus.NOTICE:
        return _("只有公示中的评审可以审批。")
    return None


def approval_refusal(
    user, review: PromotionReview, today: datetime.date, *, unanswered: int, listed: list
) -> str | None:
    refusal = approver_refusal(user, review)
    if refusal:
        return refusal
    if today <= review.notice_ends_on:
        return _("公示期至 %(date)s 结束，期满后方可审批。") % {"date": review.notice_ends_on}
    if unanswered:
        return _("还有 %(n)s 条异议未答复，答复后方可审批。") % {"n": unanswered}
    if not listed:
        return _("拟晋级名单为空。")
    return self_decision_refusal(user, [c.person for c in listed], Decision.PROMOTION)


@dataclass
class RoundState:
    """What the round page shows and offers the viewing user, with the reason
    for each step that is not (yet) theirs to take."""

    listed: list[PromotionCandidate]
    objections: list[PromotionObjection]
    can_edit: bool
    publish: str | None  # refusal, or None when offered
    approve: str | None
    reject: str | None
    working_days: int | None = None
    unanswered: int = field(init=False)

    def __post_init__(self):
        self.unanswered = sum(1 for o in self.objections if not o.is_answered)


def round_state(user, review: PromotionReview, today: datetime.date | None = None) -> RoundState:
    """Three queries: the list, the objections, and (published rounds) the calendar."""
    today = today or timezone.localdate()
    listed = list(listed_candidates(review))
    objections = list(
        review.objections.select_related("raised_by__unit", "candidate__person", "answered_by")
    )
    unanswered = sum(1 for o in objections if not o.is_answered)
    for objection in objections:  # the answer button shows only where it is not refused
        objection.refusal = None if objection.is_answered else answer_refusal(user, objection)
    days = None
    if review.notice_starts_on:
        days = working_days_between(review.notice_starts_on, review.notice_ends_on)
    return RoundState(
        listed=listed,
        objections=objections,
        can_edit=may_edit(user, review),
        publish=publish_refusal(user, review, listed),
        approve=approval_refusal(user, review, today, unanswered=unanswered, listed=listed),
        reject=approver_refusal(user, review),
        working_days=days,
    )


# What staff see ---------------------------------------------------------------


def _covering(person: Person) -> QuerySet[PromotionReview]:
    """Published rounds whose unit is the person's unit or one above it."""
    unit = person.unit
    steplen = OrgUnit.steplen
    prefixes = [unit.path[:end] for end in range(steplen, len(unit.path) + 1, steplen)]
    return (
        PromotionReview.objects.filter(unit__path__in=prefixes)
        .exclude(status=RoundStatus.DRAFT)
        .select_related("unit")
    )


def notices_for(person: Person, today: datetime.date, *, days_shown: int = 90):
    """The 公示 notices a person of the unit sees: those running, then those
    that ended in the last ``days_shown`` days. One query."""
    since = today - datetime.timedelta(days=days_shown)
    return _covering(person).filter(notice_ends_on__gte=since).order_by("-notice_starts_on", "-id")


def current_notice_count(person: Person, today: datetime.date) -> int:
    return _covering(person).filter(status=RoundStatus.NOTICE, notice_ends_on__gte=today).count()


def notice_for(person: Person, pk: int) -> PromotionReview | None:
    """One notice, or None when it is not one the person may see (a 404)."""
    return _covering(person).filter(pk=pk).first()


def own_objections(review: PromotionReview, person: Person) -> list[PromotionObjection]:
    return list(review.objections.filter(raised_by=person).select_related("candidate__person"))


def round_history(review: PromotionReview) -> QuerySet[ModelLogEntry]:
    """The round's audit events, oldest first (each step writes one)."""
    return (
        ModelLogEntry.objects.for_instance(review)
        .select_related("user")
        .order_by("timestamp", "id")
    )


# What a round costs -----------------------------------------------------------


@dataclass
class UnitCost:
    """One unit's monthly pay bill (base × coefficients): of the people promoted,
    and of everyone graded in the unit, before and after the round."""

    unit: OrgUnit
    people: int = 0
    promoted_before: Decimal = Decimal(0)
    promoted_after: Decimal = Decimal(0)
    payroll_before: Decimal = Decimal(0)
    months: int = 12

    @property
    def increase(self) -> Decimal:
        return self.promoted_after - self.promoted_before

    @property
    def increase_per_year(self) -> Decimal:
        return self.increase * self.months

    @property
    def payroll_after(self) -> Decimal:
        return self.payroll_before + self.increase

    @property
    def share(self) -> Decimal | None:
        """The increase as a percentage of the unit's pay bill."""
        if not self.payroll_before:
            return None
        return (self.increase * 100 / self.payroll_before).quantize(Decimal("0.1"))


@dataclass
class RoundCost:
    units: list[UnitCost]
    total: UnitCost
    base: Decimal
    months: int


def round_cost(
    review: PromotionReview, listed: list[PromotionCandidate] | None = None
) -> RoundCost:
    """The listed people's pay before and after, by unit, per month and per year,
    from each grade's pay coefficient and the district's base pay (data). Four
    queries: policy, grades, the list, and one grouped sum of every unit's bill."""
    policy = PayPolicy.load()
    base, months = policy.base_monthly_pay, policy.months_per_year
    coefficient = dict(Grade.objects.values_list("number", "pay_coefficient"))
    rows: dict[int, UnitCost] = {}
    for candidate in listed_candidates(review) if listed is None else listed:
        unit = candidate.person.unit
        cost = rows.setdefault(unit.pk, UnitCost(unit, months=months))
        cost.people += 1
        cost.promoted_before += policy.monthly(coefficient.get(candidate.from_grade, 0))
        cost.promoted_after += policy.monthly(coefficient.get(candidate.to_grade, 0))
    latest = GradeChange.objects.filter(
        person=OuterRef("pk"), effective_on__lte=review.review_date
    ).order_by("-effective_on", "-id")
    bills = (
        review_people(review)
        .filter(unit_id__in=list(rows))
        .annotate(coefficient=Subquery(latest.values("grade__pay_coefficient")[:1]))
        .values("unit_id")
        .annotate(total=Sum("coefficient"))
        .order_by()
    )
    for bill in bills:
        rows[bill["unit_id"]].payroll_before = (base * (bill["total"] or 0)).quantize(
            Decimal("0.01")
        )
    units = sorted(rows.values(), key=lambda c: c.unit.path)
    total = UnitCost(review.unit, months=months)
    for cost in units:
        total.people += cost.people
        total.promoted_before += cost.promoted_before
        total.promoted_after += cost.promoted_after
        total.payroll_before += cost.payroll_before
    return RoundCost(units, total, base, months)
