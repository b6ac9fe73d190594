"""Admin reports (Reports menu): certification against targets, the ladder
distribution and the continuing-education pace list. Each view parses its
form, calls one selector and lays the result out; exports use the shared
write-only writer."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from talent.charts import bar_chart, trend_chart, xlsx_trend_chart, xlsx_unit_chart
from talent.imports.jobs import EXPORT_BACKGROUND_ROWS, job_url, start_export
from talent.models import CertificationTarget, CertLevel, GradeChange, OrgUnit, RegistrationPeriod
from talent.selectors.access import scope_for
from talent.selectors.certification import (
    ce_pace,
    certification_report,
    people_to_certify,
    report_unit,
    visible_targets,
)
from talent.selectors.ladder import ladder_distribution
from talent.spreadsheets import xlsx_response

from .choosers import use_chooser


class ComputedReportView(ReportView):
    """A report whose rows come from a selector rather than a filtered queryset."""

    template_name = "talent/reports/report.html"
    paginate_by = None
    form_class: type[forms.Form] | None = None

    @cached_property
    def scope(self):
        return scope_for(self.request.user)

    @cached_property
    def form(self):
        if self.form_class is None:  # a report of one object, without filters
            return forms.Form()
        return self.form_class(self.request.GET or None, scope=self.scope)

    @cached_property
    def show_export_buttons(self):
        return True

    @cached_property
    def header_more_buttons(self):
        return []  # the export button sits next to the report's own form

    def as_spreadsheet(self, rows, spreadsheet_format):
        if spreadsheet_format != self.FORMAT_XLSX:
            raise Http404
        # The first column holds unit or grade names: wide enough to read.
        return xlsx_response(self.get_filename(), self.export_sheets(), widths={1: 22})

    @cached_property
    def cleaned(self) -> dict:
        return self.form.cleaned_data if self.form.is_valid() else {}

    @cached_property
    def as_of(self):
        return self.cleaned.get("as_of") or timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report_form"] = self.form
        return context


def as_of_field():
    return forms.DateField(
        label=_("统计日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CertificationReportForm(forms.Form):
    target = forms.ModelChoiceField(label=_("持证目标"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    as_of = as_of_field()

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = visible_targets(scope)
        self.fields["unit"].queryset = scope.units().order_by("path")
        use_chooser(self.fields["unit"])


class CertificationReportView(ComputedReportView):
    page_title = _("持证率报表")
    header_icon = "doc-full"
    index_url_name = "talent_reports:certification"
    results_template_name = "talent/reports/certification_results.html"
    permission_policy = ModelPermissionPolicy(CertificationTarget)
    permission_required = "view"
    form_class = CertificationReportForm

    def get_filename(self):
        return f"certification-{self.as_of:%Y%m%d}"

    @cached_property
    def report(self):
        data = self.cleaned
        target = data.get("target") or self.form.fields["target"].queryset.first()
        if target is None:
            return None
        unit = report_unit(self.scope, target, data.get("unit"))
        return certification_report(target=target, unit=unit, as_of=self.as_of)

    def get_filtered_queryset(self):
        return self.report.children if self.report else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        context["report"] = report
        if report:
            rate = report.target.rate
            context["levels"] = CertLevel.choices
            context["level_totals"] = [
                (label, report.total.level(value)) for value, label in CertLevel.choices
            ]
            context["trend_chart"] = trend_chart(report.trend, target=rate)
            context["bar_chart"] = bar_chart(
                [row for row in report.children if row.population], target=rate
            )
            context["gap_links"] = gap_links(self.request, report)
            # Show the chosen defaults in the (unbound) form.
            self.form.fields["target"].initial = report.target.pk
            self.form.fields["unit"].initial = report.unit.pk
        return context

    def export_sheets(self):
        if self.report is None:
            raise Http404
        return certification_sheets(self.report)

    def as_spreadsheet(self, rows, spreadsheet_format):
        """A district's people sheet can run to tens of thousands of rows: above
        EXPORT_BACKGROUND_ROWS the workbook is written by django-q2 and the user
        follows it on its job page (and is notified)."""
        report = self.report
        if report is not None and spreadsheet_format == self.FORMAT_XLSX:
            pending = people_to_certify(report.target, report.unit, report.as_of).count()
            if pending > EXPORT_BACKGROUND_ROWS:
                job = start_export(
                    owner=self.request.user,
                    title=str(_("持证率报表导出")),
                    filename=self.get_filename(),
                    producer="talent.viewsets.reports.certification_export",
                    params={
                        "target": report.target.pk,
                        "unit": report.unit.pk,
                        "as_of": report.as_of.isoformat(),
                    },
                    rows_total=pending + len(report.children) + len(report.trend) + 1,
                )
                return redirect(job_url(job))
        return super().as_spreadsheet(rows, spreadsheet_format)


def certification_sheets(report):
    """The certification report as workbook sheets: units, monthly trend and the
    people still to certify (streamed from the database)."""
    headings = [
        str(_("单位")),
        str(_("人数")),
        *[str(label) for _v, label in CertLevel.choices],
        str(_("持证合计")),
        str(_("持证率（%）")),
        str(_("目标（%）")),
        str(_("尚需持证人数")),
    ]

    def line(row):
        levels = [row.level(level) for level, _label in CertLevel.choices]
        return [
            row.label,
            row.population,
            *levels,
            row.certified,
            row.rate,
            report.target.rate,
            row.gap,
        ]

    units = [line(report.total), *(line(r) for r in report.children)]
    trend = (
        [p.month.strftime("%Y-%m"), p.population, p.certified, p.rate, report.target.rate]
        for p in report.trend
    )
    pending = (
        people_to_certify(report.target, report.unit, report.as_of)
        .select_related("unit")
        .order_by("unit__path", "staff_no")
        .values_list("staff_no", "name", "unit__name")
        .iterator(chunk_size=2000)
    )
    rate_column = len(headings) - 2  # 持证率（%）, then 目标（%）
    return [
        (
            str(_("持证率")),
            headings,
            units,
            # the first data row is the total; the chart compares the units under it
            [
                xlsx_unit_chart(
                    title=str(_("各单位持证率")),
                    rate_column=rate_column,
                    first_row=3,
                    anchor="K2",
                )
            ],
        ),
        (
            str(_("月度趋势")),
            [
                str(_("月份")),
                str(_("人数")),
                str(_("持证人数")),
                str(_("持证率（%）")),
                str(_("目标（%）")),
            ],
            trend,
            [xlsx_trend_chart(title=str(_("月度持证率趋势")), rate_column=4, anchor="G2")],
        ),
        (str(_("未持证人员")), [str(_("工号")), str(_("姓名")), str(_("单位"))], pending),
    ]


def certification_export(*, actor, target: int, unit: int, as_of: str):
    """The background export's producer: the same report, rebuilt within the
    actor's scope at the time it runs."""
    scope = scope_for(actor)
    chosen = visible_targets(scope).filter(pk=target).first()
    if chosen is None:
        raise PermissionDenied
    requested = OrgUnit.objects.filter(pk=unit).first()
    report = certification_report(
        target=chosen,
        unit=report_unit(scope, chosen, requested),
        as_of=datetime.date.fromisoformat(as_of),
    )
    return certification_sheets(report)


