"""Admin pages for the lms imports (upload → dry run → all-or-nothing commit)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from lms.imports.exams import apply_members, apply_questions, members_spec, question_spec
from talent.api import SpreadsheetImportView

from ..models import Cohort
from ..permissions import organiser_scope


class QuestionImportView(SpreadsheetImportView):
    permission_required = "lms.add_question"
    district_wide = True
    url_name = "lms_question_import"
    parent_crumb = ("lms_question:index", gettext_lazy("题库"))

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.spec = question_spec()

    def apply(self, rows):
        return apply_questions(rows)


class CohortMembersImportView(SpreadsheetImportView):
    permission_required = "lms.change_cohort"
    parent_crumb = ("lms_cohort:index", gettext_lazy("培养班级"))

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        cohort = Cohort.objects.select_related("unit").filter(pk=pk).first()
        if cohort is None or not organiser_scope(request.user).contains_unit(cohort.unit):
            raise Http404
        self.cohort = cohort
        self.spec = members_spec(actor=request.user)
        # SpreadsheetImportView redirects to ``url_name``; a path works as well.
        self.url_name = reverse("lms_cohort:import_members", args=[pk])

    def get(self, request, pk: int):
        return super().get(request)

    def post(self, request, pk: int):
        return super().post(request)

    def get_page_title(self):
        return f"{self.spec.title}：{self.cohort.name}"

    def apply(self, rows):
        return apply_members(rows, actor=self.request.user, cohort=self.cohort)

    def audit_object(self):
        return self.cohort
