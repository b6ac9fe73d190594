"""Wagtail admin for practice hours, check-in sessions and salons.

Every list, export and object URL is scoped (``ScopedModelViewSet``): HR and
organisers see only rows whose unit lies in their subtree. Practice logs are
read-only here: signing happens on the mentor's phone pages and corrections go
through ``lms.services.practice.correct_log``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms import models
from lms.services import practice as practice_services
from lms.services import salons as salon_services
from talent import api as talent
from talent.api import ScopedModelViewSet, scope_for

LOG_ACTIONS = {
    "lms.mentorship.create": _("新建导师帮带关系"),
    "lms.practice.create": _("登记实践学时"),
    "lms.practice.sign": _("签核实践学时"),
    "lms.practice.reject": _("退回实践学时"),
    "lms.practice.correct": _("更正实践学时"),
    "lms.checkin.open": _("发起签到"),
    "lms.checkin.close": _("结束签到"),
    "lms.salon.draft": _("拟定沙龙"),
    "lms.salon.publish": _("发布沙龙"),
    "lms.salon.score": _("路演评分"),
}


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Lists, inspection and export only: practice logs change through services."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(models.PracticeLog, ReadOnlyPolicy(models.PracticeLog))


class MentorshipCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return practice_services.create_mentorship(
            actor=self.request.user,
            mentor=data["mentor"],
            mentee=data["mentee"],
            started_on=data["started_on"],
            ended_on=data.get("ended_on"),
            goal=data.get("goal", ""),
        )


class MentorshipViewSet(ScopedModelViewSet):
    model = models.Mentorship
    name = "mentorships"
    url_prefix = "lms/mentorships"
    url_namespace = "lms_mentorship"
    icon = "group"
    menu_label = _("导师帮带关系")
    scope_prefix = "mentee__unit__"
    copy_view_enabled = False
    edit_view_enabled = False
    add_view_class = MentorshipCreateView
    list_display = ["mentee", "mentor", "started_on", "ended_on", "goal"]
    list_filter = ["started_on"]
    search_fields = ["mentee__name", "mentor__name", "mentee__staff_no"]
    search_backend_name = None
    list_export = ["mentee", "mentor", "started_on", "ended_on", "goal"]
    export_filename = "mentorships"
    form_fields = ["mentor", "mentee", "started_on", "ended_on", "goal"]


class PracticeLogViewSet(ScopedModelViewSet):
    model = models.PracticeLog
    name = "practice_logs"
    url_prefix = "lms/practice-logs"
    url_namespace = "lms_practicelog"
    icon = "time"
    menu_label = _("实践学时")
    scope_prefix = "person__unit__"
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "person",
        "date",
        "hours",
        "activity",
        "status",
        Column("mentor", label=_("导师"), accessor="mentorship.mentor"),
        "sign_method",
    ]
    list_filter = ["status", "sign_method", "date"]
    search_fields = ["person__name", "person__staff_no", "activity"]
    search_backend_name = None
    list_export = [
        "person",
        "date",
        "hours",
        "activity",
        "status",
        "sign_method",
        "signed_by",
        "signed_at",
        "reject_reason",
    ]
    export_filename = "practice-logs"
    inspect_view_fields = list_export
    form_fields = ["activity"]

    def get_queryset(self, request):
        return models.PracticeLog.objects.select_related("person", "mentorship__mentor")


class CheckInSessionViewSet(ScopedModelViewSet):
    model = models.CheckInSession
    name = "checkin_sessions"
    url_prefix = "lms/checkin-sessions"
    url_namespace = "lms_checkinsession"
    icon = "tasks"
    menu_label = _("签到活动")
    scope_prefix = "unit__"
    add_view_enabled = False
    copy_view_enabled = False
    list_display = ["title", "kind", "unit", "planned_start", "status", "owner"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    search_backend_name = None
    list_export = ["title", "kind", "unit", "planned_start", "planned_end", "status", "owner"]
    export_filename = "checkin-sessions"
    form_fields = ["title", "planned_start", "planned_end", "expected"]


class SalonEditView(generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.status == models.SalonStatus.DRAFT:
            url = reverse("lms_salon:publish", args=[self.object.pk])
            buttons.append(Button(_("发布并开启签到"), url=url, icon_name="upload", priority=5))
        elif self.object.check_in_session_id:
            url = reverse("lms:session_detail", args=[self.object.check_in_session_id])
            buttons.append(Button(_("签到与大屏"), url=url, icon_name="tasks", priority=5))
        return buttons


class SalonPublishView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then publish a drafted salon (opening its attendance check-in)."""

    template_name = "lms/admin/salon_publish.html"
    page_title = _("发布沙龙")
    header_icon = "date"

    def dispatch(self, request, *args, pk, **kwargs):
        self.salon = get_object_or_404(models.Salon.objects.select_related("centre"), pk=pk)
        if not scope_for(request.user).contains_unit(self.salon.centre):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.salon.title

    def get_context_data(self, **kwargs):
        return super().get_context_data(salon=self.salon, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            salon_services.publish_salon(actor=request.user, salon=self.salon)
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("沙龙已发布，签到已开启。"))
        return redirect("lms_salon:edit", self.salon.pk)