def gap_links(request, report) -> list[tuple[str, str]]:
    """Links other apps offer beside the gap ("还需 N 人持证"): each function
    registered with the ``certification_gap_links`` hook returns ``(label, url)`` or
    None. talent knows nothing of them (lms adds the gap plan)."""
    links = []
    for make in hooks.get_hooks("certification_gap_links"):
        link = make(request, report)
        if link:
            links.append(link)
    return links


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    as_of = as_of_field()

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.units().order_by("path")
        use_chooser(self.fields["unit"])


class UnitReportMixin:
    form_class = UnitForm

    @cached_property
    def unit(self) -> OrgUnit | None:
        if self.cleaned.get("unit"):
            return self.cleaned["unit"]
        return self.scope.units().order_by("path").first()


class LadderReportView(UnitReportMixin, ComputedReportView):
    page_title = _("岗位等级分布")
    header_icon = "table"
    index_url_name = "talent_reports:ladder"
    results_template_name = "talent/reports/ladder_results.html"
    permission_policy = ModelPermissionPolicy(GradeChange)
    permission_required = "view"

    def get_filename(self):
        return f"ladder-{self.as_of:%Y%m%d}"

    @cached_property
    def distribution(self):
        return ladder_distribution(self.unit, self.as_of) if self.unit else None

    def get_filtered_queryset(self):
        return self.distribution.grades if self.distribution else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        d = self.distribution
        context["distribution"] = d
        context["unit"] = self.unit
        if self.unit:
            self.form.fields["unit"].initial = self.unit.pk
        if d:
            context["table"] = [
                (grade, [d.cell(post, grade) for post in d.posts]) for grade in reversed(d.grades)
            ]
            context["post_totals"] = [d.post_total(post) for post in d.posts]
        return context

    def export_sheets(self):
        d = self.distribution
        if d is None:
            raise Http404
        posts = {p.pk: p.name for p in d.posts}
        coefficients = {g.number: g.pay_coefficient for g in d.grades}
        matrix = [
            [grade.name, grade.pay_coefficient, *[d.cell(p, grade) for p in d.posts]]
            for grade in d.grades
        ]
        return [
            (
                str(_("岗位等级分布")),
                [str(_("等级")), str(_("薪酬系数")), *[p.name for p in d.posts]],
                matrix,
            ),
            (
                str(_("分单位明细")),
                [
                    str(_("单位")),
                    str(_("岗位")),
                    str(_("等级")),
                    str(_("薪酬系数")),
                    str(_("人数")),
                ],
                ([u.name, posts[p], g, coefficients.get(g), n] for u, p, g, n in d.by_unit),
            ),
        ]


class CEPaceReportView(ComputedReportView):
    page_title = _("继续教育学时预警")
    header_icon = "time"
    index_url_name = "talent_reports:ce_pace"
    results_template_name = "talent/reports/ce_pace_results.html"
    permission_policy = ModelPermissionPolicy(RegistrationPeriod)
    permission_required = "view"
    paginate_by = 50

    class form_class(forms.Form):  # noqa: N801 - a nested form reads better here
        as_of = as_of_field()

        def __init__(self, *args, scope, **kwargs):
            super().__init__(*args, **kwargs)

    def get_filename(self):
        return f"ce-pace-{self.as_of:%Y%m%d}"

    @cached_property
    def rows(self):
        return ce_pace(self.scope, self.as_of)

    def get_filtered_queryset(self):
        return self.rows

    def export_sheets(self):
        headings = [
            str(h)
            for h in (
                _("工号"),
                _("姓名"),
                _("单位"),
                _("证书等级"),
                _("登记期"),
                _("应修学时"),
                _("已修学时"),
                _("按进度应修"),
                _("差额"),
                _("剩余天数"),
            )
        ]
        rows = (
            [
                r.period.person.staff_no,
                r.period.person.name,
                r.period.person.unit.name,
                r.period.certificate.get_level_display(),
                f"{r.period.starts_on}–{r.period.ends_on}",
                r.period.required_hours,
                r.earned,
                r.expected,
                r.shortfall,
                r.days_left,
            ]
            for r in self.rows
        )
        return [(str(_("继续教育学时预警")), headings, rows)]
