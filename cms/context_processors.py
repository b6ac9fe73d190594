from django.utils.functional import SimpleLazyObject

from talent import api as talent


def surface(request):
    """What the site, phone and partner headers need: roles, the unread count, and
    whether the account has a person (learning pages belong to a person).

    Lazy, so pages that never draw them (the Wagtail admin) pay no query; the person
    is the one ``person_for_user`` caches for the request.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"academy_roles": set(), "unread_notifications": 0, "has_person": False}
    return {
        "academy_roles": SimpleLazyObject(lambda: talent.user_roles(user)),
        "unread_notifications": SimpleLazyObject(lambda: talent.unread_notification_count(user)),
        "has_person": SimpleLazyObject(lambda: talent.person_for_user(user) is not None),
    }
