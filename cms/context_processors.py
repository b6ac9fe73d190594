from django.utils.functional import SimpleLazyObject

from talent import api as talent


def surface(request):
    """What the site, phone and partner headers need: roles and the unread count.

    Lazy, so pages that never draw them (the Wagtail admin) pay no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"academy_roles": set(), "unread_notifications": 0}
    return {
        "academy_roles": SimpleLazyObject(lambda: talent.user_roles(user)),
        "unread_notifications": SimpleLazyObject(lambda: talent.unread_notification_count(user)),
    }
