"""Admin import pages for certificates, exam results and assessments."""

from django.utils.translation import gettext_lazy as _

from talent.imports import certification as hr_imports

from .imports import SpreadsheetImportView


class HRImportView(SpreadsheetImportView):
    spec_factory = None
    apply_rows = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.spec = type(self).spec_factory(actor=request.user)

    def apply(self, rows):
        return type(self).apply_rows(rows, actor=self.request.user)


class CertificateImportView(HRImportView):
    permission_required = "talent.add_certificate"
    url_name = "talent_certificate_import"
    parent_crumb = ("talent_certificate:index", _("职业资格证书"))
    spec_factory = hr_imports.certificate_spec
    apply_rows = hr_imports.apply_certificates


class ExamImportView(HRImportView):
    permission_required = "talent.add_examattempt"
    url_name = "talent_exam_import"
    parent_crumb = ("talent_examattempt:index", _("考试成绩"))
    spec_factory = hr_imports.exam_spec
    apply_rows = hr_imports.apply_exam_results


class AssessmentImportView(HRImportView):
    permission_required = "talent.add_annualassessment"
    url_name = "talent_assessment_import"
    parent_crumb = ("talent_assessment:index", _("年度考核"))
    spec_factory = hr_imports.assessment_spec
    apply_rows = hr_imports.apply_assessments
