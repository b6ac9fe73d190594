"""Admin for the career ladder: posts and grades (data), the working-day calendar,
grade history and annual assessments (promotion rounds: ``viewsets.promotion``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from talent.models import AnnualAssessment, CalendarDay, Grade, GradeChange, Post
from talent.services import ladder as ladder_services

from .certification import (
    CEHourViewSet,
    CertificateViewSet,
    CertificationTargetViewSet,
    ExamAttemptViewSet,
    PersonIndexMixin,
    ReadOnlyDeleteView,
    ReadOnlyEditView,
    RegistrationPeriodViewSet,
    SubtreeFilterSet,
)
from .forms import GradeChangeForm, ScopedPersonForm, ServiceErrorsMixin
from .imports import SpreadsheetImportView
from .promotion import PromotionReviewViewSet
from .scope import ScopedModelViewSet
from .sittings import ExamRuleViewSet, ExamSittingViewSet


class PostViewSet(ScopedModelViewSet):
    district_wide = True
    model = Post
    name = "posts"
    url_prefix = "talent/posts"
    url_namespace = "talent_post"
    icon = "tag"
    menu_label = _("岗位")
    copy_view_enabled = False
    list_display = ["name", "rank", "min_grade", "max_grade"]
    form_fields = ["name", "code", "rank", "min_grade", "max_grade", "description"]


class GradeViewSet(ScopedModelViewSet):
    district_wide = True
    model = Grade
    name = "grades"
    url_prefix = "talent/grades"
    url_namespace = "talent_grade"
    icon = "order"
    menu_label = _("等级与薪酬系数")
    copy_view_enabled = False
    list_display = ["name", "number", "pay_coefficient"]
    list_per_page = 30
    list_export = ["number", "name", "pay_coefficient"]
    export_filename = "grades"
    form_fields = ["number", "name", "pay_coefficient"]


class CalendarDayViewSet(ScopedModelViewSet):
    """Holidays and worked weekend days 调休: the working days a 公示 period counts."""

    district_wide = True
    model = CalendarDay
    name = "calendar_days"
    url_prefix = "talent/calendar"
    url_namespace = "talent_calendarday"
    icon = "date"
    menu_label = _("节假日与调休")
    copy_view_enabled = False
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    list_per_page = 50
    form_fields = ["date", "name", "is_workday"]


# Grade history --------------------------------------------------------------


class GradeChangeFilterSet(SubtreeFilterSet):
    class Meta:
        model = GradeChange
        fields = ["unit", "reason", "post"]


class GradeChangeCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return ladder_services.record_grade_change(
            actor=self.request.user,
            person=data["person"],
            post=data["post"],
            grade_number=data["grade"].number,
            effective_on=data["effective_on"],
            reason=data["reason"],
            note=data["note"],
        )


class GradeChangeIndexView(PersonIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("post", "grade", "approved_by")


class GradeChangeViewSet(ScopedModelViewSet):
    """The history is append-only: corrections are new changes, never edits."""

    model = GradeChange
    name = "grade_changes"
    url_prefix = "talent/grade-changes"
    url_namespace = "talent_gradechange"
    icon = "history"
    menu_label = _("等级变动")
    scope_prefix = "person__unit__"
    service_actions = ("change", "delete")  # corrections are new changes
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = GradeChangeIndexView
    add_view_class = GradeChangeCreateView
    edit_view_class = ReadOnlyEditView
    delete_view_class = ReadOnlyDeleteView
    filterset_class = GradeChangeFilterSet
    list_display = ["person", "post", "grade", "effective_on", "reason", "approved_by"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = [
        "person.staff_no",
        "person.name",
        "post",
        "grade",
        "grade.pay_coefficient",
        "effective_on",
        "reason",
        "note",
        "approved_by",
    ]
    export_headings = {
        "person.staff_no": _("工号"),
        "person.name": _("姓名"),
        "grade.pay_coefficient": _("薪酬系数"),
    }
    export_filename = "grade-changes"
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("post"), FieldPanel("grade")]),
            FieldRowPanel([FieldPanel("effective_on"), FieldPanel("reason")]),
            FieldPanel("note"),
        ],
        base_form_class=GradeChangeForm,
    )


# Annual assessments ---------------------------------------------------------


class AssessmentFilterSet(SubtreeFilterSet):
    class Meta:
        model = AnnualAssessment
        fields = ["unit", "year", "result"]


class AssessmentSaveMixin(ServiceErrorsMixin):
    def save_instance(self):
        return ladder_services.save_assessment(
            actor=self.request.user, assessment=self.form.instance
        )


class AssessmentCreateView(AssessmentSaveMixin, generic.CreateView):
    pass


class AssessmentEditView(AssessmentSaveMixin, generic.EditView):
    pass


class AssessmentIndexView(PersonIndexMixin, generic.IndexView):
    import_url_name = "talent_assessment_import"


class AnnualAssessmentViewSet(ScopedModelViewSet):
    model = AnnualAssessment
    name = "assessments"
    url_prefix = "talent/assessments"
    url_namespace = "talent_assessment"
    icon = "tasks"
    menu_label = _("年度考核")
    scope_prefix = "person__unit__"
    copy_view_enabled = False
    index_view_class = AssessmentIndexView
    add_view_class = AssessmentCreateView
    edit_view_class = AssessmentEditView
    delete_view_class = ReadOnlyDeleteView
    filterset_class = AssessmentFilterSet
    list_display = ["person", "year", "result", "note"]
    list_per_page = 50
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = ["person.staff_no", "person.name", "person.unit", "year", "result", "note"]
    export_headings = {
        "person.staff_no": _("工号"),
        "person.name": _("姓名"),
        "person.unit": _("单位"),
    }
    export_filename = "assessments"
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("result")]),
            FieldPanel("note"),
        ],
        base_form_class=ScopedPersonForm,
    )


class AssessmentImportView(SpreadsheetImportView):
    permission_required = "talent.add_annualassessment"
    url_name = "talent_assessment_import"
    parent_crumb = ("talent_assessment:index", _("年度考核"))
    importer = "talent.imports.ladder.ASSESSMENTS"


class CertificationViewSetGroup(ModelViewSetGroup):
    menu_label = _("持证与晋级")
    menu_icon = "doc-full"
    menu_order = 210
    items = (
        CertificateViewSet,
        ExamAttemptViewSet,
        CertificationTargetViewSet,
        ExamSittingViewSet,
        ExamRuleViewSet,
        CEHourViewSet,
        RegistrationPeriodViewSet,
        AnnualAssessmentViewSet,
        GradeChangeViewSet,
        PromotionReviewViewSet,
        PostViewSet,
        GradeViewSet,
        CalendarDayViewSet,
    )
