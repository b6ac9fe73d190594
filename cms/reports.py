"""The coordinator's admin report 实习与轮岗协调 (a Wagtail ReportView with .xlsx export,
like every admin report) and its dashboard panel."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.selectors import CoordinatorReport, coordinator_report
from talent import api as talent


def is_coordinator(user) -> bool:
    return not talent.coordinator_scope(user).is_empty


REPORT_WIDTHS = {1: 32, 2: 24, 3: 18, 4: 16, 5: 12, 6: 12, 7: 12, 8: 12}


def sheets(report: CoordinatorReport):
    return [
        (
            _("名额使用"),
            [_("实践基地"), _("合作高校"), _("实践单位"), _("学期"), _("已用名额"), _("名额")],
            [
                [
                    r.base.name,
                    str(r.base.university),
                    r.base.host_unit.name,
                    talent.term_label(r.term),
                    r.used,
                    r.capacity,
                ]
                for r in report.capacity
            ],
        ),
        (
            _("学时进度落后"),
            [
                _("学号/工号"),
                _("姓名"),
                _("实践单位"),
                _("开始日期"),
                _("结束日期"),
                _("要求学时"),
                _("应完成学时"),
                _("已签核学时"),
            ],
            [
                [
                    r.placement.person.staff_no,
                    r.placement.person.name,
                    r.placement.host_unit.name,
                    r.placement.start,
                    r.placement.end,
                    r.placement.required_hours,
                    r.expected,
                    r.signed,
                ]
                for r in report.behind
            ],
        ),
        (
            _("待审批与待评估"),
            [_("状态"), _("学号/工号"), _("姓名"), _("实践单位"), _("开始日期"), _("结束日期")],
            [
                [
                    p.get_status_display(),
                    p.person.staff_no,
                    p.person.name,
                    p.host_unit.name,
                    p.start,
                    p.end,
                ]
                for p in report.waiting_approval + report.waiting_evaluation
            ],
        ),
    ]


class TermForm(forms.Form):
    term = forms.ChoiceField(label=gettext_lazy("学期"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [(t, talent.term_label(t)) for t in talent.terms_in_use(user)]


class PlacementReportView(talent.ComputedReportView):
    page_title = gettext_lazy("实习与轮岗协调")
    header_icon = "date"
    index_url_name = "placement_report"
    results_template_name = "cms/placement_report_results.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def form(self):
        return TermForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def report(self):
        return coordinator_report(self.request.user, self.cleaned.get("term") or None)

    def get_filename(self):
        return f"placements-{self.report.term}"

    def get_filtered_queryset(self):
        return [self.report]

    def as_spreadsheet(self, rows, spreadsheet_format):
        if spreadsheet_format != self.FORMAT_XLSX:
            raise Http404
        return talent.xlsx_response(self.get_filename(), sheets(self.report), widths=REPORT_WIDTHS)

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class PlacementPanel(talent.DashboardPanel):
    """Dashboard panel: the coordinator's numbers at a glance."""

    name = "placements"
    order = 160
    template_name = "cms/placement_panel.html"

    def is_shown(self) -> bool:
        return is_coordinator(self.request.user)

    def get_context_data(self, parent_context=None):
        report = coordinator_report(self.request.user)
        return {
            "report": report,
            "used": sum(r.used for r in report.capacity),
            "capacity": sum(r.capacity for r in report.capacity),
        }
