"""Wagtail admin viewsets whose every list, object view, export and write obeys
the user's OrgUnit scope (``talent.selectors.access``).

One ``ScopeRule`` per viewset says where its objects stand in the org tree:

- listing and export go through the scoped index queryset (``scope_prefix``);
- every view that loads one object (edit, delete, history, usage, copy,
  inspect) goes through ``ScopedObjectMixin``, so a typed URL to an object
  outside the scope is a 404;
- every create, edit, copy and delete goes through
  ``talent.services.access.save_in_scope`` / ``delete_in_scope``, which check
  the object as it was and as it will be (a domain service the view calls is
  wrapped the same way, so no form saves straight to the model);
- every person, unit and login field of the form is a scoped chooser whose
  accepted values are the scope (``ScopedChoicesFormMixin``);
- a scope-aware permission policy hides buttons and edit links (usage pages
  name objects outside the scope only as "private"), and keeps shared
  catalogues (``district_wide``) read-only for anyone not holding the whole
  district.
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from talent.selectors.access import ScopeRule, holds_whole_district
from talent.services.access import delete_in_scope, save_in_scope
from talent.spreadsheets import csv_safe, write_workbook

from .choosers import SCOPED_MODELS, ScopedChoicesFormMixin, narrow_field
from .display import ReadableIndexMixin
from .feedback import error_texts


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
    "copy_view_enabled",
    "inspect_view_class",
)
WRITE_ACTIONS = ("add", "change", "delete")


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed by the rule: an object outside the user's
    scope is neither seen nor changed, a shared catalogue changes only for
    those holding the whole district, and a read-only model never changes
    through the admin (its services write it). ``refused`` names the actions
    only services perform on a record (a ledger's or a history's change and
    delete): no edit link, breadcrumb or "…" item leads to a refusal, not even
    for a superuser."""

    def __init__(self, model, rule: ScopeRule, read_only: bool = False, refused=()):
        super().__init__(model)
        self.rule = rule
        self.read_only = read_only
        self.refused = frozenset(WRITE_ACTIONS if read_only else refused)

    def user_has_permission(self, user, action):
        if action in self.refused:
            return False
        if action in WRITE_ACTIONS and self.rule.district_wide and not holds_whole_district(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if not self.rule.can_read(user, instance):
            return False
        return action not in WRITE_ACTIONS or self.rule.write_refusal(user, instance) is None

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return self.model._default_manager.all()


class ScopedObjectMixin:
    rule: ScopeRule

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.rule.can_read(self.request.user, obj):
            raise Http404
        return obj


class ScopedFormMixin:
    """The form's person, unit and login fields become scoped choosers."""

    def get_form_class(self):
        form_class = super().get_form_class()
        if issubclass(form_class, ScopedChoicesFormMixin):
            return form_class
        return type(f"Scoped{form_class.__name__}", (ScopedChoicesFormMixin, form_class), {})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope_user": self.request.user}


class RefusalOnFormMixin:
    """A refused write shows on the form (nothing was saved) instead of a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                for text in error_texts(error) or [_("您没有执行此操作的权限。")]:
                    form.add_error(None, text)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ScopedSaveMixin(ScopedFormMixin, RefusalOnFormMixin):
    """Create, copy and edit: the save is checked before and after."""

    generic_save = True  # the view kept Wagtail's save: the form is saved and audited here

    def save_instance(self):
        write = self.form.save if self.generic_save else super().save_instance
        return save_in_scope(
            actor=self.request.user,
            rule=self.rule,
            instance=self.form.instance,
            write=write,
            audited=self.generic_save,
        )


class ScopedDeleteMixin:
    generic_delete = True

    def delete_action(self):
        delete = self.object.delete if self.generic_delete else super().delete_action
        delete_in_scope(
            actor=self.request.user,
            rule=self.rule,
            instance=self.object,
            delete=delete,
            audited=self.generic_delete,
        )

    def form_valid(self, form):
        from django.contrib import messages
        from django.shortcuts import redirect

        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            for text in error_texts(error) or [_("您没有执行此操作的权限。")]:
                messages.error(self.request, text)
            return redirect(self.request.path)


class ScopedIndexMixin:
    scope_prefix = ""
    rule: ScopeRule

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.rule.district_wide:
            return queryset
        return queryset.filter(self.rule.scope(self.request.user).q(self.scope_prefix))

    @cached_property
    def filters(self):
        """List filters offer (and accept) only what the scope holds: a filter on
        salons or people lists no other subtree's names."""
        filters = super().filters
        if filters is not None:
            for field in filters.form.fields.values():
                narrow_field(field, self.request.user)
        return filters

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


def _overrides(view_class, base, name: str) -> bool:
    return getattr(view_class, name) is not getattr(base, name)


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet under one ScopeRule (see the module docstring).

    ``scope_prefix`` filters lists ("unit__", "person__unit__", "" for units
    themselves); ``write_scope`` lists every reference a write must keep in
    scope (dotted: "salon.centre", "presenter", "judges"; default: the list's
    path); ``district_wide`` marks a shared catalogue; ``read_only`` a model
    only services write; ``service_actions`` the writes only services make
    (e.g. ("change", "delete") where the add view calls a service and records are
    never edited); ``scope_roles`` the roles whose scope counts.
    ``index_scoped = False`` when the index view filters itself; ``scope_choices =
    False`` when other forms may pick any of its objects (partner universities).
    """

    scope_prefix = ""
    write_scope: tuple[str, ...] | None = None
    district_wide = False
    read_only = False
    service_actions: tuple[str, ...] = ()
    scope_roles = None
    index_scoped = True
    scope_choices = True  # a form field choosing one of these objects offers only the scope

    @classmethod
    def scope_rule(cls) -> ScopeRule:
        read = cls.scope_prefix.removesuffix("__").replace("__", ".")
        kwargs = {"read": read, "write": cls.write_scope or (read,)}
        if cls.scope_roles:
            kwargs["roles"] = cls.scope_roles
        return ScopeRule(district_wide=cls.district_wide, **kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.scope_rule()
        extra = {"scope_prefix": self.scope_prefix, "rule": rule}
        for attr in ("history_view_class", "usage_view_class", "inspect_view_class"):
            base = getattr(self, attr)
            setattr(self, attr, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), extra))
        for attr, generic_base in (
            ("add_view_class", generic.CreateView),
            ("copy_view_class", generic.CopyView),
        ):
            base = getattr(self, attr)
            generic_save = not _overrides(base, generic_base, "save_instance")
            setattr(
                self,
                attr,
                type(
                    f"Scoped{base.__name__}",
                    (ScopedSaveMixin, base),
                    {**extra, "generic_save": generic_save},
                ),
            )
        base = self.edit_view_class
        self.edit_view_class = type(
            f"Scoped{base.__name__}",
            (ScopedObjectMixin, ScopedSaveMixin, base),
            {**extra, "generic_save": not _overrides(base, generic.EditView, "save_instance")},
        )
        base = self.delete_view_class
        self.delete_view_class = type(
            f"Scoped{base.__name__}",
            (ScopedObjectMixin, ScopedDeleteMixin, base),
            {
                **extra,
                "generic_delete": not _overrides(base, generic.DeleteView, "delete_action"),
            },
        )
        base = self.index_view_class
        # lists and exports name people, not logins, and show local times
        # (an index view that filters itself may already carry the mixin)
        mixins = () if issubclass(base, ReadableIndexMixin) else (ReadableIndexMixin,)
        if self.index_scoped:
            mixins = (ScopedIndexMixin, *mixins)
            if self.scope_choices and not rule.district_wide:
                SCOPED_MODELS[self.model] = (self.scope_prefix, rule)
        if mixins:
            self.index_view_class = type(f"Scoped{base.__name__}", (*mixins, base), extra)
        if policy_registry.get_by_type(self.model, fallback=False) is None:
            register_permission_policy(
                self.model,
                ScopedPermissionPolicy(
                    self.model, rule, self.read_only, refused=self.service_actions
                ),
                True,
            )


def register_district_setting(model) -> None:
    """A setting (设置) shared by the whole district: everyone with the model
    permission reads it, only a user holding the whole district edits it."""
    register_permission_policy(
        model, ScopedPermissionPolicy(model, ScopeRule(district_wide=True)), True
    )
