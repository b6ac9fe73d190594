"""Placement reads: who may coordinate or speak for a university, overlaps,
capacity per base and term, the coordinator's queues and the pace rule.

Signed hours live in lms; selectors that need them take a ``{placement_id:
hours}`` mapping from the caller (talent never imports lms)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from talent.models import (
    RUBRIC,
    EvaluationParty,
    OrgUnit,
    Person,
    Placement,
    PlacementEvaluation,
    PlacementKind,
    PlacementStatus,
    PracticeBase,
    Role,
    University,
)
from talent.models.placements import HOLDING_STATUSES, RUBRIC_MAX, term_of
from talent.roles import ORGANISER_ROLES
from talent.selectors.access import Scope, scope_for

COORDINATOR_ROLES = ORGANISER_ROLES
# A placement is behind pace when its signed hours are under this share of
# the hours a steady pace would have reached by today.
PACE_TOLERANCE = Decimal("0.8")


def coordinator_scope(user) -> Scope:
    return scope_for(user, roles=COORDINATOR_ROLES)


def partner_scope(user) -> Scope:
    return scope_for(user, roles=(Role.PARTNER,))


def can_coordinate(user, unit: OrgUnit) -> bool:
    return coordinator_scope(user).contains_unit(unit)


def is_partner_for(user, unit: OrgUnit) -> bool:
    return partner_scope(user).contains_unit(unit)


def overlapping(
    person: Person, start: datetime.date, end: datetime.date, *, exclude: int | None = None
) -> Placement | None:
    """The person's first approved-or-later placement that shares a day with
    ``start``–``end``."""
    qs = Placement.objects.filter(
        person=person, status__in=HOLDING_STATUSES, start__lte=end, end__gte=start
    ).select_related("host_unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("start").first()


def used_places(base: PracticeBase, term: str) -> int:
    return Placement.objects.filter(base=base, term=term, status__in=HOLDING_STATUSES).count()


def most_places_taken(base: PracticeBase) -> int:
    """The most places any one term of ``base`` holds (one aggregate query)."""
    counts = (
        Placement.objects.filter(base=base, status__in=HOLDING_STATUSES)
        .values("term")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    return max(counts, default=0)


def required_parties(placement: Placement) -> tuple[str, ...]:
    """Interns are evaluated by all four parties; a rotation trainee has no
    university, so three."""
    if placement.kind == PlacementKind.ROTATION:
        return (EvaluationParty.SELF, EvaluationParty.MENTOR, EvaluationParty.HOST)
    return tuple(EvaluationParty.values)


def current_term(day: datetime.date | None = None) -> str:
    return term_of(day or timezone.localdate())


# Lists ----------------------------------------------------------------------


def _with_related(qs: QuerySet[Placement]) -> QuerySet[Placement]:
    return qs.select_related("person__unit", "host_unit", "base", "supervisor")


def placements_for_partner(scope: Scope) -> QuerySet[Placement]:
    """Placements of the partner's own students (people under its university)."""
    return _with_related(Placement.objects.filter(scope.q("person__unit__")))


def bases_for_partner(scope: Scope) -> QuerySet[PracticeBase]:
    return (
        PracticeBase.objects.filter(scope.q("university__unit__"), is_active=True)
        .select_related("host_unit", "university__unit")
        .order_by("name")
    )


def university_for_partner(scope: Scope) -> University | None:
    return University.objects.filter(scope.q("unit__")).select_related("unit").first()


def placements_for_coordinator(user) -> QuerySet[Placement]:
    return _with_related(Placement.objects.filter(coordinator_scope(user).q("host_unit__")))


def awaiting_approval(user) -> QuerySet[Placement]:
    return placements_for_coordinator(user).filter(status=PlacementStatus.PROPOSED)


def awaiting_evaluation(user) -> QuerySet[Placement]:
    return placements_for_coordinator(user).filter(status=PlacementStatus.COMPLETED)


def with_evaluations(qs: QuerySet[Placement]) -> QuerySet[Placement]:
    return qs.prefetch_related(
        Prefetch("evaluations", queryset=PlacementEvaluation.objects.order_by("party"))
    )


