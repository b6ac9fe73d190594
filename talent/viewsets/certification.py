"""Admin for certificates, exam results, targets and the CE ledger. Every list
and object view is scoped through the person's (or target's) unit."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from talent.models import (
    CEHourEntry,
    Certificate,
    CertificationTarget,
    ExamAttempt,
    RegistrationPeriod,
)
from talent.selectors.access import scope_for
from talent.selectors.people import display_name
from talent.services import certification as certification_services
from talent.services.education import record_ce_hours

from .forms import ScopedPersonForm, ScopedUnitFormMixin, ServiceErrorsMixin
from .imports import SpreadsheetImportView
from .scope import ScopedModelViewSet


class SubtreeFilterSet(WagtailFilterSet):
    """Filter a person-owned model by a unit subtree within the user's scope."""

    unit = django_filters.ModelChoiceFilter(
        label=_("单位（含下级）"), queryset=None, method="filter_subtree"
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        units = scope_for(request.user).units().order_by("path") if request else None
        self.filters["unit"].queryset = units
        self.form.fields["unit"].queryset = units

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(person__unit__path__startswith=value.path)


class CertificateFilterSet(SubtreeFilterSet):
    class Meta:
        model = Certificate
        fields = ["unit", "level", "status"]


class CertificateSaveMixin(ServiceErrorsMixin):
    def save_instance(self):
        return certification_services.save_certificate(
            actor=self.request.user, certificate=self.form.instance
        )


class CertificateCreateView(CertificateSaveMixin, generic.CreateView):
    pass


class CertificateEditView(CertificateSaveMixin, generic.EditView):
    pass


class PersonIndexMixin:
    """Lists of person-owned records: one join for the person and unit, and an
    import button when the list has an import page."""

    import_url_name: str | None = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person__unit")

    @cached_property
    def header_buttons(self):
        # a labelled button beside 添加, not an item under the unlabelled "…"
        buttons = super().header_buttons
        if self.import_url_name and self.permission_policy.user_has_permission(
            self.request.user, "add"
        ):
            buttons.append(
                HeaderButton(_("表格导入"), url=reverse(self.import_url_name), icon_name="upload")
            )
        return buttons


class CertificateIndexView(PersonIndexMixin, generic.IndexView):
    import_url_name = "talent_certificate_import"


class CertificateViewSet(ScopedModelViewSet):
    model = Certificate
    name = "certificates"
    url_prefix = "talent/certificates"
    url_namespace = "talent_certificate"
    icon = "doc-full"
    menu_label = _("职业资格证书")
    scope_prefix = "person__unit__"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CertificateIndexView
    add_view_class = CertificateCreateView
    edit_view_class = CertificateEditView
    filterset_class = CertificateFilterSet
    list_display = ["person", "level", "number", "obtained_on", "valid_until", "status"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no", "number"]
    search_backend_name = None
    list_export = [
        "person.staff_no",
        "person.name",
        "person.unit",
        "level",
        "number",
        "obtained_on",
        "valid_until",
        "status",
        "revoked_on",
        "revoked_reason",
        "authority",
    ]
    export_headings = {
        "person.staff_no": _("工号"),
        "person.name": _("姓名"),
        "person.unit": _("单位"),
    }
    export_filename = "certificates"
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("level"), FieldPanel("status")]),
            FieldPanel("number"),
            FieldRowPanel([FieldPanel("obtained_on"), FieldPanel("valid_until")]),
            FieldPanel("authority"),
            FieldPanel("exam_year"),
            FieldRowPanel([FieldPanel("revoked_on"), FieldPanel("revoked_reason")]),
        ],
        base_form_class=ScopedPersonForm,
    )


class ExamAttemptFilterSet(SubtreeFilterSet):
    class Meta:
        model = ExamAttempt
        fields = ["unit", "year", "level", "subject"]


