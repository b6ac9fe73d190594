"""People reads: the person behind a login."""

from __future__ import annotations

from talent.models import Person


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
