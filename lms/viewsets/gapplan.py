"""The gap plan 持证缺口计划 (admin report, linked beside the certification report's
gap): the ranking, the projection and two actions on the chosen people."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from talent import api as talent

from ..models import Cohort
from ..selectors.gapplan import exam_classes, gap_plan
from ..services.gapplan import enrol_in_exam_class, enter_for_next_sitting


class GapPlanForm(forms.Form):
    target = forms.ModelChoiceField(label=_("持证目标"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    as_of = forms.DateField(
        label=_("统计日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = talent.visible_targets(scope)
        self.fields["unit"].queryset = scope.units().order_by("path")


class GapPlanView(talent.ComputedReportView):
    page_title = _("持证缺口计划")
    header_icon = "group"
    index_url_name = "lms_gap_plan"
    results_template_name = "lms/admin/gap_plan_results.html"
    permission_policy = ModelPermissionPolicy(talent.CertificationTarget)
    permission_required = "view"
    form_class = GapPlanForm
    paginate_by = 100

    def get_filename(self):
        return f"gap-plan-{self.as_of:%Y%m%d}"

    @cached_property
    def plan(self):
        data = self.cleaned
        target = data.get("target") or self.form.fields["target"].queryset.first()
        if target is None:
            return None
        unit = talent.report_unit(self.scope, target, data.get("unit"))
        return gap_plan(scope=self.scope, target=target, unit=unit, as_of=self.as_of)

    def get_filtered_queryset(self):
        return self.plan.rows if self.plan else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.plan
        context["plan"] = plan
        if plan:
            self.form.fields["target"].initial = plan.target.pk
            self.form.fields["unit"].initial = plan.unit.pk
            context["can_enrol"] = self.request.user.has_perm("lms.add_cohortmembership")
            context["can_enter"] = (
                self.request.user.has_perm("talent.add_examentry")
                and plan.sitting is not None
                and talent.registration_open(plan.sitting, self.as_of)
            )
        return context

    def post(self, request, *args, **kwargs):
        """Enrol the ticked people into the chosen 考试专班, or enter them for the
        next sitting. Only people of this plan can be chosen: any other id is
        refused like an unknown one."""
        plan = self.plan
        if plan is None:
            raise Http404
        ids = {int(i) for i in request.POST.getlist("people") if i.isdigit()}
        candidates = {r.person_id for r in plan.rows}
        if not ids or not ids <= candidates:
            messages.error(request, _("请从名单中选择人员。"))
            return redirect(request.get_full_path())
        people = list(talent.Person.objects.filter(pk__in=ids).select_related("unit", "user"))
        try:
            if request.POST.get("action") == "enter":
                if plan.sitting is None:
                    raise ValidationError(_("尚未安排下一次考试。"))
                entered, skipped = enter_for_next_sitting(
                    actor=request.user, sitting=plan.sitting, people=people
                )
                messages.success(
                    request,
                    _("已将 %(n)d 人加入%(sitting)s报名名单（%(s)d 人已在名单中或已持证）。")
                    % {"n": len(entered), "sitting": plan.sitting.name, "s": len(skipped)},
                )
            else:
                cohort = self._cohort(request.POST.get("cohort"))
                joined = enrol_in_exam_class(actor=request.user, cohort=cohort, people=people)
                messages.success(
                    request,
                    _("已将 %(n)d 人加入%(cohort)s，并已通知本人。")
                    % {"n": len(joined), "cohort": cohort.name},
                )
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        return redirect(request.get_full_path())

    def _cohort(self, value) -> Cohort:
        classes = {str(c.pk): c for c in exam_classes(self.scope, self.as_of)}
        if value not in classes:
            raise ValidationError(_("请选择一个正在进行的考试专班。"))
        return classes[value]

    def export_sheets(self):
        plan = self.plan
        if plan is None:
            raise Http404
        headings = [
            str(_("排名")),
            str(_("工号")),
            str(_("姓名")),
            str(_("单位")),
            str(_("通过把握（%）")),
            *[str(label) + "（%）" for label in plan.subject_labels],
            str(_("已在考试专班")),
            str(_("已报名")),
        ]

        def pct(p):
            return None if p is None else round(p * 100)

        rows = (
            [
                rank,
                r.staff_no,
                r.name,
                r.unit_name,
                r.percent,
                *[pct(p) for _label, p in r.subjects],
                str(_("是")) if r.in_cohort else str(_("否")),
                str(_("是")) if r.entered else str(_("否")),
            ]
            for rank, r in enumerate(plan.rows, start=1)
        )
        return [(str(_("持证缺口计划")), headings, rows)]
