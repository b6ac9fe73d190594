"""How a login reads on screen: the person's name, never the login (the name of
the linked Person, else the account's full name, else the login as a last resort)."""

from decimal import Decimal

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def display_name(user) -> str:
    if user is None:
        return ""
    try:
        return user.person.name
    except (ObjectDoesNotExist, AttributeError):
        return user.get_full_name() or user.get_username()


@register.filter
def money(value) -> str:
    """An amount in yuan with thousands separators and two decimals: 3,450.00."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):,.2f}"
