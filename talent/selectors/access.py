"""Access reads: the scope selector answers "which units and people may this user
see", and which roles a user holds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from talent.models import OrgUnit, Person, Role, ScopeGrant
from talent.roles import ADMIN_ROLES


@dataclass(frozen=True)
class Scope:
    """The OrgUnit subtrees a user holds some roles over.

    ``paths`` are the materialised paths of the granted units, with any path
    already covered by a shorter one dropped. Filtering is one indexed prefix
    query per list; checking one object needs no query at all.
    """

    paths: tuple[str, ...]
    everything: bool = False

    def q(self, prefix: str = "") -> Q:
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        field = f"{prefix}path__startswith"
        return reduce(or_, (Q(**{field: p}) for p in self.paths))

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths

    def units(self) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(self.q())

    def people(self) -> QuerySet[Person]:
        return Person.objects.filter(self.q("unit__"))

    def contains_unit(self, unit: OrgUnit | None) -> bool:
        if unit is None:
            return False
        return self.everything or any(unit.path.startswith(p) for p in self.paths)

    def contains_person(self, person: Person) -> bool:
        return self.contains_unit(person.unit)


def _minimal(paths: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _grants(user) -> list[tuple[str, str]]:
    """Every (role, unit path) the user holds: one query per request, cached on the user."""
    grants = user.__dict__.get("_academy_grants")
    if grants is None:
        grants = list(ScopeGrant.objects.filter(user=user).values_list("role", "unit__path"))
        user.__dict__["_academy_grants"] = grants
    return grants


def scope_for(user, roles: tuple[Role, ...] = ADMIN_ROLES) -> Scope:
    """The subtrees ``user`` holds any of ``roles`` over (no query after the first)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(paths=())
    if user.is_superuser:
        return Scope(paths=(), everything=True)
    wanted = set(roles)
    return Scope(paths=_minimal([path for role, path in _grants(user) if role in wanted]))


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {role for role, _path in _grants(user)}


def role_grants(user) -> list[tuple[Role, str]]:
    """Each role the user holds with the unit it covers, for "who am I" screens:
    ``[(Role.PARTNER, "西南大学"), …]`` in one query."""
    if not user.is_authenticated:
        return []
    grants = (
        ScopeGrant.objects.filter(user=user).select_related("unit").order_by("role", "unit__path")
    )
    return [(Role(g.role), g.unit.name) for g in grants]
