"""Scoped, searchable pickers for people, units and login accounts.

Every person, unit and login field of an admin form is a Wagtail chooser: a
modal that searches by name, 工号 and unit, pages its results, and lists only
what the actor's scope holds. The form field's queryset is the same scope, so
a value typed into a forged POST is refused like an unknown one, and the
widget never renders the name of anyone outside the scope.

People are shown by name and unit (姓名（单位）), never by login name; a login
account is shown as its person (or its full name when it has none).

The widgets start from data attributes read by ``talent/admin.js`` (no inline
script, so the admin runs under the Content-Security-Policy).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from talent.models import OrgUnit, Person
from talent.selectors.access import scope_for
from talent.selectors.people import display_name

User = get_user_model()


def person_label(person: Person) -> str:
    return f"{person.name}（{person.unit.name}）" if person.unit_id else person.name


def user_label(user) -> str:
    """A login account as people read it: its person, else its full name (the one
    rule every screen uses, ``display_name``)."""
    return display_name(user, with_unit=True)


def unit_label(unit: OrgUnit) -> str:
    return unit.name


LABELS = {Person: person_label, OrgUnit: unit_label, User: user_label}


def label_of(obj) -> str:
    for model, label in LABELS.items():
        if isinstance(obj, model):
            return str(label(obj))
    return str(obj)


def short_label(obj) -> str:
    """The name alone, for the modal's table (its unit has a column of its own)."""
    person = obj if isinstance(obj, Person) else getattr(obj, "person", None)
    if isinstance(person, Person):
        return person.name
    return label_of(obj)


def scoped_queryset(model, user):
    """What ``user`` may pick of ``model`` (Person, OrgUnit or User)."""
    scope = scope_for(user)
    if model is Person:
        return Person.objects.filter(scope.q("unit__")).select_related("unit")
    if model is OrgUnit:
        return OrgUnit.objects.filter(scope.q())
    return scope.users().select_related("person__unit")


# Widgets ----------------------------------------------------------------------


class ScopedChooser(BaseChooser):
    """A single-value chooser rendered without inline script; it looks values
    up only in ``queryset`` (set by the form to the scope)."""

    queryset = None

    def get_instance(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, self.model_class):
            return value
        queryset = self.queryset if self.queryset is not None else self.model_class.objects
        try:
            return queryset.get(pk=value)
        except (self.model_class.DoesNotExist, ValueError, TypeError):
            return None

    def get_display_title(self, instance):
        return label_of(instance)

    def render(self, name, value, attrs=None, renderer=None):
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)
        options = self.get_js_init_options(attrs["id"], name, value_data)
        return mark_safe(
            widget_html
            + format_html(
                '<span hidden data-academy-chooser="{}" data-academy-options="{}"></span>',
                attrs["id"],
                json.dumps(options),
            )
        )

    @cached_property
    def media(self):
        return forms.Media(
            js=[
                versioned_static("wagtailadmin/js/chooser-widget.js"),
                versioned_static("talent/admin.js"),
            ]
        )


class ScopedMultipleChooser(forms.Widget):
    """Several people, units or accounts: a list with remove buttons and an
    "add" button opening the same chooser modal in multiple-choice mode."""

    allow_multiple_selected = True
    queryset = None
    modal_url_name = ""
    add_text = _("添加…")

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def format_value(self, value):
        if value is None:
            return []
        return [v.pk if hasattr(v, "pk") else v for v in value]

    def render(self, name, value, attrs=None, renderer=None):
        ids = [str(v) for v in self.format_value(value) if str(v).isdigit()]
        chosen = list(self.queryset.filter(pk__in=ids)) if self.queryset is not None and ids else []
        items = format_html_join(
            "",
            '<li class="academy-multichooser__item" data-id="{0}">'
            '<input type="hidden" name="{1}" value="{0}"><span>{2}</span>'
            '<button type="button" class="button button-small button-secondary" '
            "data-academy-remove>{3}</button></li>",
            ((obj.pk, name, label_of(obj), _("移除")) for obj in chosen),
        )
        return format_html(
            '<div class="academy-multichooser" id="{}" data-academy-multichooser '
            'data-name="{}" data-modal-url="{}" data-remove-text="{}">'
            '<ul class="academy-multichooser__list">{}</ul>'
            '<button type="button" class="button button-small button-secondary" '
            "data-academy-add>{}</button></div>",
            (attrs or {}).get("id", name),
            name,
            reverse(self.modal_url_name),
            _("移除"),
            items,
            self.add_text,
        )

    @property
    def media(self):
        return forms.Media(
            js=[
                versioned_static("wagtailadmin/js/modal-workflow.js"),
                versioned_static("wagtailadmin/js/chooser-modal.js"),
                versioned_static("talent/admin.js"),
            ],
            css={"all": [versioned_static("talent/admin.css")]},
        )


