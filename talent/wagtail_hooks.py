from django.urls import include, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.staticfiles import versioned_static

from .models import (
    CertificationPolicy,
    CertificationTarget,
    GradeChange,
    PayPolicy,
    PromotionPolicy,
    RegistrationPeriod,
)
from .panels import CertificationPanel, LapsedRegistrationsPanel
from .viewsets.certification import (
    CertificateImportView,
    ExamImportView,
)
from .viewsets.choosers import register_chooser_viewsets
from .viewsets.history import register_actions
from .viewsets.jobs import urlpatterns as job_urls
from .viewsets.ladder import (
    AssessmentImportView,
    CertificationViewSetGroup,
)
from .viewsets.people import RosterImportView, TalentViewSetGroup, UnitImportView
from .viewsets.placements import PlacementViewSetGroup
from .viewsets.promotion import register_round_actions
from .viewsets.registration import RecordRegistrationView, RegistrationReportView
from .viewsets.reports import CEPaceReportView, CertificationReportView, LadderReportView
from .viewsets.scope import register_district_setting
from .viewsets.sittings import CertificateConfirmView, SittingEntriesExportView

# The policies (设置) are district-wide: only a user holding the whole district edits them.
for _setting in (CertificationPolicy, PromotionPolicy, PayPolicy):
    register_district_setting(_setting)

ACTIONS = {
    "talent.orgunit.create": _("新建组织单位"),
    "talent.orgunit.edit": _("修改组织单位"),
    "talent.person.create": _("新建人员"),
    "talent.person.edit": _("修改人员"),
    "talent.person.delete": _("删除人员"),
    "talent.scope.grant": _("授予管辖角色"),
    "talent.scope.edit": _("修改管辖授权"),
    "talent.scope.revoke": _("撤销管辖角色"),
    "talent.ce.credit": _("登记继续教育学时"),
    "talent.exam.record": _("登记考试成绩"),
    "talent.certificate.propose": _("生成待确认证书"),
    "talent.certificate.create": _("登记证书"),
    "talent.certificate.edit": _("修改证书"),
    "talent.target.save": _("保存持证目标"),
    "talent.assessment.record": _("登记年度考核"),
    "talent.assessment.edit": _("更正年度考核"),
    "talent.grade.initial": _("初次定级"),
    "talent.grade.promotion": _("批准晋级"),
    "talent.grade.certification": _("持证晋级"),
    "talent.grade.appointment": _("岗位聘任"),
    "talent.grade.correction": _("更正等级"),
    "talent.import": _("表格导入"),
    "talent.sitting.save": _("保存考试安排"),
    "talent.sitting.enter": _("加入报名名单"),
    "talent.sitting.withdraw": _("撤销报名"),
    "talent.registration.record": _("办理证书登记"),
}


# Generic admin writes (talent.services.access.save_in_scope / delete_in_scope)
GENERIC_ACTIONS = {
    "academy.create": _("新建"),
    "academy.edit": _("修改"),
    "academy.delete": _("删除"),
}


@hooks.register("register_log_actions")
def register_talent_actions(actions):
    register_actions(actions, ACTIONS)
    register_round_actions(actions)
    register_actions(actions, GENERIC_ACTIONS)


@hooks.register("register_admin_viewset")
def register_choosers():
    return register_chooser_viewsets()


@hooks.register("insert_global_admin_js")
def admin_js():
    """Scoped choosers can sit on any admin page (report forms too): their scripts
    load everywhere, and talent/admin.js starts widgets from data attributes."""
    scripts = [
        versioned_static("wagtailadmin/js/modal-workflow.js"),
        versioned_static("wagtailadmin/js/chooser-modal.js"),
        versioned_static("wagtailadmin/js/chooser-widget.js"),
        versioned_static("talent/admin.js"),
    ]
    return format_html_join("", '<script src="{}"></script>', ((s,) for s in scripts))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', versioned_static("talent/admin.css"))


@hooks.register("register_admin_viewset")
def register_talent_viewsets():
    return [TalentViewSetGroup(), CertificationViewSetGroup()]


