"""Wagtail admin viewsets whose every list, object view and export obeys the
user's OrgUnit scope (``talent.selectors.scope_for``).

Listing and export go through the scoped index queryset; every view that loads
one object (edit, delete, history, usage, copy, inspect) goes through
``ScopedObjectMixin``, so a typed URL to an object outside the scope is a 404.
"""

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.admin.viewsets.model import ModelViewSet

from talent.selectors.access import scope_for
from talent.spreadsheets import csv_safe, write_workbook

from .display import ReadableIndexMixin


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


OBJECT_VIEW_ATTRS = (
    "edit_view_class",
    "delete_view_class",
    "history_view_class",
    "usage_view_class",
    "copy_view_class",
    "inspect_view_class",
)


class ScopeRules:
    """How to place an object of the viewset's model in the org tree."""

    # "" when the object is an OrgUnit, "unit__" when it has a ``unit`` FK,
    # "person__unit__" when it reaches its unit through a person, and so on
    scope_prefix = ""

    def scope(self):
        return scope_for(self.request.user)

    def unit_of(self, obj):
        for attr in self.scope_prefix.split("__")[:-1]:
            obj = getattr(obj, attr)
        return obj

    def in_scope(self, obj) -> bool:
        return self.scope().contains_unit(self.unit_of(obj))


class ScopedObjectMixin(ScopeRules):
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.in_scope(obj):
            raise Http404
        return obj


class ScopedIndexMixin(ScopeRules):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(self.scope().q(self.scope_prefix))

    def to_row_dict(self, item):
        """Exports show what people read on screen: choice labels, 是/否."""
        row = super().to_row_dict(item)
        for name, value in row.items():
            field = _model_field(type(item), name)
            if field is not None and field.choices and value not in (None, ""):
                row[name] = str(dict(field.flatchoices).get(value, value))
            elif isinstance(value, bool):
                row[name] = _("是") if value else _("否")
        return row

    # Exports: our writer (frozen heading, formula-safe, write-only) for xlsx,
    # and an apostrophe before formula-like values for csv.
    def write_xlsx(self, queryset, output):
        headings = [self.get_heading(queryset, f) for f in self.list_export]
        rows = (
            [
                self.preprocess_field_value(f, v, self.FORMAT_CSV)
                for f, v in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        write_workbook(output, [(str(self.get_filename()), headings, rows)])

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                f: csv_safe(self.preprocess_field_value(f, v, self.FORMAT_CSV))
                for f, v in row_dict.items()
            }
        )


class ScopedModelViewSet(ModelViewSet):
    scope_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extra = {"scope_prefix": self.scope_prefix}
        for attr in OBJECT_VIEW_ATTRS:
            base = getattr(self, attr)
            setattr(self, attr, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), extra))
        base = self.index_view_class
        self.index_view_class = type(
            f"Scoped{base.__name__}", (ScopedIndexMixin, ReadableIndexMixin, base), extra
        )
