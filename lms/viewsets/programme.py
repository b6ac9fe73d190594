"""Organiser admin: programmes, tiers, stages and cohorts (scoped), with the
cohort progress report (.xlsx export), exam report and bulk member add."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup

from talent import api as talent
from talent.api import ComputedReportView, ScopedModelViewSet, xlsx_response

from ..models import Cohort, Programme, Stage, Tier
from ..permissions import organiser_scope, require_organiser
from ..selectors.exams import cohort_exam_report
from ..selectors.progress import cohort_progress, summarise
from ..services import programme as services
from .cases import CaseSubmissionViewSet, CaseTaskViewSet
from .exams import ExamBlueprintViewSet, QuestionViewSet
from .imports import CohortMembersImportView


class ProgrammeViewSet(ScopedModelViewSet):
    district_wide = True
    model = Programme
    icon = "list-ul"
    menu_label = _("培养计划")
    url_prefix = "lms/programmes"
    url_namespace = "lms_programme"
    form_fields = ["name", "description"]
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False


class TierViewSet(ScopedModelViewSet):
    district_wide = True
    model = Tier
    icon = "order"
    menu_label = _("培养层级")
    url_prefix = "lms/tiers"
    url_namespace = "lms_tier"
    form_fields = ["programme", "name", "order", "audience"]
    list_display = ["name", "programme", "order", "audience"]
    list_filter = ["programme"]
    copy_view_enabled = False


class StageViewSet(ScopedModelViewSet):
    district_wide = True
    model = Stage
    icon = "tasks"
    menu_label = _("培养阶段")
    url_prefix = "lms/stages"
    url_namespace = "lms_stage"
    form_fields = ["tier", "kind", "description", "courses", "required_mentor_hours"]
    list_display = ["tier", "kind", "required_mentor_hours"]
    list_filter = ["tier__programme", "kind"]
    copy_view_enabled = False


# Cohorts --------------------------------------------------------------------


class CohortForm(WagtailAdminModelForm):
    """Units and mentors are limited to the organiser's scope."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        talent.name_user_choices(self)  # the organiser by name, never by login
        if for_user is not None:
            scope = organiser_scope(for_user)
            self.fields["unit"].queryset = scope.units().order_by("path")
            if "mentors" in self.fields:
                self.fields["mentors"].queryset = (
                    scope.people()
                    .filter(kind__in=[talent.PersonKind.SOCIAL_WORKER, talent.PersonKind.EXPERT])
                    .order_by("staff_no")
                )


class CohortSaveMixin:
    def save_instance(self):
        data = self.form.cleaned_data
        return services.save_cohort(
            actor=self.request.user,
            cohort=self.form.instance,
            mentors=data.get("mentors"),
            blueprints=data.get("exam_blueprints"),
        )


class CohortCreateView(CohortSaveMixin, generic.CreateView):
    pass


class CohortEditView(CohortSaveMixin, generic.EditView):
    pass


class CohortDeleteView(generic.DeleteView):
    def delete_action(self):
        services.delete_cohort(actor=self.request.user, cohort=self.object)


class CohortIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("tier", "unit")


class LinksColumn(Column):
    """Links to a cohort's progress report, exam report and member add page."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("lms_cohort:progress", args=[instance.pk]),
            _("进度"),
            reverse("lms_cohort:exams", args=[instance.pk]),
            _("模考"),
            reverse("lms_cohort:add_members", args=[instance.pk]),
            _("添加学员"),
        )


def _cohort_in_scope(request, pk: int) -> Cohort:
    cohort = Cohort.objects.select_related("tier__programme", "unit").filter(pk=pk).first()
    if cohort is None or not talent.scope_for(request.user).contains_unit(cohort.unit):
        raise Http404
    return cohort


class CohortReportView(ComputedReportView):
    """班级进度: every member's stage and what they still lack, with .xlsx export."""

    header_icon = "table"
    results_template_name = "lms/admin/cohort_progress.html"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, pk=pk, **kwargs)
        self.cohort = _cohort_in_scope(request, pk)

    def get_page_title(self):
        return _("班级进度：%(name)s") % {"name": self.cohort.name}

    def get_index_url(self):
        return self.request.path

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("lms_cohort:index"), "label": _("培养班级")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_filename(self):
        return f"cohort-{self.cohort.pk}-progress"

    @cached_property
    def rows(self):
        return cohort_progress(self.cohort)

    def get_filtered_queryset(self):
        return self.rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cohort=self.cohort, progress=self.rows, summary=summarise(self.rows), **kwargs
        )

    def as_spreadsheet(self, rows, spreadsheet_format):
        if spreadsheet_format != self.FORMAT_XLSX:
            raise Http404
        progress = self.rows
        stages = progress[0].stages if progress else []
        headings = (
            [
                str(_("工号")),
                str(_("姓名")),
                str(_("所在单位")),
                str(_("当前阶段")),
                str(_("总进度（%）")),
            ]
            + [f"{sp.stage.get_kind_display()}（%）" for sp in stages]
            + [str(_("尚缺"))]
        )
        lines = (
            [m.person.staff_no, m.person.name, m.person.unit.name, m.stage_label, m.percent]
            + [sp.percent for sp in m.stages]
            + ["；".join(m.missing)]
            for m in progress
        )
        return xlsx_response(
            self.get_filename(),
            [(str(_("班级进度")), headings, lines)],
            widths={3: 24, len(headings): 60},
        )