report_urls = (
    [
        path("certification/", CertificationReportView.as_view(), name="certification"),
        path("ladder/", LadderReportView.as_view(), name="ladder"),
        path("ce-pace/", CEPaceReportView.as_view(), name="ce_pace"),
        path("registration/", RegistrationReportView.as_view(), name="registration"),
    ],
    "talent_reports",
)


PLACEMENT_ACTIONS = {
    "talent.placement.propose": _("提出实习申请"),
    "talent.placement.approve": _("批准实践安排"),
    "talent.placement.reject": _("不批准实践安排"),
    "talent.placement.withdraw": _("撤回实践安排"),
    "talent.placement.start": _("开始实践"),
    "talent.placement.supervisor": _("指定督导"),
    "talent.placement.complete": _("结束实践"),
    "talent.placement.evaluate": _("提交四方评估"),
    "talent.placement.evaluated": _("完成四方评估"),
    "talent.placement.close_evaluation": _("关闭评估"),
    "talent.rotation.plan": _("制定轮岗计划"),
}


@hooks.register("register_log_actions")
def register_placement_actions(actions):
    register_actions(actions, PLACEMENT_ACTIONS)


@hooks.register("register_admin_viewset")
def register_placement_viewsets():
    return PlacementViewSetGroup()


@hooks.register("register_admin_urls")
def register_talent_admin_urls():
    return [
        path("talent/people/import/", RosterImportView.as_view(), name="talent_roster_import"),
        path("talent/units/import/", UnitImportView.as_view(), name="talent_unit_import"),
        path("talent/jobs/", include(job_urls)),
        path("talent/reports/", include(report_urls)),
        path(
            "talent/certificates/import/",
            CertificateImportView.as_view(),
            name="talent_certificate_import",
        ),
        path("talent/exams/import/", ExamImportView.as_view(), name="talent_exam_import"),
        path(
            "talent/certificates/<int:pk>/confirm/",
            CertificateConfirmView.as_view(),
            name="talent_certificate_confirm",
        ),
        path(
            "talent/certificates/<int:pk>/register/",
            RecordRegistrationView.as_view(),
            name="talent_registration_record",
        ),
        path(
            "talent/sittings/<int:pk>/entries.xlsx",
            SittingEntriesExportView.as_view(),
            name="talent_sitting_entries_export",
        ),
        path(
            "talent/assessments/import/",
            AssessmentImportView.as_view(),
            name="talent_assessment_import",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.perm = f"{model._meta.app_label}.view_{model._meta.model_name}"

    def is_shown(self, request):
        return request.user.has_perm(self.perm)


@hooks.register("register_reports_menu_item")
def certification_report_menu_item():
    return PermissionMenuItem(
        _("持证率报表"),
        reverse("talent_reports:certification"),
        icon_name="doc-full",
        order=700,
        model=CertificationTarget,
    )


@hooks.register("register_reports_menu_item")
def ladder_report_menu_item():
    return PermissionMenuItem(
        _("岗位等级分布"),
        reverse("talent_reports:ladder"),
        icon_name="table",
        order=710,
        model=GradeChange,
    )


@hooks.register("register_reports_menu_item")
def ce_pace_menu_item():
    return PermissionMenuItem(
        _("继续教育学时预警"),
        reverse("talent_reports:ce_pace"),
        icon_name="time",
        order=720,
        model=RegistrationPeriod,
    )


@hooks.register("register_reports_menu_item")
def registration_menu_item():
    return PermissionMenuItem(
        _("证书登记状态"),
        reverse("talent_reports:registration"),
        icon_name="date",
        order=725,
        model=RegistrationPeriod,
    )


@hooks.register("construct_homepage_panels")
def add_certification_panel(request, panels):
    CertificationPanel.add_to(request, panels)


@hooks.register("construct_homepage_panels")
def add_lapsed_registrations_panel(request, panels):
    LapsedRegistrationsPanel.add_to(request, panels)
