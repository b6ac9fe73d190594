import django_filters
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from talent import models
from talent.selectors.access import scope_for
from talent.services import access as access_services
from talent.services import org as org_services
from talent.services import people as services

from .display import YesNoColumn
from .forms import OrgUnitForm, PersonForm, ScopeGrantForm
from .imports import SpreadsheetImportView
from .record import PersonRecordView
from .scope import ScopedModelViewSet

# Org units ------------------------------------------------------------------


class TreeNameColumn(Column):
    """The unit name indented by its depth, so the list reads as a tree."""

    def get_value(self, instance):
        return (
            "\u3000" * (instance.depth - 1) + ("└ " if instance.depth > 1 else "") + instance.name
        )


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return org_services.create_org_unit(
            actor=self.request.user,
            parent=data.get("parent"),
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
        )


class OrgUnitEditView(generic.EditView):
    def save_instance(self):
        return org_services.update_org_unit(
            actor=self.request.user,
            unit=self.form.instance,
            parent=self.form.cleaned_data["parent"],
        )


class OrgUnitIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().order_by("path")

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("talent.add_orgunit"):
            buttons.append(
                HeaderButton(_("导入单位"), url=reverse("talent_unit_import"), icon_name="upload")
            )
        return buttons


class OrgUnitViewSet(ScopedModelViewSet):
    model = models.OrgUnit
    name = "org_units"
    url_prefix = "talent/units"
    url_namespace = "talent_orgunit"
    icon = "site"
    menu_label = _("组织单位")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = OrgUnitIndexView
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    list_display = [
        TreeNameColumn("name", label=_("名称")),
        "kind",
        YesNoColumn("is_active", label=_("启用")),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    search_backend_name = None
    list_export = ["name", "code", "kind", "depth", "is_active"]
    export_headings = {"depth": _("层级")}
    export_filename = "org-units"
    ordering = ["path"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("kind"),
            FieldPanel("parent"),
            FieldPanel("is_active"),
        ],
        base_form_class=OrgUnitForm,
    )


# People ---------------------------------------------------------------------


def scoped_units(request):
    if request is None:
        return models.OrgUnit.objects.none()
    return scope_for(request.user).units().order_by("path")


class PersonFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("单位（含下级）"), queryset=scoped_units, method="filter_subtree"
    )

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    class Meta:
        model = models.Person
        fields = ["unit", "kind", "is_active"]


class PersonSaveMixin:
    def save_instance(self):
        return services.save_person(actor=self.request.user, person=self.form.instance)


class PersonCreateView(PersonSaveMixin, generic.CreateView):
    pass


class PersonEditView(PersonSaveMixin, generic.EditView):
    pass


class PersonDeleteView(generic.DeleteView):
    def delete_action(self):
        services.delete_person(actor=self.request.user, person=self.object)


class PersonIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # a name opens the person's whole record; 编辑 stays in the row's menu
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(
            field_name, column_class, get_url=self.get_inspect_url, **kwargs
        )

    @cached_property
    def header_buttons(self):
        # a labelled button beside 添加, not an item under the unlabelled "…"
        buttons = super().header_buttons
        if self.request.user.has_perm("talent.add_person"):
            buttons.append(
                HeaderButton(
                    _("导入花名册"), url=reverse("talent_roster_import"), icon_name="upload"
                )
            )
        return buttons


class PersonViewSet(ScopedModelViewSet):
    model = models.Person
    name = "people"
    url_prefix = "talent/people"
    url_namespace = "talent_person"
    icon = "user"
    menu_label = _("人员")
    scope_prefix = "unit__"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = PersonIndexView
    inspect_view_class = PersonRecordView
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    delete_view_class = PersonDeleteView
    filterset_class = PersonFilterSet
    list_display = [
        "name",
        "staff_no",
        "kind",
        "unit",
        YesNoColumn("is_active", label=_("在职")),
    ]
    list_per_page = 50
    search_fields = ["name", "staff_no"]
    search_backend_name = None
    inspect_view_fields = [
        "staff_no",
        "name",
        "kind",
        "unit",
        "gender",
        "phone",
        "email",
        "masked_national_id",
        "joined_on",
        "education",
        "post",
        "is_active",
    ]
    # national_id is deliberately absent from every export
    list_export = [
        "staff_no",
        "name",
        "kind",
        "unit",
        "gender",
        "phone",
        "email",
        "joined_on",
        "is_active",
        "education",
        "post",
    ]
    export_filename = "people"
    edit_handler = ObjectList(
        [
            FieldPanel("staff_no"),
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("unit"),
            FieldPanel("gender"),
            FieldPanel("phone"),
            FieldPanel("email"),
            FieldPanel("new_national_id"),
            FieldPanel("clear_national_id"),
            FieldPanel("joined_on"),
            FieldPanel("education"),
            FieldPanel("is_active"),
        ],
        base_form_class=PersonForm,
    )


# Role grants ----------------------------------------------------------------


class ScopeGrantCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return access_services.grant_role(
            actor=self.request.user, user=data["user"], role=data["role"], unit=data["unit"]
        )


class ScopeGrantEditView(generic.EditView):
    def save_instance(self):
        return access_services.update_grant(actor=self.request.user, grant=self.form.instance)


class ScopeGrantDeleteView(generic.DeleteView):
    def delete_action(self):
        access_services.revoke_role(actor=self.request.user, grant=self.object)


class ScopeGrantViewSet(ScopedModelViewSet):
    model = models.ScopeGrant
    name = "scope_grants"
    url_prefix = "talent/grants"
    url_namespace = "talent_scopegrant"
    icon = "key"
    menu_label = _("管辖授权")
    scope_prefix = "unit__"
    copy_view_enabled = False
    add_view_class = ScopeGrantCreateView
    edit_view_class = ScopeGrantEditView
    delete_view_class = ScopeGrantDeleteView
    list_display = ["user", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("role"), FieldPanel("unit")],
        base_form_class=ScopeGrantForm,
    )


class TalentViewSetGroup(ModelViewSetGroup):
    menu_label = _("人才与组织")
    menu_icon = "group"
    menu_order = 200
    items = (PersonViewSet, OrgUnitViewSet, ScopeGrantViewSet)


class RosterImportView(SpreadsheetImportView):
    permission_required = "talent.add_person"
    url_name = "talent_roster_import"
    parent_crumb = ("talent_person:index", _("人员"))
    importer = "talent.imports.people.ROSTER"


class UnitImportView(SpreadsheetImportView):
    permission_required = "talent.add_orgunit"
    url_name = "talent_unit_import"
    parent_crumb = ("talent_orgunit:index", _("组织单位"))
    importer = "talent.imports.org.UNITS"
