"""Gap-plan writes: enrol chosen people into a 考试专班, and put them on the next
sitting's 报名 list (talent owns the list; this calls its service)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import Cohort, CohortKind
from .programme import join_cohort


def _require_plan_rights(actor, perm: str, people) -> talent.Scope:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    scope = talent.scope_for(actor)
    outside = [p for p in people if not scope.contains_person(p)]
    if outside:
        raise PermissionDenied(
            _("以下人员不在您的管辖范围内：%(names)s")
            % {"names": "、".join(p.name for p in outside[:5])}
        )
    return scope


@transaction.atomic
def enrol_in_exam_class(*, actor, cohort: Cohort, people) -> list:
    """Enrol the chosen people into a 考试专班 of a unit in the actor's scope, and
    tell each of them. Everyone must be in the actor's scope, or nobody is
    enrolled. Returns the people new to the cohort."""
    people = list(people)
    if not people:
        raise ValidationError(_("请至少选择一名人员。"))
    scope = _require_plan_rights(actor, "lms.add_cohortmembership", people)
    if cohort.kind != CohortKind.EXAM_CLASS:
        raise ValidationError(_("只能加入考试专班。"))
    if not scope.contains_unit(cohort.unit):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    new_ids = set(join_cohort(actor=actor, cohort=cohort, people=people))
    joined = [p for p in people if p.pk in new_ids]
    if joined:
        talent.record_audit(
            actor=actor,
            action="lms.cohort.enrol_from_plan",
            obj=cohort,
            after={"people": [p.staff_no for p in joined]},
        )
    for person in joined:
        if person.user_id:
            talent.notify(
                recipient=person.user,
                title=_("您已加入%(cohort)s") % {"cohort": cohort.name},
                body=_("人事专员根据持证目标为您报名了考试专班，请按时参加学习和模拟考试。"),
                url=reverse("lms:exams"),
            )
    return joined


def enter_for_next_sitting(*, actor, sitting, people) -> tuple[list, list]:
    """Put the chosen people on the sitting's 报名 list at 助理社会工作师."""
    people = list(people)
    if not people:
        raise ValidationError(_("请至少选择一名人员。"))
    return talent.enter_for_sitting(
        actor=actor, sitting=sitting, people=people, level=talent.CertLevel.ASSISTANT
    )