class SalonViewSet(ScopedModelViewSet):
    model = models.Salon
    name = "salons"
    url_prefix = "lms/salons"
    url_namespace = "lms_salon"
    icon = "date"
    menu_label = _("能力提升沙龙")
    scope_prefix = "centre__"
    copy_view_enabled = False
    edit_view_class = SalonEditView
    list_display = ["title", "cycle", "theme", "starts_at", "status"]
    list_filter = ["status", "theme"]
    search_fields = ["title", "venue"]
    search_backend_name = None
    list_export = ["title", "cycle", "theme", "starts_at", "venue", "status", "ce_hours"]
    export_filename = "salons"
    panels = [
        FieldPanel("centre"),
        FieldPanel("cycle"),
        FieldPanel("title"),
        FieldPanel("theme"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("venue"),
        FieldPanel("ce_hours"),
        FieldPanel("judges"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("publish/<int:pk>/", SalonPublishView.as_view(), name="publish")
        ]


class RoadshowSlotViewSet(ScopedModelViewSet):
    model = models.RoadshowSlot
    name = "roadshow_slots"
    url_prefix = "lms/roadshow-slots"
    url_namespace = "lms_roadshowslot"
    icon = "pick"
    menu_label = _("路演安排")
    scope_prefix = "salon__centre__"
    copy_view_enabled = False
    list_display = ["salon", "order", "studio", "presenter", "title"]
    list_filter = ["salon"]
    search_fields = ["title", "studio__name", "presenter__name"]
    search_backend_name = None
    form_fields = ["salon", "order", "studio", "presenter", "title"]


class SalonThemeViewSet(ModelViewSet):
    model = models.SalonTheme
    name = "salon_themes"
    url_prefix = "lms/salon-themes"
    url_namespace = "lms_salontheme"
    icon = "tag"
    menu_label = _("沙龙主题")
    copy_view_enabled = False
    list_display = ["name", "description", "sort_order", "is_active"]
    form_fields = ["name", "description", "sort_order", "is_active"]


class RubricCriterionViewSet(ModelViewSet):
    model = models.RubricCriterion
    name = "rubric"
    url_prefix = "lms/rubric"
    url_namespace = "lms_rubriccriterion"
    icon = "list-ol"
    menu_label = _("路演评分项")
    copy_view_enabled = False
    list_display = ["name", "max_score", "sort_order"]
    form_fields = ["name", "max_score", "sort_order"]


class PracticeViewSetGroup(ModelViewSetGroup):
    menu_label = _("实践与沙龙")
    menu_icon = "time"
    menu_order = 300
    items = (
        PracticeLogViewSet,
        MentorshipViewSet,
        CheckInSessionViewSet,
        SalonViewSet,
        RoadshowSlotViewSet,
        SalonThemeViewSet,
        RubricCriterionViewSet,
    )
