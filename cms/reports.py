"""Coordinator report 实习与轮岗协调: places used against capacity per base and
term, placements behind hours pace, and the approval and evaluation queues —
as an admin report with .xlsx export and a dashboard panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from lms import api as lms
from talent import api as talent


@dataclass
class CoordinatorReport:
    term: str
    capacity: list
    behind: list
    waiting_approval: list
    waiting_evaluation: list


def coordinator_report(user, term: str | None = None) -> CoordinatorReport:
    """Four queries whatever the number of placements: bases with usage, active
    placements, their signed hours, and the two queues."""
    term = term or talent.current_term()
    active = list(
        talent.placements_for_coordinator(user).filter(status=talent.PlacementStatus.ACTIVE)
    )
    hours = lms.signed_hours_by_placement(p.pk for p in active)
    behind = talent.behind_pace(active, hours, timezone.localdate())
    queues = list(
        talent.placements_for_coordinator(user)
        .filter(status__in=(talent.PlacementStatus.PROPOSED, talent.PlacementStatus.COMPLETED))
        .order_by("start")
    )
    return CoordinatorReport(
        term=term,
        capacity=talent.capacity_usage(user, term),
        behind=sorted(behind, key=lambda r: r.shortfall, reverse=True),
        waiting_approval=[p for p in queues if p.status == talent.PlacementStatus.PROPOSED],
        waiting_evaluation=[p for p in queues if p.status == talent.PlacementStatus.COMPLETED],
    )


REPORT_WIDTHS = {1: 32, 2: 24, 3: 18, 4: 16, 5: 12, 6: 12, 7: 12, 8: 12}


def _sheets(report: CoordinatorReport):
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


def report_view(request):
    term = request.GET.get("term") or None
    report = coordinator_report(request.user, term)
    if request.GET.get("export") == "xlsx":
        return talent.xlsx_response(
            f"placements-{report.term}", _sheets(report), widths=REPORT_WIDTHS
        )
    return TemplateResponse(
        request,
        "cms/placement_report.html",
        {
            "report": report,
            "terms": [(t, talent.term_label(t)) for t in talent.terms_in_use(request.user)],
            "page_title": _("实习与轮岗协调"),
            "header_icon": "date",
        },
    )


class PlacementPanel(Component):
    """Dashboard panel: the coordinator's numbers at a glance."""

    name = "placements"
    order = 160
    template_name = "cms/placement_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        report = coordinator_report(self.user)
        return {
            "report": report,
            "used": sum(r.used for r in report.capacity),
            "capacity": sum(r.capacity for r in report.capacity),
        }