class ExamAttemptSaveMixin(ServiceErrorsMixin):
    def save_instance(self):
        data = self.form.cleaned_data
        attempt, proposed = certification_services.record_exam_attempt(
            actor=self.request.user,
            person=data["person"],
            year=data["year"],
            level=data["level"],
            subject=data["subject"],
            score=data["score"],
        )
        if proposed is not None:
            messages.info(
                self.request,
                _("%(person)s 已通过%(level)s考试，已生成待确认证书，请在证书列表中确认。")
                % {"person": proposed.person.name, "level": proposed.get_level_display()},
            )
        return attempt


class ExamAttemptCreateView(ExamAttemptSaveMixin, generic.CreateView):
    pass


class ExamAttemptEditView(ExamAttemptSaveMixin, generic.EditView):
    pass


class ExamAttemptIndexView(PersonIndexMixin, generic.IndexView):
    import_url_name = "talent_exam_import"


class ExamAttemptViewSet(ScopedModelViewSet):
    model = ExamAttempt
    name = "exam_attempts"
    url_prefix = "talent/exams"
    url_namespace = "talent_examattempt"
    icon = "form"
    menu_label = _("考试成绩")
    scope_prefix = "person__unit__"
    copy_view_enabled = False
    index_view_class = ExamAttemptIndexView
    add_view_class = ExamAttemptCreateView
    edit_view_class = ExamAttemptEditView
    filterset_class = ExamAttemptFilterSet
    list_display = ["person", "year", "level", "subject", "score"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = [
        "person.staff_no",
        "person.name",
        "year",
        "level",
        "subject",
        "score",
        "sat_on",
    ]
    export_headings = {"person.staff_no": _("工号"), "person.name": _("姓名")}
    export_filename = "exam-results"
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("level")]),
            FieldRowPanel([FieldPanel("subject"), FieldPanel("score")]),
        ],
        base_form_class=ScopedPersonForm,
    )


class TargetForm(ScopedUnitFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.limit_units(for_user)


class TargetSaveMixin(ServiceErrorsMixin):
    def save_instance(self):
        return certification_services.save_target(
            actor=self.request.user, target=self.form.instance
        )


class TargetCreateView(TargetSaveMixin, generic.CreateView):
    pass


class TargetEditView(TargetSaveMixin, generic.EditView):
    pass


class CertificationTargetViewSet(ScopedModelViewSet):
    model = CertificationTarget
    name = "certification_targets"
    url_prefix = "talent/targets"
    url_namespace = "talent_target"
    icon = "success"
    menu_label = _("持证目标")
    scope_prefix = "unit__"
    copy_view_enabled = False
    add_view_class = TargetCreateView
    edit_view_class = TargetEditView
    list_display = ["name", "unit", "person_kind", "post", "rate", "deadline", "is_active"]
    list_export = ["name", "unit", "person_kind", "post", "rate", "deadline", "is_active"]
    export_filename = "certification-targets"
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("unit"),
            FieldRowPanel([FieldPanel("person_kind"), FieldPanel("post")]),
            FieldRowPanel([FieldPanel("rate"), FieldPanel("deadline")]),
            FieldPanel("is_active"),
        ],
        base_form_class=TargetForm,
    )


class ReadOnlyMixin:
    """Records written only by services elsewhere: the generic write views refuse."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class ReadOnlyCreateView(ReadOnlyMixin, generic.CreateView):
    pass


class ReadOnlyEditView(ReadOnlyMixin, generic.EditView):
    pass


class ReadOnlyDeleteView(ReadOnlyMixin, generic.DeleteView):
    pass


class CEHourForm(ScopedPersonForm):
    """HR's manual credit: the source key is worded for people (the ledger's own keys,
    such as salon:12, are written by the services)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source_ref" in self.fields:
            self.fields["source_ref"].label = _("来源名称或编号")
            self.fields["source_ref"].help_text = _(
                "同一来源只记一次，例如“2026年市级督导培训”或外部课程的证书编号。"
            )


