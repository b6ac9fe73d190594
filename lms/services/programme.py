"""Cohort membership: organisers add people one by one, by unit, or from .xlsx."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import Cohort, CohortMembership, CoursePage
from ..permissions import organiser_scope, require_organiser
from .courses import enrol_people


@transaction.atomic
def add_members(*, actor, cohort: Cohort, people) -> int:
    """Add people to a cohort and enrol them in every course its tier's stages
    require. Both the cohort and each person must be in the actor's scope
    (``actor=None`` is the system itself, for demo loading). Returns how many
    people were new to the cohort."""
    people = list(people)
    if actor is not None:
        require_organiser(actor, cohort.unit)
        scope = organiser_scope(actor)
        # no names: a refusal must not tell who the people outside the scope are
        if any(not scope.contains_person(p) for p in people):
            raise PermissionDenied(_("所选人员中有不在您管辖范围内的人员。"))
    new_ids = join_cohort(actor=actor, cohort=cohort, people=people)
    if new_ids:
        talent.record_audit(
            actor=actor, action="lms.cohort.add_members", obj=cohort, after={"added": len(new_ids)}
        )
    return len(new_ids)


def join_cohort(*, actor, cohort: Cohort, people: list) -> list[int]:
    """Make ``people`` members of ``cohort`` and enrol them in the courses its
    tier's stages require; the ids of those new to it. Callers check who may."""
    existing = set(cohort.memberships.values_list("person_id", flat=True))
    new_ids = [p.pk for p in people if p.pk not in existing]
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, person_id=pid) for pid in new_ids],
        ignore_conflicts=True,
        batch_size=500,
    )
    courses = list(CoursePage.objects.filter(stages__tier=cohort.tier).distinct())
    enrol_people(actor=actor, person_ids=new_ids, courses=courses)
    return new_ids


def add_members_by_unit(*, actor, cohort: Cohort, unit: talent.OrgUnit, kinds=None) -> int:
    """Add every active person of ``unit`` and its subtree (optionally of some kinds)."""
    people = talent.Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
    if kinds:
        people = people.filter(kind__in=kinds)
    return add_members(actor=actor, cohort=cohort, people=people.select_related("unit"))


@transaction.atomic
def save_cohort(*, actor, cohort: Cohort, mentors=None, blueprints=None) -> Cohort:
    """Create or update a cohort. The organiser must manage its unit, before and
    after the change, so a cohort cannot be moved out of (or into) a subtree the
    organiser does not manage."""
    creating = cohort.pk is None
    require_organiser(actor, cohort.unit)
    before: dict = {}
    if not creating:
        stored = (
            Cohort.objects.select_for_update(of=("self",)).select_related("unit").get(pk=cohort.pk)
        )
        require_organiser(actor, stored.unit)
        before = talent.snapshot(stored)
    cohort.full_clean()
    cohort.save()
    if mentors is not None:
        cohort.mentors.set(mentors)
    if blueprints is not None:
        cohort.exam_blueprints.set(blueprints)
    after = talent.snapshot(cohort)
    if creating:
        talent.record_audit(actor=actor, action="lms.cohort.create", obj=cohort, after=after)
    else:
        changed = [k for k in after if before.get(k) != after.get(k)]
        talent.record_audit(
            actor=actor,
            action="lms.cohort.edit",
            obj=cohort,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    return cohort


@transaction.atomic
def delete_cohort(*, actor, cohort: Cohort) -> None:
    require_organiser(actor, cohort.unit)
    talent.record_audit(
        actor=actor, action="lms.cohort.delete", obj=cohort, before=talent.snapshot(cohort)
    )
    cohort.delete()
