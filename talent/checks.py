"""Permission and scope checks shared by the certification and ladder services.

``actor=None`` is the system itself (demo loading, scheduled tasks): it passes.
A user must hold the model permission and have the person or unit in scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from talent.selectors.access import scope_for
from talent.selectors.duties import self_decision_refusal


def require_perm(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def require_person_in_scope(actor, person) -> None:
    if actor is not None and not scope_for(actor).contains_person(person):
        raise PermissionDenied(_("该人员不在您的管辖范围内。"))


def require_unit_in_scope(actor, unit, message=None) -> None:
    if actor is not None and not scope_for(actor).contains_unit(unit):
        raise PermissionDenied(message or _("该单位不在您的管辖范围内。"))


def require_user_perm(actor, perm: str) -> None:
    """The strict form, for org, people and role writes: only a user holding
    ``perm`` passes (``actor=None`` is refused; callers that allow the system
    say so before calling)."""
    if not (actor and actor.has_perm(perm)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def require_user_unit_in_scope(actor, unit) -> None:
    """The strict form of ``require_unit_in_scope``: ``actor=None`` is refused."""
    if not scope_for(actor).contains_unit(unit):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))


def require_people_in_scope(actor, people) -> None:
    """``require_person_in_scope`` for many people at once (their units loaded):
    no query."""
    if actor is None:
        return
    scope = scope_for(actor)
    if any(not scope.contains_person(p) for p in people):
        raise PermissionDenied(_("该人员不在您的管辖范围内。"))


def require_not_self(actor, people, decision) -> None:
    """Separation of duties: refuse, naming the rule, a decision about the
    actor's own person (``talent.selectors.duties``). A ValidationError, so a
    form shows it beside the fields and nothing is written."""
    refusal = self_decision_refusal(actor, people, decision)
    if refusal:
        raise ValidationError(refusal, code="separation_of_duties")
