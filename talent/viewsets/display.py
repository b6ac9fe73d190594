"""How admin lists, record pages and exports show values people read.

- an account is its person (姓名), never a login: ``UserColumn`` in lists, the display
  class for foreign keys to users on record (inspect) pages, ``display_name`` in exports;
- times are local (Asia/Shanghai) and written ``2026-12-05 15:07``;
- nothing shows as ``None``; hours and scores lose a trailing ``.0``.

``register_display_classes()`` (called from ``talent.apps``) teaches Wagtail's inspect
views the same rules for every model, ours and other apps', in one place.
"""

from __future__ import annotations

import datetime
import decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.fields import register_display_class
from wagtail.admin.ui.tables import BooleanColumn, Column

from talent.selectors.people import USER_PERSON, display_name

EMPTY = "—"
DATETIME_FORMAT = "Y-m-d H:i"


def local_text(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, DATETIME_FORMAT)


def number_text(value) -> str:
    return floatformat(value, -2)


class TextDisplay(Component):
    """An inspect-view value rendered as escaped text (``—`` when empty)."""

    def __init__(self, value):
        self.value = value

    def text(self) -> str:
        return str(self.value)

    def render_html(self, parent_context=None):
        if self.value is None or self.value == "":
            return EMPTY
        return format_html("{}", self.text())


class RelatedDisplay(TextDisplay):
    def text(self) -> str:
        if isinstance(self.value, AbstractBaseUser):
            return display_name(self.value, with_unit=True)
        return str(self.value)


class DateTimeDisplay(TextDisplay):
    def text(self) -> str:
        return local_text(self.value)


class NumberDisplay(TextDisplay):
    def text(self) -> str:
        return number_text(self.value)


class YesNoDisplay(TextDisplay):
    def text(self) -> str:
        return str(_("是") if self.value else _("否"))


class DateDisplay(TextDisplay):
    def text(self) -> str:
        return format_date(self.value, "Y-m-d")


def register_display_classes() -> None:
    # every other field: its value, or — when empty (never "None")
    register_display_class(models.Field, display_class=TextDisplay)
    register_display_class(models.BooleanField, display_class=YesNoDisplay)
    register_display_class(models.DateField, display_class=DateDisplay)
    register_display_class(models.ForeignKey, to=models.Model, display_class=RelatedDisplay)
    register_display_class(models.DateTimeField, display_class=DateTimeDisplay)
    register_display_class(models.DecimalField, display_class=NumberDisplay)
    register_display_class(models.CharField, display_class=TextDisplay)
    register_display_class(models.TextField, display_class=TextDisplay)


class UserValueMixin:
    """For a column whose value is an account: show the person's name."""

    with_unit = False

    def get_value(self, instance):
        user = super().get_value(instance)
        return display_name(user, with_unit=self.with_unit) if user is not None else EMPTY


class UserColumn(UserValueMixin, Column):
    """A list column for a foreign key to an account: the person's name."""

    def __init__(self, name, *, with_unit: bool = False, **kwargs):
        super().__init__(name, **kwargs)
        self.with_unit = with_unit


class YesNoColumn(BooleanColumn):
    """Wagtail's tick/cross column, its screen-reader text in Chinese (是/否)."""

    cell_template_name = "talent/tables/yes_no_cell.html"


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - methods and dotted paths are not fields
        return None


def user_fields(model, names) -> list[str]:
    """Which of ``names`` (list_display / list_export entries) are accounts."""
    User = get_user_model()
    result = []
    for name in names:
        field = _field(model, name) if isinstance(name, str) else None
        if getattr(field, "related_model", None) is User and not field.many_to_many:
            result.append(name)
    return result


class ReadableIndexMixin:
    """Index views that show what people read: account columns and exports name the
    person, not the login; yes/no columns say 是/否; exports carry local times. The
    accounts' people are loaded with the rows (one join), so a page costs the same
    whatever the number of rows."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        field = _field(self.model, field_name)
        if column_class is Column and isinstance(field, models.BooleanField):
            column_class = YesNoColumn
        if field_name in user_fields(self.model, [field_name]):
            # plain and title columns alike (the title column links to the record)
            column_class = (
                UserColumn
                if column_class is Column
                else type(f"User{column_class.__name__}", (UserValueMixin, column_class), {})
            )
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def get_base_queryset(self):
        names = set(user_fields(self.model, list(self.list_display) + list(self.list_export)))
        queryset = super().get_base_queryset()
        if names:
            queryset = queryset.select_related(*(f"{n}__{USER_PERSON}" for n in sorted(names)))
        return queryset

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name, value in row.items():
            if isinstance(value, AbstractBaseUser):
                row[name] = display_name(value)
            elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
                row[name] = timezone.localtime(value).replace(tzinfo=None)
            elif isinstance(value, decimal.Decimal):
                row[name] = (
                    value.quantize(decimal.Decimal(1)) if value == value.to_integral() else value
                )
        return row


def name_user_choices(form) -> None:
    """Account pickers in ``form`` list people by name and unit, never by login (one
    join for the people, whatever the number of accounts)."""
    User = get_user_model()
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model is User:
            field.queryset = queryset.select_related(USER_PERSON)
            field.label_from_instance = _user_label


def _user_label(user) -> str:
    return display_name(user, with_unit=True)
