"""People reads: the person behind a login, people by 工号 inside a scope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from talent.models import OrgUnit, Person
from talent.models.people import display_name, linked_person  # noqa: F401 - re-exported
from talent.selectors.access import Scope


def person_for_user(user) -> Person | None:
    """The Person linked to ``user``: one query per request, cached on the user."""
    if user is None or not user.is_authenticated:
        return None
    if "_academy_person" not in user.__dict__:
        # get(), not filter().first(): the link is one-to-one, and first()'s
        # ORDER BY is wasted work on nearly every page.
        try:
            person = Person.objects.select_related("unit").get(user=user)
        except Person.DoesNotExist:
            person = None
        user.__dict__["_academy_person"] = person
    return user.__dict__["_academy_person"]


# The lookup a list adds to ``select_related`` for each user column: ``f"{field}__{USER_PERSON}"``.
USER_PERSON = "person__unit"


def account_names_to_sync():
    """Accounts whose first name differs from their person's 姓名.

    Wagtail's own chrome (the sidebar, the dashboard, history "by" columns) names an
    account by ``get_full_name()``; keeping it equal to the person's name means those
    places show the person too. See ``talent.services.people.sync_account_names``."""
    User = get_user_model()
    name = Person.objects.filter(user=OuterRef("pk")).values("name").order_by()[:1]
    return (
        User.objects.filter(person__isnull=False)
        .annotate(person_name=Subquery(name))
        .exclude(first_name=Subquery(name), last_name="")
    )


def people_by_staff_no(
    scope: Scope, numbers: Iterable[str], *, fields: Sequence[str] | None = None
) -> dict[str, Person]:
    """The people with these 工号 that ``scope`` covers, by 工号, in one query.

    The one lookup behind every screen and import that takes staff numbers. A number
    outside the scope is treated exactly like one that does not exist, and the messages
    below say so in one sentence: a user learns nothing about people they may not see.
    ``fields``, when given, are the only ones loaded (an import of 20,000 rows needs a
    few; reading any other field of these people would cost a query each).
    """
    numbers = list({n for n in numbers if n})
    if not numbers:
        return {}
    people = Person.objects.filter(scope.q("unit__"), staff_no__in=numbers)
    if fields is not None:
        people = people.only(*fields)
    people = list(people)
    # The few units once, shared by their people (a join would build one per person:
    # 20,000 copies for a district's import).
    units = OrgUnit.objects.in_bulk({p.unit_id for p in people})
    for person in people:
        person.unit = units[person.unit_id]
    return {p.staff_no: p for p in people}


def staff_no_not_found(number: str) -> str:
    return _("找不到工号 %(no)s，或该人员不在您的管辖范围内") % {"no": number}


def staff_nos_not_found(numbers: Iterable[str]) -> str:
    shown = sorted(numbers)
    more = len(shown) - 10
    text = "、".join(shown[:10]) + (_(" 等 %(n)d 个") % {"n": len(shown)} if more > 0 else "")
    return _("找不到这些工号，或其人员不在您的管辖范围内：%(n)s") % {"n": text}
