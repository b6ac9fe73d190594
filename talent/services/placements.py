"""Placement writes: propose, decide, run, evaluate, plan rotations.

Every service is one transaction that validates, checks the actor's rights on
the server, changes rows, writes an audit event and notifies after commit.

Capacity and "never two placements at once" hold under concurrent approval:
the base row and the person row are locked (``select_for_update`` on
PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), so
the count and the overlap check see every committed approval.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from talent import audit
from talent.models import (
    RUBRIC,
    OrgUnit,
    Person,
    Placement,
    PlacementEvaluation,
    PlacementKind,
    PlacementStatus,
    PracticeBase,
    Role,
    RotationPlan,
    RotationStage,
    ScopeGrant,
)
from talent.models.placements import RUBRIC_MAX
from talent.roles import ORGANISER_ROLES
from talent.selectors.access import scope_for
from talent.selectors.placements import (
    can_coordinate,
    evaluation_refusal,
    is_partner_for,
    most_places_taken,
    overlapping,
    required_parties,
    used_places,
)
from talent.services.notifications import notify

S = PlacementStatus


def _require_coordinator(actor, unit: OrgUnit) -> None:
    if not can_coordinate(actor, unit):
        raise PermissionDenied(_("您不是该实践单位的协调人。"))


def _lock(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("person__unit", "host_unit", "base__university__unit", "supervisor")
        .get(pk=placement.pk)
    )


def _require_status(placement: Placement, *allowed: str) -> None:
    if placement.status not in allowed:
        raise ValidationError(
            _("当前状态为“%(status)s”，不能执行此操作。")
            % {"status": placement.get_status_display()}
        )


def _check_no_overlap(placement: Placement) -> None:
    clash = overlapping(placement.person, placement.start, placement.end, exclude=placement.pk)
    if clash is not None:
        raise ValidationError(
            _("%(name)s 在 %(start)s～%(end)s 已有实践安排（%(host)s），时间不能重叠。")
            % {
                "name": placement.person.name,
                "start": clash.start,
                "end": clash.end,
                "host": clash.host_unit.name,
            }
        )


def _coordinators(unit: OrgUnit):
    grants = ScopeGrant.objects.filter(
        role=Role.ORGANISER, unit__path__in=unit.ancestor_paths
    ).select_related("user")
    return {g.user for g in grants}


def _notify_later(users, title: str, body: str = "", url: str = "") -> None:
    for user in users:
        if user is not None:
            notify(recipient=user, title=title, body=body, url=url)


def _log(actor, action: str, placement: Placement, before: dict, **extra) -> None:
    after = audit.snapshot(placement, ["status", "status_reason", "supervisor", "decided_by"])
    before, after = audit.diff(before, after)
    audit.record(actor=actor, action=action, obj=placement, before=before, after=after, **extra)


def _state(placement: Placement) -> dict:
    return audit.snapshot(placement, ["status", "status_reason", "supervisor", "decided_by"])


# Proposing ------------------------------------------------------------------


@transaction.atomic
def propose_placement(
    *,
    actor,
    person: Person,
    base: PracticeBase,
    start: datetime.date,
    end: datetime.date,
    required_hours: Decimal | int,
    supervisor: Person | None = None,
) -> Placement:
    """A university partner proposes one of its own students at one of its own
    bases (or a coordinator of the host unit does it for them). The dates must
    fall inside the agreement; approval decides capacity."""
    university_unit = base.university.unit
    partner = is_partner_for(actor, person.unit) and is_partner_for(actor, university_unit)
    if not (partner or can_coordinate(actor, base.host_unit)):
        raise PermissionDenied(_("您不能为该学生或该基地提出实习申请。"))
    if not university_unit.contains(person.unit):
        raise ValidationError(_("该学生不属于此基地的合作高校。"))
    if not base.is_active:
        raise ValidationError(_("该实践基地已停用。"))
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期。"))
    if start < base.agreement_start or end > base.agreement_end:
        raise ValidationError(
            _("实习日期须在基地协议期内（%(start)s～%(end)s）。")
            % {"start": base.agreement_start, "end": base.agreement_end}
        )
    if Decimal(required_hours) <= 0:
        raise ValidationError(_("要求学时必须大于 0。"))
    placement = Placement(
        kind=PlacementKind.INTERN,
        person=person,
        base=base,
        host_unit=base.host_unit,
        supervisor=supervisor,
        start=start,
        end=end,
        required_hours=Decimal(required_hours),
        proposed_by=actor,
    )
    _check_no_overlap(placement)
    placement.full_clean()
    placement.save()
    audit.record(
        actor=actor,
        action="talent.placement.propose",
        obj=placement,
        after=audit.snapshot(placement),
    )
    _notify_later(
        _coordinators(base.host_unit),
        _("新的实习申请：%(name)s") % {"name": person.name},
        _("%(base)s，%(start)s～%(end)s，待审批。")
        % {"base": base.name, "start": start, "end": end},
    )
    return placement


# Deciding -------------------------------------------------------------------


@transaction.atomic
def approve_placement(
    *, actor, placement: Placement, supervisor: Person | None = None
) -> Placement:
    """Approve a proposal. The base's approved places in the term may not exceed
    its capacity and the person may not hold an overlapping placement; both are
    checked with the base and the person locked, so two coordinators approving
    at the same moment cannot both take the last place."""
    if placement.base_id is not None:
        PracticeBase.objects.select_for_update().get(pk=placement.base_id)
    Person.objects.select_for_update().get(pk=placement.person_id)
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    _require_status(placement, S.PROPOSED)
    before = _state(placement)
    _check_no_overlap(placement)
    if placement.base_id is not None:
        base = placement.base
        used = used_places(base, placement.term)
        if used >= base.capacity_per_term:
            raise ValidationError(
                _("%(base)s 本学期名额已满（%(used)d/%(cap)d）。")
                % {"base": base.name, "used": used, "cap": base.capacity_per_term}
            )
    if supervisor is not None:
        placement.supervisor = supervisor
    placement.status = S.APPROVED
    placement.status_reason = ""
    placement.decided_by = actor
    placement.save()
    _log(actor, "talent.placement.approve", placement, before)
    _notify_later(
        [placement.proposed_by],
        _("实习申请已批准：%(name)s") % {"name": placement.person.name},
        _("%(host)s，%(start)s～%(end)s。")
        % {"host": placement.host_unit.name, "start": placement.start, "end": placement.end},
    )
    return placement


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写原因。"))
    return reason


@transaction.atomic
def reject_placement(*, actor, placement: Placement, reason: str) -> Placement:
    reason = _require_reason(reason)
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    _require_status(placement, S.PROPOSED)
    before = _state(placement)
    placement.status, placement.status_reason, placement.decided_by = S.REJECTED, reason, actor
    placement.save()
    _log(actor, "talent.placement.reject", placement, before)
    _notify_later(
        [placement.proposed_by],
        _("实习申请未获批准：%(name)s") % {"name": placement.person.name},
        reason,
    )
    return placement


@transaction.atomic
def withdraw_placement(*, actor, placement: Placement, reason: str) -> Placement:
    """The proposing partner or a coordinator withdraws a placement that has not
    started; its place at the base is freed."""
    reason = _require_reason(reason)
    placement = _lock(placement)
    if not (
        is_partner_for(actor, placement.person.unit) or can_coordinate(actor, placement.host_unit)
    ):
        raise PermissionDenied(_("您不能撤回该实践安排。"))
    _require_status(placement, S.PROPOSED, S.APPROVED)
    before = _state(placement)
    placement.status, placement.status_reason = S.WITHDRAWN, reason
    placement.save()
    _log(actor, "talent.placement.withdraw", placement, before)
    return placement


@transaction.atomic
def save_practice_base(*, actor, base: PracticeBase, supervisors=None) -> PracticeBase:
    """Create or change a practice base. Its capacity per term never drops below
    the places already taken in a term (proposed, approved or running): the base
    row is locked, so an approval cannot slip in between the count and the save.
    (Scope, before and after, is checked by the admin's save_in_scope around it.)"""
    creating = base.pk is None
    before = {}
    if not creating:
        stored = PracticeBase.objects.select_for_update().get(pk=base.pk)
        before = audit.snapshot(stored)
        taken = most_places_taken(stored)
        if base.capacity_per_term < taken:
            raise ValidationError(
                {
                    "capacity_per_term": _(
                        "已有一个学期占用了 %(taken)d 个名额，每学期名额不能少于 %(taken)d。"
                    )
                    % {"taken": taken}
                }
            )
    base.full_clean()
    base.save()
    if supervisors is not None:
        base.supervisors.set(supervisors)
    before, after = audit.diff(before, audit.snapshot(base))
    audit.record(
        actor=actor,
        action="academy.create" if creating else "academy.edit",
        obj=base,
        before=before,
        after=after,
    )
    return base


@transaction.atomic
def set_supervisor(*, actor, placement: Placement, supervisor: Person | None) -> Placement:
    """A coordinator names the placement's supervisor/mentor, who must belong to
    a unit the coordinator manages."""
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    if supervisor is not None and not can_coordinate(actor, supervisor.unit):
        raise PermissionDenied(_("督导须是您管辖范围内的人员。"))
    before = _state(placement)
    placement.supervisor = supervisor
    placement.save()
    _log(actor, "talent.placement.supervisor", placement, before)
    return placement


# Running --------------------------------------------------------------------


@transaction.atomic
def start_placement(*, actor, placement: Placement) -> Placement:
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    _require_status(placement, S.APPROVED)
    before = _state(placement)
    placement.status = S.ACTIVE
    placement.save()
    _log(actor, "talent.placement.start", placement, before)
    return placement


@transaction.atomic
def complete_placement(*, actor, placement: Placement) -> Placement:
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    _require_status(placement, S.ACTIVE)
    before = _state(placement)
    placement.status = S.COMPLETED
    _mark_evaluated_if_complete(placement)
    placement.save()
    _log(actor, "talent.placement.complete", placement, before)
    return placement


def _mark_evaluated_if_complete(placement: Placement) -> None:
    if placement.status != S.COMPLETED:
        return
    given = set(placement.evaluations.values_list("party", flat=True))
    if set(required_parties(placement)) <= given:
        placement.status = S.EVALUATED


# Evaluating -----------------------------------------------------------------


def rubric_score(scores: dict) -> Decimal:
    total = sum(int(scores[key]) for key, _label in RUBRIC)
    return (Decimal(total) * 100 / (RUBRIC_MAX * len(RUBRIC))).quantize(Decimal("0.1"))


@transaction.atomic
def submit_evaluation(
    *, actor, placement: Placement, party: str, scores: dict, comment: str = ""
) -> PlacementEvaluation:
    """One rubric evaluation per party (self, mentor, host unit, university).
    When the last required one arrives on a completed placement, the
    placement becomes evaluated."""
    placement = _lock(placement)
    refusal = evaluation_refusal(actor, placement, party)
    if refusal is not None:
        raise refusal
    clean = {}
    for key, label in RUBRIC:
        try:
            value = int(scores.get(key))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= RUBRIC_MAX:
            raise ValidationError(
                _("“%(item)s”须打 1～%(max)d 分。") % {"item": label, "max": RUBRIC_MAX}
            )
        clean[key] = value
    evaluation = PlacementEvaluation.objects.create(
        placement=placement,
        party=party,
        scores=clean,
        score=rubric_score(clean),
        comment=comment.strip(),
        submitted_by=actor,
    )
    audit.record(
        actor=actor,
        action="talent.placement.evaluate",
        obj=placement,
        after={"party": party, "score": str(evaluation.score)},
    )
    before = _state(placement)
    _mark_evaluated_if_complete(placement)
    if placement.status == S.EVALUATED:
        placement.save()
        _log(actor, "talent.placement.evaluated", placement, before)
    return evaluation


@transaction.atomic
def close_evaluation(*, actor, placement: Placement, reason: str) -> Placement:
    """A coordinator closes a completed placement's evaluation without every
    party having answered, and says why."""
    reason = _require_reason(reason)
    placement = _lock(placement)
    _require_coordinator(actor, placement.host_unit)
    _require_status(placement, S.COMPLETED)
    before = _state(placement)
    placement.status, placement.status_reason = S.EVALUATED, reason
    placement.save()
    _log(actor, "talent.placement.close_evaluation", placement, before)
    return placement


# Rotation plans -------------------------------------------------------------


@transaction.atomic
def create_rotation_plan(
    *,
    actor,
    name: str,
    start: datetime.date,
    weekly_hours: Decimal | int,
    people: list[Person],
    stages: list[tuple[OrgUnit, int]],
    supervisor: Person | None = None,
) -> RotationPlan:
    """Plan a cohort's rotation through host units, ``weeks`` at each, one stage
    after another, in one step: every member gets one approved rotation
    placement per stage, or nobody gets any (a clash with an existing
    placement stops the whole plan)."""
    scope = scope_for(actor, roles=ORGANISER_ROLES)
    if not stages or not people:
        raise ValidationError(_("轮岗计划至少需要一个阶段和一名成员。"))
    for unit, weeks in stages:
        if not scope.contains_unit(unit):
            raise PermissionDenied(_("所选单位不在您的管辖范围内。"))
        if weeks <= 0:
            raise ValidationError(_("每个阶段至少一周。"))
    for person in people:
        if not scope.contains_person(person):
            raise PermissionDenied(_("所选人员不在您的管辖范围内。"))
    weekly_hours = Decimal(weekly_hours)
    plan = RotationPlan.objects.create(
        name=name, start=start, weekly_hours=weekly_hours, created_by=actor
    )
    windows = []
    day = start
    for order, (unit, weeks) in enumerate(stages, start=1):
        RotationStage.objects.create(plan=plan, order=order, host_unit=unit, weeks=weeks)
        end = day + datetime.timedelta(weeks=weeks) - datetime.timedelta(days=1)
        windows.append((unit, day, end, weekly_hours * weeks))
        day = end + datetime.timedelta(days=1)
    locked = Person.objects.select_for_update().filter(pk__in=[p.pk for p in people])
    created = []
    for person in locked.select_related("unit"):
        for unit, first, last, hours in windows:
            placement = Placement(
                kind=PlacementKind.ROTATION,
                person=person,
                host_unit=unit,
                supervisor=supervisor,
                rotation_plan=plan,
                start=first,
                end=last,
                required_hours=hours,
                status=S.APPROVED,
                proposed_by=actor,
                decided_by=actor,
            )
            _check_no_overlap(placement)
            created.append(placement)
    for placement in created:
        placement.save()
    audit.record(
        actor=actor,
        action="talent.rotation.plan",
        obj=plan,
        after={
            "stages": [f"{unit.name}×{weeks}" for unit, weeks in stages],
            "people": len(people),
            "placements": len(created),
        },
    )
    return plan
