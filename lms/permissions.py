"""Who may act on whose learning records. Every service and view asks here.

- A learner acts only for their own Person.
- A mentor reviews members of the cohorts where they are listed as a mentor.
- An organiser (or district admin) manages cohorts of units in their scope.
- A person's records (practice logs and their photos, case submissions and their
  attachments) are seen by that person, their mentors, HR staff and organisers
  whose scope holds the person, and the partner university the student belongs
  to (``can_see_records_of``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from talent import api as talent

from .models import Cohort, CohortMembership, Mentorship

ORGANISER_ROLES = talent.ORGANISER_ROLES


def is_mentor(user) -> bool:
    return user.is_superuser or talent.Role.MENTOR in talent.user_roles(user)


def require_mentor(user) -> None:
    """Mentor desks and mentor sessions are for people holding the mentor role."""
    if not is_mentor(user):
        raise PermissionDenied(_("此页面仅供导师使用。"))


def person_of(user) -> talent.Person | None:
    """The Person linked to ``user`` (cached per request by talent)."""
    return talent.person_for_user(user)


def require_self(actor, person) -> None:
    own = person_of(actor)
    if own is None or own.pk != person.pk:
        raise PermissionDenied(_("只能办理本人的学习事项。"))


def organiser_scope(user) -> talent.Scope:
    return talent.scope_for(user, roles=ORGANISER_ROLES)


def require_organiser(actor, unit) -> None:
    if not organiser_scope(actor).contains_unit(unit):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


def mentee_ids_query(user):
    """Person ids of every member of a cohort where ``user``'s Person is a mentor."""
    mentor = person_of(user)
    if mentor is None:
        return CohortMembership.objects.none().values("person_id")
    return CohortMembership.objects.filter(cohort__mentors=mentor).values("person_id")


def is_mentor_of(user, person) -> bool:
    mentor = person_of(user)
    if mentor is None:
        return False
    return Cohort.objects.filter(mentors=mentor, memberships__person=person).exists()


def require_mentor_of(actor, person) -> None:
    if not is_mentor_of(actor, person):
        raise PermissionDenied(_("您不是该学员所在班级的导师。"))


def mentors_person(user, person) -> bool:
    """``user`` mentors ``person`` now: a current mentorship, or a cohort of theirs."""
    mentor = person_of(user)
    if mentor is None:
        return False
    if Mentorship.objects.current().filter(mentor=mentor, mentee=person).exists():
        return True
    return is_mentor_of(user, person)


def can_see_records_of(user, person) -> bool:
    """Who sees a person's practice and case records, files included: the person,
    HR/organisers/district admins whose subtree holds the person, the partner
    university of its own student, and the person's current mentors."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    own = person_of(user)
    if own is not None and own.pk == person.pk:
        return True
    if talent.scope_for(user, roles=talent.ADMIN_ROLES).contains_person(person):
        return True
    if talent.partner_scope(user).contains_person(person):
        return True
    return mentors_person(user, person)