@dataclass(frozen=True)
class CapacityRow:
    base: PracticeBase
    term: str
    used: int
    capacity: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.used, 0)


def capacity_usage(user, term: str | None = None) -> list[CapacityRow]:
    """Places used against capacity for every base in the user's scope, for one
    term (the current one by default). One aggregate query."""
    term = term or current_term()
    bases = (
        PracticeBase.objects.filter(coordinator_scope(user).q("host_unit__"))
        .select_related("host_unit", "university__unit")
        .annotate(
            used=Count(
                "placements",
                filter=Q(placements__term=term, placements__status__in=HOLDING_STATUSES),
            )
        )
        .order_by("university__unit__path", "name")
    )
    return [CapacityRow(b, term, b.used, b.capacity_per_term) for b in bases]


def terms_in_use(user) -> list[str]:
    terms = set(
        placements_for_coordinator(user).exclude(term="").values_list("term", flat=True).distinct()
    )
    terms.add(current_term())
    return sorted(terms, reverse=True)


@dataclass(frozen=True)
class PaceRow:
    placement: Placement
    signed: Decimal
    expected: Decimal

    @property
    def shortfall(self) -> Decimal:
        return self.expected - self.signed


def pace(placement: Placement, signed: Decimal, on: datetime.date) -> PaceRow:
    return PaceRow(placement, signed, placement.expected_hours_on(on))


def is_behind(row: PaceRow) -> bool:
    return row.signed < row.expected * PACE_TOLERANCE


def behind_pace(placements, hours: dict[int, Decimal], on: datetime.date) -> list[PaceRow]:
    """Active placements whose signed hours trail the steady pace."""
    rows = [pace(p, hours.get(p.pk, Decimal(0)), on) for p in placements]
    return [r for r in rows if r.placement.status == PlacementStatus.ACTIVE and is_behind(r)]


# Evaluation breakdown --------------------------------------------------------


@dataclass(frozen=True)
class EvaluationSummary:
    parties: list[tuple[str, str, PlacementEvaluation | None]]
    criteria: list[tuple[str, list[int | None]]]
    average: Decimal | None
    missing: list[str]


