from django import template

from talent import api as talent

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    return role in talent.user_roles(user)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def contains(value, item) -> bool:
    return bool(value) and item in value


@register.filter
def clock(seconds) -> str:
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