# Chooser modals ---------------------------------------------------------------


class SearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、工号或单位")}),
    )

    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class ScopedChooseMixin:
    """The modal lists only the scope, searchable, paged, labelled by name."""

    search_fields: tuple[str, ...] = ()
    extra_columns: tuple = ()

    def get_object_list(self):
        return scoped_queryset(self.model_class, self.request.user)

    def get_filter_form_class(self):
        return type("ScopedSearchForm", (SearchForm,), {"search_fields": self.search_fields})

    @property
    def title_column(self):
        column = super().title_column
        column.accessor = short_label
        column.label = _("名称")
        return column

    @property
    def columns(self):
        return [self.title_column, *self.extra_columns]


class ScopedChosenMixin:
    def get_object(self, pk):
        return scoped_queryset(self.model_class, self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return scoped_queryset(self.model_class, self.request.user).filter(
            pk__in=[p for p in pks if str(p).isdigit()]
        )

    def get_display_title(self, instance):
        return label_of(instance)


class ScopedChooseView(ScopedChooseMixin, chooser_views.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, chooser_views.ChooseResultsView):
    pass


class ScopedChosenView(ScopedChosenMixin, chooser_views.ChosenView):
    pass


class ScopedChosenMultipleView(ScopedChosenMixin, chooser_views.ChosenMultipleView):
    pass


class ScopedChooserViewSet(ChooserViewSet):
    base_widget_class = ScopedChooser
    per_page = 20
    search_fields: tuple[str, ...] = ()
    extra_columns: tuple = ()
    ordering = None

    def _view(self, base):
        return type(
            base.__name__,
            (base,),
            {
                "search_fields": self.search_fields,
                "extra_columns": self.extra_columns,
                "ordering": self.ordering,
            },
        )

    @property
    def choose_view_class(self):
        return self._view(ScopedChooseView)

    @property
    def choose_results_view_class(self):
        return self._view(ScopedChooseResultsView)

    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView

    @cached_property
    def multiple_widget_class(self):
        return type(
            f"{self.model_name}MultipleChooser",
            (ScopedMultipleChooser,),
            {"modal_url_name": self.get_url_name("choose")},
        )


class PersonChooserViewSet(ScopedChooserViewSet):
    model = Person
    icon = "user"
    choose_one_text = _("选择人员")
    choose_another_text = _("更换人员")
    edit_item_text = _("查看")
    search_fields = ("name", "staff_no", "unit__name")
    ordering = ("unit__path", "name")
    extra_columns = (
        Column("staff_no", label=_("工号")),
        Column("unit", label=_("单位"), accessor="unit.name"),
        Column("kind", label=_("类别"), accessor="get_kind_display"),
    )


class OrgUnitChooserViewSet(ScopedChooserViewSet):
    model = OrgUnit
    icon = "site"
    choose_one_text = _("选择单位")
    choose_another_text = _("更换单位")
    edit_item_text = _("查看")
    search_fields = ("name", "code")
    ordering = ("path",)
    extra_columns = (
        Column("code", label=_("编码")),
        Column("kind", label=_("类型"), accessor="get_kind_display"),
    )


class UserChooserViewSet(ScopedChooserViewSet):
    model = User
    icon = "user"
    choose_one_text = _("选择人员")
    choose_another_text = _("更换人员")
    edit_item_text = _("查看")
    search_fields = ("person__name", "person__staff_no", "person__unit__name")
    ordering = ("person__unit__path", "person__name")
    register_widget = False  # login fields are replaced by the form mixin below
    extra_columns = (
        Column("staff_no", label=_("工号"), accessor="person.staff_no"),
        Column("unit", label=_("单位"), accessor="person.unit.name"),
    )


person_chooser_viewset = PersonChooserViewSet(
    "talent_person_chooser", url_prefix="talent/choose/people"
)
unit_chooser_viewset = OrgUnitChooserViewSet(
    "talent_unit_chooser", url_prefix="talent/choose/units"
)
user_chooser_viewset = UserChooserViewSet(
    "talent_user_chooser", url_prefix="talent/choose/accounts"
)

CHOOSERS = {
    Person: person_chooser_viewset,
    OrgUnit: unit_chooser_viewset,
    User: user_chooser_viewset,
}


def chooser_widget(model, *, multiple: bool = False, user=None):
    """The scoped chooser widget for a person, unit or account field."""
    viewset = CHOOSERS[model]
    widget = viewset.multiple_widget_class() if multiple else viewset.widget_class()
    if user is not None:
        widget.queryset = scoped_queryset(model, user)
    return widget


def use_chooser(field) -> None:
    """Make a model choice field on Person, OrgUnit or User a chooser whose
    rendering and accepted values are the field's queryset (already scoped)."""
    model = field.queryset.model
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    field.label_from_instance = label_of
    widget = chooser_widget(model, multiple=multiple)
    widget.queryset = field.queryset
    widget.is_required = field.required
    field.widget = widget


# Other scoped models (salons, cohorts, bases…) by their list filter, filled in by
# ScopedModelViewSet: a field choosing one of them offers and accepts only the scope.
SCOPED_MODELS: dict = {}


def narrow_field(field, user) -> bool:
    """Limit a model choice field on a scoped model to what ``user``'s scope
    holds (keeping any narrower queryset it had). True when it is a field on
    Person, OrgUnit or User, which a chooser can show."""
    queryset = getattr(field, "queryset", None)
    model = getattr(queryset, "model", None)
    if model in CHOOSERS:
        field.queryset = queryset.filter(pk__in=scoped_queryset(model, user).values("pk"))
        if model is Person:
            field.queryset = field.queryset.select_related("unit")
        field.label_from_instance = label_of
        return True
    if model in SCOPED_MODELS:
        prefix, rule = SCOPED_MODELS[model]
        field.queryset = queryset.filter(rule.scope(user).q(prefix))
    return False


def scope_field(field, user) -> None:
    """``narrow_field``, and a person, unit or login field becomes a chooser; a
    field on another scoped model (a salon, a cohort…) keeps its select."""
    if narrow_field(field, user):
        use_chooser(field)


class ScopedChoicesFormMixin:
    """Every person, unit and login field of the form becomes a scoped chooser,
    except those named in ``select_fields``: a short list the form narrowed itself
    (mentors: people holding the mentor role) stays a select, still within scope."""

    def __init__(self, *args, scope_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = scope_user or kwargs.get("for_user")
        if user is None:
            return
        for name, field in self.fields.items():
            # (read from the form below: this mixin comes first in the MRO)
            if name in getattr(self, "select_fields", ()):
                narrow_field(field, user)
                # not the chooser Wagtail registers for the model (which would
                # render any pk it is given): a select of the narrowed choices
                field.widget = forms.Select()
                field.widget.choices = field.choices
            else:
                scope_field(field, user)


def register_chooser_viewsets():
    return [person_chooser_viewset, unit_chooser_viewset, user_chooser_viewset]


__all__ = [
    "ScopedChoicesFormMixin",
    "TitleColumn",
    "chooser_widget",
    "label_of",
    "narrow_field",
    "register_chooser_viewsets",
    "scope_field",
    "use_chooser",
]