class CEHourCreateView(ServiceErrorsMixin, generic.CreateView):
    """HR records hours learnt elsewhere through the same ledger call lms uses."""

    def save_instance(self):
        data = self.form.cleaned_data
        entry, created = record_ce_hours(
            actor=self.request.user,
            person=data["person"],
            hours=data["hours"],
            source=data["source"],
            source_ref=data["source_ref"],
            earned_on=data["earned_on"],
            description=data["description"],
        )
        if not created:
            messages.warning(self.request, _("该来源的学时已登记过，未重复计入。"))
        return entry


class RegistrationPeriodIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person__unit", "certificate__person")


class RegistrationPeriodViewSet(ScopedModelViewSet):
    """Periods open when a certificate becomes valid; read-only here."""

    model = RegistrationPeriod
    name = "registration_periods"
    url_prefix = "talent/registration"
    url_namespace = "talent_registration"
    icon = "date"
    menu_label = _("继续教育登记期")
    scope_prefix = "person__unit__"
    read_only = True  # computed from certificates and the policy
    copy_view_enabled = False
    index_view_class = RegistrationPeriodIndexView
    list_display = ["person", "certificate", "starts_on", "ends_on", "required_hours"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = ["person.staff_no", "person.name", "starts_on", "ends_on", "required_hours"]
    export_headings = {"person.staff_no": _("工号"), "person.name": _("姓名")}
    export_filename = "registration-periods"
    inspect_view_enabled = True
    add_view_class = ReadOnlyCreateView
    form_fields = ["ends_on", "required_hours"]  # the views refuse; Wagtail wants a form
    edit_view_class = ReadOnlyEditView
    delete_view_class = ReadOnlyDeleteView


class CEHourFilterSet(SubtreeFilterSet):
    class Meta:
        model = CEHourEntry
        fields = ["unit", "source"]


class CEHourIndexView(PersonIndexMixin, generic.IndexView):
    pass


class CEHourInspectView(generic.InspectView):
    def get_recorded_by_display_value(self):
        if self.object.recorded_by_id is None:
            return _("系统自动登记")
        return display_name(self.object.recorded_by, with_unit=True)


class CEHourViewSet(ScopedModelViewSet):
    """The ledger is written by ``credit_ce_hours`` (courses, salons…); read-only here."""

    model = CEHourEntry
    name = "ce_hours"
    url_prefix = "talent/ce-hours"
    url_namespace = "talent_cehours"
    icon = "time"
    menu_label = _("继续教育学时")
    scope_prefix = "person__unit__"
    service_actions = ("change", "delete")  # a ledger: HR adds through credit_ce_hours
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CEHourIndexView
    inspect_view_class = CEHourInspectView
    # the source key (e.g. salon:12) is the ledger's once-only guard, not for reading
    inspect_view_fields = [
        "person",
        "hours",
        "source",
        "description",
        "earned_on",
        "recorded_by",
        "created_at",
    ]
    add_view_class = CEHourCreateView
    edit_view_class = ReadOnlyEditView
    delete_view_class = ReadOnlyDeleteView
    filterset_class = CEHourFilterSet
    list_display = ["person", "hours", "source", "description", "earned_on"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no", "description"]
    search_backend_name = None
    list_export = ["person.staff_no", "person.name", "hours", "source", "description", "earned_on"]
    export_headings = {"person.staff_no": _("工号"), "person.name": _("姓名")}
    export_filename = "ce-hours"
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("hours"), FieldPanel("earned_on")]),
            FieldRowPanel([FieldPanel("source"), FieldPanel("source_ref")]),
            FieldPanel("description"),
        ],
        base_form_class=CEHourForm,
    )


class CertificateImportView(SpreadsheetImportView):
    permission_required = "talent.add_certificate"
    url_name = "talent_certificate_import"
    parent_crumb = ("talent_certificate:index", _("职业资格证书"))
    importer = "talent.imports.certification.CERTIFICATES"


class ExamImportView(SpreadsheetImportView):
    permission_required = "talent.add_examattempt"
    url_name = "talent_exam_import"
    parent_crumb = ("talent_examattempt:index", _("考试成绩"))
    importer = "talent.imports.certification.EXAM_RESULTS"