def evaluation_summary(placement: Placement) -> EvaluationSummary:
    """The four-party result: each party's score and each criterion per party
    (uses the prefetched ``evaluations``)."""
    given = {e.party: e for e in placement.evaluations.all()}
    parties = [
        (party, label, given.get(party))
        for party, label in EvaluationParty.choices
        if party in required_parties(placement)
    ]
    criteria = [
        (label, [(e.scores.get(key) if e else None) for _p, _l, e in parties])
        for key, label in RUBRIC
    ]
    scores = [e.score for _p, _l, e in parties if e]
    average = (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None
    missing = [label for _p, label, e in parties if e is None]
    return EvaluationSummary(parties, criteria, average, missing)


RUBRIC_RANGE = range(1, RUBRIC_MAX + 1)


def placements_on_shift(unit: OrgUnit, day: datetime.date, person_ids) -> dict[int, Placement]:
    """For a shift held at ``unit`` on ``day``: each person's approved or active
    placement whose host is ``unit`` or one of its ancestors/descendants and
    whose dates cover ``day``. Keyed by person id; one query."""
    rows = Placement.objects.filter(
        person_id__in=list(person_ids),
        status__in=(PlacementStatus.APPROVED, PlacementStatus.ACTIVE),
        start__lte=day,
        end__gte=day,
    ).filter(Q(host_unit__path__in=unit.ancestor_paths) | Q(host_unit__path__startswith=unit.path))
    return {p.person_id: p for p in rows.order_by("-start")}


def has_placements(person: Person) -> bool:
    """Whether the person trains in, or supervises, any placement (one query)."""
    return Placement.objects.filter(Q(person=person) | Q(supervisor=person)).exists()


def own_placements(person: Person) -> QuerySet[Placement]:
    """A trainee's own placements, newest first (nothing withdrawn or rejected)."""
    return with_evaluations(
        _with_related(Placement.objects.filter(person=person))
        .exclude(status__in=(PlacementStatus.WITHDRAWN, PlacementStatus.REJECTED))
        .order_by("-start")
    )


def supervised_placements(person: Person) -> QuerySet[Placement]:
    """Running or finished placements a supervisor/mentor guides."""
    return with_evaluations(
        _with_related(
            Placement.objects.filter(
                supervisor=person,
                status__in=(
                    PlacementStatus.ACTIVE,
                    PlacementStatus.COMPLETED,
                    PlacementStatus.EVALUATED,
                ),
            )
        ).order_by("status", "-start")
    )


EVALUABLE = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


def evaluation_refusal(
    user, placement: Placement, party: str
) -> PermissionDenied | ValidationError | None:
    """Why ``user`` may not evaluate ``placement`` as ``party`` now, or None if they may.

    The one rule behind every "evaluate" button (phone, partner portal, admin) and the
    service that writes the evaluation: the user speaks for the party, the placement is
    running or finished, and that party has not evaluated yet. Uses prefetched
    ``evaluations`` when the queryset has them (``with_evaluations``).
    """
    if not may_evaluate_as(user, placement, party):
        return PermissionDenied(_("您不能以该身份评价这项实践。"))
    if placement.status not in EVALUABLE:
        return ValidationError(
            _("当前状态为“%(status)s”，不能执行此操作。")
            % {"status": placement.get_status_display()}
        )
    if any(e.party == party for e in placement.evaluations.all()):
        return ValidationError(_("该方已提交评价，不能重复提交。"))
    return None


def can_evaluate(user, placement: Placement, party: str) -> bool:
    return evaluation_refusal(user, placement, party) is None


def may_evaluate_as(user, placement: Placement, party: str) -> bool:
    """Who speaks for each of the four parties."""
    if party not in required_parties(placement):
        return False
    if party == EvaluationParty.SELF:
        return placement.person.user_id is not None and placement.person.user_id == user.pk
    if party == EvaluationParty.MENTOR:
        supervisor = placement.supervisor
        return supervisor is not None and supervisor.user_id == user.pk
    if party == EvaluationParty.HOST:
        return can_coordinate(user, placement.host_unit)
    return is_partner_for(user, placement.person.unit)


# Withdrawal -----------------------------------------------------------------

WITHDRAWABLE = (PlacementStatus.PROPOSED, PlacementStatus.APPROVED)


def can_withdraw(user, placement: Placement) -> bool:
    """The proposing university's partner or a coordinator of the host may withdraw a
    placement that has not started (``withdraw_placement`` enforces the same)."""
    return placement.status in WITHDRAWABLE and (
        is_partner_for(user, placement.person.unit) or can_coordinate(user, placement.host_unit)
    )


# Rotation plans ---------------------------------------------------------------


@dataclass
class RotationStageRow:
    order: int
    host_unit: OrgUnit
    weeks: int
    start: datetime.date
    end: datetime.date


@dataclass
class RotationMember:
    person: Person
    placements: list[Placement | None]


def rotation_plan_grid(plan) -> tuple[list[RotationStageRow], list[RotationMember]]:
    """A rotation plan's stages with their dates, and each member's placement at
    every stage (two queries whatever the size of the plan)."""
    stages, day = [], plan.start
    for stage in plan.stages.select_related("host_unit").order_by("order"):
        end = day + datetime.timedelta(weeks=stage.weeks) - datetime.timedelta(days=1)
        stages.append(RotationStageRow(stage.order, stage.host_unit, stage.weeks, day, end))
        day = end + datetime.timedelta(days=1)
    column = {(s.host_unit.pk, s.start): i for i, s in enumerate(stages)}
    members: dict[int, RotationMember] = {}
    placements = plan.placements.select_related("person__unit").order_by(
        "person__staff_no", "start"
    )
    for placement in placements:
        member = members.setdefault(
            placement.person_id, RotationMember(placement.person, [None] * len(stages))
        )
        index = column.get((placement.host_unit_id, placement.start))
        if index is not None:
            member.placements[index] = placement
    return stages, list(members.values())
