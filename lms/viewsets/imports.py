"""Admin pages for the lms imports (upload → dry run → all-or-nothing commit)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from talent.api import SpreadsheetImportView

from ..models import Cohort
from ..permissions import organiser_scope


class QuestionImportView(SpreadsheetImportView):
    permission_required = "lms.add_question"
    district_wide = True
    url_name = "lms_question_import"
    parent_crumb = ("lms_question:index", gettext_lazy("题库"))
    importer = "lms.imports.exams.QUESTIONS"


class CohortMembersImportView(SpreadsheetImportView):
    permission_required = "lms.change_cohort"
    parent_crumb = ("lms_cohort:index", gettext_lazy("培养班级"))
    importer = "lms.imports.exams.MEMBERS"

    def setup(self, request, *args, pk: int, **kwargs):
        super().setup(request, *args, **kwargs)
        cohort = Cohort.objects.select_related("unit").filter(pk=pk).first()
        if cohort is None or not organiser_scope(request.user).contains_unit(cohort.unit):
            raise Http404
        self.cohort = cohort
        # SpreadsheetImportView redirects to ``url_name``; a path works as well.
        self.url_name = reverse("lms_cohort:import_members", args=[pk])

    def importer_params(self) -> dict:
        return {"cohort": self.cohort.pk}

    def get_page_title(self):
        return f"{self.spec.title}：{self.cohort.name}"
