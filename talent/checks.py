"""Permission and scope checks shared by the certification and ladder services.

``actor=None`` is the system itself (demo loading, scheduled tasks): it passes.
A user must hold the model permission and have the person or unit in scope."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from talent.selectors.access import scope_for


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


def require_not_about_self(actor, people) -> None:
    """Nobody records a fact about themselves (a certificate, an exam result, an
    assessment of their own person)."""
    from talent.selectors.people import person_for_user

    own = person_for_user(actor) if actor is not None else None
    if own is not None and any(p.pk == own.pk for p in people):
        raise PermissionDenied(_("不能登记与本人有关的记录，请由其他人员办理。"))
