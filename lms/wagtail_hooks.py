from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.viewsets.practice import LOG_ACTIONS, PracticeViewSetGroup
from talent import api as talent

from .models import ReadinessPolicy
from .viewsets.gapplan import GapPlanView
from .viewsets.imports import QuestionImportView
from .viewsets.programme import LearningViewSetGroup
from .viewsets.record import SECTIONS

# The readiness model's parameters are district-wide, like talent's policies.
talent.register_district_setting(ReadinessPolicy)

PROGRAMME_ACTIONS = {
    "lms.course.enrol": _("报名课程"),
    "lms.course.complete": _("完成课程"),
    "lms.exam.submit": _("模拟考试交卷"),
    "lms.case.submit": _("提交案例"),
    "lms.case.approve": _("案例评阅通过"),
    "lms.case.return": _("案例退回修改"),
    "lms.cohort.create": _("新建培养班级"),
    "lms.cohort.edit": _("修改培养班级"),
    "lms.cohort.delete": _("删除培养班级"),
    "lms.cohort.add_members": _("添加班级学员"),
    "lms.cohort.enrol_from_plan": _("按持证缺口计划加入考试专班"),
}


@hooks.register("register_log_actions")
def register_lms_actions(actions):
    # Programme events carry ids, not field changes: show the label alone.
    talent.register_actions(actions, PROGRAMME_ACTIONS, changes=False)
    talent.register_actions(actions, LOG_ACTIONS)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_viewset")
def register_practice_viewsets():
    return PracticeViewSetGroup()


@hooks.register("register_admin_urls")
def register_lms_import_urls():
    return [
        path("lms/questions/import/", QuestionImportView.as_view(), name="lms_question_import"),
        path("lms/gap-plan/", GapPlanView.as_view(), name="lms_gap_plan"),
    ]


@hooks.register("certification_gap_links")
def gap_plan_link(request, report):
    """Beside the certification report's "还需 N 人持证": the plan to close it."""
    if not report.total.gap:
        return None
    query = urlencode(
        {"target": report.target.pk, "unit": report.unit.pk, "as_of": report.as_of.isoformat()}
    )
    return _("查看缺口计划"), f"{reverse('lms_gap_plan')}?{query}"


class GapPlanMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("talent.view_certificationtarget")


@hooks.register("register_reports_menu_item")
def gap_plan_menu_item():
    return GapPlanMenuItem(_("持证缺口计划"), reverse("lms_gap_plan"), icon_name="group", order=705)


def _person_section(section):
    return lambda: section


for _section in SECTIONS:
    hooks.register("register_person_section", _person_section(_section))
