"""``{% load people %}``: people by name on every surface.

``{{ log.signed_by|person_name }}`` shows the person behind an account (姓名), and
``{{ user|person_name:"unit" }}`` adds their unit; an account without a person shows
its full name, never its login (``talent.api.display_name``).
"""

from django import template

from talent.selectors.people import display_name

register = template.Library()


@register.filter
def person_name(user, arg: str = "") -> str:
    return display_name(user, with_unit=arg == "unit")
