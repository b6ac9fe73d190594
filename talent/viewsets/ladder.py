"""Admin for the career ladder: posts and grades (data), grade history, annual
assessments and promotion reviews (with the approval page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from talent.imports import ladder as ladder_imports
from talent.models import AnnualAssessment, Grade, GradeChange, Post, PromotionReview
from talent.selectors import ladder
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
from .feedback import flash_error
from .forms import (
    ApproveForm,
    GradeChangeForm,
    ScopedPersonForm,
    ScopedUnitFormMixin,
    ServiceErrorsMixin,
)
from .imports import SpreadsheetImportView
from .scope import ScopedModelViewSet


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


# Promotion reviews ----------------------------------------------------------


class ReviewForm(ScopedUnitFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.limit_units(for_user)


class ReviewCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return ladder_services.create_review(
            actor=self.request.user,
            unit=data["unit"],
            review_date=data["review_date"],
            title=data["title"],
        )

    def get_success_url(self):
        return reverse("talent_review:inspect", args=[self.object.pk])


class ReviewIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "created_by")

    def get_edit_url(self, instance):
        return None  # the title opens the review page


class ReviewDetailView(generic.InspectView):
    """Every person of the unit with each rule passed or failed and why; HR ticks
    the eligible ones and approves them in one transaction."""

    template_name = "talent/promotion_review.html"

    FILTERS = {
        "eligible": lambda e: e.eligible and not e.approved,
        "ineligible": lambda e: not e.eligible and not e.approved,
        "approved": lambda e: e.approved,
    }

    def get_page_title(self):
        return self.object.title

    def get_page_subtitle(self):
        return f"{self.object.unit.name} · {self.object.review_date}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluations = ladder.review_evaluations(self.object)
        show = self.request.GET.get("show", "")
        context["show"] = show if show in self.FILTERS else ""
        context["total_count"] = len(evaluations)
        for key, test in self.FILTERS.items():
            context[f"{key}_count"] = sum(1 for e in evaluations if test(e))
        if context["show"]:
            evaluations = [e for e in evaluations if self.FILTERS[context["show"]](e)]
        context["evaluations"] = evaluations
        context["can_approve"] = self.request.user.has_perm("talent.change_promotionreview")
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ApproveForm(request.POST, people=ladder.review_people(self.object))
        if not form.is_valid():
            messages.error(request, _("请至少选择一名本次评审范围内的人员。"))
            return redirect(request.path)
        try:
            changes = ladder_services.approve_promotions(
                actor=request.user,
                review=self.object,
                person_ids=[p.pk for p in form.cleaned_data["people"]],
            )
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(
                request, _("已批准 %(n)s 人晋级，等级变动已记录。") % {"n": len(changes)}
            )
        return redirect(request.path)


class PromotionReviewViewSet(ScopedModelViewSet):
    model = PromotionReview
    name = "promotion_reviews"
    url_prefix = "talent/reviews"
    url_namespace = "talent_review"
    icon = "list-ul"
    menu_label = _("晋级评审")
    scope_prefix = "unit__"
    service_actions = ("change", "delete")  # a review moves through its services
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ReviewIndexView
    add_view_class = ReviewCreateView
    edit_view_class = ReadOnlyEditView
    delete_view_class = ReadOnlyDeleteView
    inspect_view_class = ReviewDetailView
    list_display = ["title", "unit", "review_date", "created_by", "created_at"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("unit"), FieldPanel("review_date")],
        base_form_class=ReviewForm,
    )


class AssessmentImportView(SpreadsheetImportView):
    permission_required = "talent.add_annualassessment"
    url_name = "talent_assessment_import"
    parent_crumb = ("talent_assessment:index", _("年度考核"))
    spec_factory = ladder_imports.assessment_spec
    apply_rows = ladder_imports.apply_assessments


class CertificationViewSetGroup(ModelViewSetGroup):
    menu_label = _("持证与晋级")
    menu_icon = "doc-full"
    menu_order = 210
    items = (
        CertificateViewSet,
        ExamAttemptViewSet,
        CertificationTargetViewSet,
        CEHourViewSet,
        RegistrationPeriodViewSet,
        AnnualAssessmentViewSet,
        GradeChangeViewSet,
        PromotionReviewViewSet,
        PostViewSet,
        GradeViewSet,
    )
