"""Access reads: the scope selector answers "which units and people may this user
see", and which roles a user holds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from talent.models import OrgUnit, Person, Role, ScopeGrant, UnitKind
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

    def contains_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    def users(self):
        """Login accounts whose Person lies in the scope (accounts without a
        Person belong to no subtree: only a global scope holds them)."""
        users = get_user_model().objects.all()
        return users if self.everything else users.filter(self.q("person__unit__"))


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
        rows = ScopeGrant.objects.filter(user=user).values_list(
            "role", "unit__path", "unit__depth", "unit__kind"
        )
        grants = [(role, path) for role, path, _d, _k in rows]
        user.__dict__["_academy_district_roles"] = {
            role for role, _p, depth, kind in rows if depth == 1 and kind == UnitKind.DISTRICT
        }
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


def holds_whole_district(user) -> bool:
    """Shared catalogues (posts and grades, policies, programmes, the question
    bank) belong to the whole district: only a user holding an admin role over
    the district itself (the root of its tree) may change them. No query beyond
    the user's grants."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    _grants(user)
    return bool(user.__dict__["_academy_district_roles"] & set(ADMIN_ROLES))


def units_of(obj, path: str) -> list:
    """The org units an object refers to along ``path`` ("centre",
    "salon.centre", "mentor.unit", "judges": dotted attributes; a related
    manager on the way is followed for every row; a Person stands for its unit
    and a login account for its Person's unit). ``""`` is the object itself."""
    values = [obj]
    for attr in [a for a in path.split(".") if a]:
        following = []
        for value in values:
            value = getattr(value, attr, None)
            if hasattr(value, "all") and callable(value.all):
                following.extend(value.all())
            elif value is not None:
                following.append(value)
        values = following
    return [_unit_of(value) for value in values]


def _unit_of(value):
    if isinstance(value, OrgUnit):
        return value
    if isinstance(value, Person):
        return value.unit
    person = getattr(value, "person", None) if hasattr(value, "get_username") else None
    return person.unit if isinstance(person, Person) else None


@dataclass(frozen=True)
class ScopeRule:
    """Where an object stands in the org tree, for reads and for writes.

    ``read`` is the path that decides whether a user sees the object (the
    viewset's list filter, as a dotted path); ``write`` lists every reference
    that must lie in the actor's scope when the object is created, changed or
    deleted — checked on the object as it was and as it will be. A
    ``district_wide`` object (a shared catalogue) is seen by everyone with the
    model permission and changed only by those who hold the whole district.
    """

    read: str = ""
    write: tuple[str, ...] = ("",)
    district_wide: bool = False
    roles: tuple[Role, ...] = ADMIN_ROLES

    def scope(self, user) -> Scope:
        return scope_for(user, roles=self.roles)

    def can_read(self, user, obj) -> bool:
        if self.district_wide:
            return True
        scope = self.scope(user)
        return scope.everything or any(scope.contains_unit(u) for u in units_of(obj, self.read))

    def write_refusal(self, user, obj) -> str | None:
        """None when ``user`` may write ``obj`` as it stands, else the reason."""
        if self.district_wide:
            if holds_whole_district(user):
                return None
            return _("这是全区共用的设置，只有管辖全区的管理员可以修改。")
        scope = self.scope(user)
        if scope.everything:
            return None
        for path in self.write:
            for unit in units_of(obj, path):
                if not scope.contains_unit(unit):
                    return _("所选单位或人员不在您的管辖范围内。")
        return None


def role_grants(user) -> list[tuple[Role, str]]:
    """Each role the user holds with the unit it covers, for "who am I" screens:
    ``[(Role.PARTNER, "西南大学"), …]`` in one query."""
    if not user.is_authenticated:
        return []
    grants = (
        ScopeGrant.objects.filter(user=user).select_related("unit").order_by("role", "unit__path")
    )
    return [(Role(g.role), g.unit.name) for g in grants]