class CohortExamReportView(CohortReportView):
    """班级模考: weak topics and each member's mock-exam results, with .xlsx export."""

    results_template_name = "lms/admin/cohort_exams.html"

    def get_page_title(self):
        return _("班级模考：%(name)s") % {"name": self.cohort.name}

    def get_filename(self):
        return f"cohort-{self.cohort.pk}-exams"

    @cached_property
    def report(self):
        return cohort_exam_report(self.cohort)

    def get_filtered_queryset(self):
        return self.report["rows"]

    def get_context_data(self, **kwargs):
        return ComputedReportView.get_context_data(
            self, cohort=self.cohort, **self.report, **kwargs
        )

    def as_spreadsheet(self, rows, spreadsheet_format):
        if spreadsheet_format != self.FORMAT_XLSX:
            raise Http404
        headings = [
            str(_("工号")),
            str(_("姓名")),
            str(_("模考次数")),
            str(_("最高分")),
            str(_("平均分")),
        ]
        lines = ([r.staff_no, r.name, r.attempts, r.best, r.average] for r in self.report["rows"])
        return xlsx_response(self.get_filename(), [(str(_("模考成绩")), headings, lines)])


class AddMembersForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("按单位添加（含下级单位）"), queryset=talent.OrgUnit.objects.none(), required=False
    )
    kinds = forms.MultipleChoiceField(
        label=_("人员类别"),
        choices=talent.PersonKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则添加该单位全部在职人员。"),
    )
    staff_numbers = forms.CharField(
        label=_("按工号添加"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行或用逗号分隔一个工号。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organiser_scope(user).units().order_by("path")
        talent.use_chooser(self.fields["unit"])

    def clean(self):
        data = super().clean()
        numbers = [
            n.strip()
            for n in data.get("staff_numbers", "")
            .replace("，", ",")
            .replace(",", "\n")
            .splitlines()
            if n.strip()
        ]
        data["numbers"] = numbers
        if not data.get("unit") and not numbers:
            raise forms.ValidationError(_("请选择单位或填写工号。"))
        return data


class AddMembersView(WagtailAdminTemplateMixin, FormView):
    header_icon = "group"
    template_name = "lms/admin/add_members.html"
    form_class = AddMembersForm

    def dispatch(self, request, pk: int, *args, **kwargs):
        self.cohort = _cohort_in_scope(request, pk)
        try:
            require_organiser(request.user, self.cohort.unit)
        except PermissionDenied as error:
            raise Http404 from error
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("添加学员：%(name)s") % {"name": self.cohort.name}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("lms_cohort:index"), "label": _("培养班级")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        added = 0
        try:
            if data.get("unit"):
                added += services.add_members_by_unit(
                    actor=self.request.user,
                    cohort=self.cohort,
                    unit=data["unit"],
                    kinds=data.get("kinds"),
                )
            if data["numbers"]:
                found = talent.people_by_staff_no(
                    organiser_scope(self.request.user), data["numbers"]
                )
                unknown = set(data["numbers"]) - set(found)
                if unknown:
                    form.add_error("staff_numbers", talent.staff_nos_not_found(unknown))
                    return self.form_invalid(form)
                people = list(found.values())
                added += services.add_members(
                    actor=self.request.user, cohort=self.cohort, people=people
                )
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("已添加 %(n)d 名学员，并为其报名本层级课程。") % {"n": added}
        )
        return redirect("lms_cohort:progress", self.cohort.pk)


class CohortViewSet(ScopedModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("培养班级")
    url_prefix = "lms/cohorts"
    url_namespace = "lms_cohort"
    scope_prefix = "unit__"
    write_scope = ("unit", "mentors", "organiser")
    copy_view_enabled = False
    index_view_class = CohortIndexView
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    delete_view_class = CohortDeleteView
    list_display = [
        "name",
        "kind",
        "tier",
        "unit",
        "starts_on",
        LinksColumn("links", label=_("报表")),
    ]
    list_filter = ["kind", "tier"]
    search_fields = ["name"]
    search_backend_name = None
    list_export = ["name", "kind", "tier", "unit", "starts_on", "ends_on"]
    export_filename = "cohorts"
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("tier"),
            FieldPanel("unit"),
            FieldPanel("starts_on"),
            FieldPanel("ends_on"),
            FieldPanel("organiser"),
            FieldPanel("mentors"),
            FieldPanel("exam_blueprints"),
        ],
        base_form_class=CohortForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/progress/", CohortReportView.as_view(), name="progress"),
            path("<int:pk>/exams/", CohortExamReportView.as_view(), name="exams"),
            path("<int:pk>/members/", AddMembersView.as_view(), name="add_members"),
            path(
                "<int:pk>/members/import/",
                CohortMembersImportView.as_view(),
                name="import_members",
            ),
        ]


class LearningViewSetGroup(ModelViewSetGroup):
    menu_label = _("学习与培养")
    menu_icon = "doc-full-inverse"
    menu_order = 230
    items = (
        CohortViewSet,
        ProgrammeViewSet,
        TierViewSet,
        StageViewSet,
        CaseTaskViewSet,
        CaseSubmissionViewSet,
        QuestionViewSet,
        ExamBlueprintViewSet,
    )
