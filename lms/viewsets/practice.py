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
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from lms import models
from lms.permissions import organiser_scope
from lms.services import checkin as checkin_services
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
    "lms.checkin.open_early": _("提前开放签到"),
    "lms.salon.draft": _("拟定沙龙"),
    "lms.salon.publish": _("发布沙龙"),
    "lms.salon.score": _("路演评分"),
    "lms.salon.close_scoring": _("截止路演评分"),
    "lms.signup.create": _("报名"),
    "lms.signup.cancel": _("取消报名"),
    "lms.signup.promote": _("候补转正"),
}


class MentorshipForm(WagtailAdminModelForm):
    """Offers what ``create_mentorship`` accepts: mentees in scope and mentors in
    scope holding the mentor role, never the editing user's own person. The
    mentors are few: a select (the mentee a scoped chooser)."""

    select_fields = ("mentor",)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            self.fields["mentor"].queryset = talent.mentor_candidates(for_user).order_by(
                "unit__path", "name"
            )
            self.fields["mentee"].queryset = talent.others_only(
                scope_for(for_user).people().filter(is_active=True), for_user
            ).order_by("unit__path", "name")


class MentorshipCreateView(talent.ServiceErrorsMixin, generic.CreateView):
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
    write_scope = ("mentee", "mentor")
    copy_view_enabled = False
    edit_view_enabled = False
    add_view_class = MentorshipCreateView
    list_display = ["mentee", "mentor", "started_on", "ended_on", "goal"]
    list_filter = ["started_on"]
    search_fields = ["mentee__name", "mentor__name", "mentee__staff_no"]
    search_backend_name = None
    list_export = ["mentee", "mentor", "started_on", "ended_on", "goal"]
    export_filename = "mentorships"
    edit_handler = ObjectList(
        [
            FieldPanel("mentor"),
            FieldPanel("mentee"),
            FieldPanel("started_on"),
            FieldPanel("ended_on"),
            FieldPanel("goal"),
        ],
        base_form_class=MentorshipForm,
    )


class PracticeLogViewSet(ScopedModelViewSet):
    model = models.PracticeLog
    name = "practice_logs"
    url_prefix = "lms/practice-logs"
    url_namespace = "lms_practicelog"
    icon = "time"
    menu_label = _("实践学时")
    scope_prefix = "person__unit__"
    read_only = True  # logs change through lms.services.practice (sign-off, correction)
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


class CheckInSessionForm(WagtailAdminModelForm):
    """The unit and the expected people are limited to the organiser's scope."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None:
            scope = organiser_scope(for_user)
            self.fields["unit"].queryset = scope.units().order_by("path")
            self.fields["expected"].queryset = scope.people().order_by("staff_no")


class CheckInSessionCreateView(generic.CreateView):
    """A class 课堂 (or salon-style) session from the admin, through open_session,
    so its window comes from the kind's rule and the opening is audited."""

    def save_instance(self):
        data = self.form.cleaned_data
        return checkin_services.open_session(
            actor=self.request.user,
            kind=models.SessionKind.CLASS,
            title=data["title"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            unit=data["unit"],
            expected=list(data.get("expected") or []),
            signup_enabled=data.get("signup_enabled", False),
            capacity=data.get("capacity"),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            for text in talent.error_texts(error):
                form.add_error(None, text)
            return self.form_invalid(form)


class CheckInSessionIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        # the edit view takes classes only; other sessions open their record page
        if instance.kind != models.SessionKind.CLASS and not self.request.user.is_superuser:
            return None
        return super().get_edit_url(instance)


class CheckInSessionEditView(generic.EditView):
    """Only a class 课堂 is edited here: a salon's session follows its salon, and
    a mentor's or placement session (whose close signs practice hours) is its
    owner's alone."""

    def get_object(self, *args, **kwargs):
        session = super().get_object(*args, **kwargs)
        if session.kind != models.SessionKind.CLASS and not self.request.user.is_superuser:
            raise Http404
        return session


class CheckInSessionViewSet(ScopedModelViewSet):
    model = models.CheckInSession
    name = "checkin_sessions"
    url_prefix = "lms/checkin-sessions"
    url_namespace = "lms_checkinsession"
    icon = "tasks"
    menu_label = _("签到活动")
    scope_prefix = "unit__"
    write_scope = ("unit", "expected")
    scope_roles = talent.ORGANISER_ROLES
    add_view_class = CheckInSessionCreateView
    edit_view_class = CheckInSessionEditView
    index_view_class = CheckInSessionIndexView
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "kind",
        "unit",
        "planned_start",
        "planned_end",
        "status",
        "owner",
        "signup_enabled",
        "capacity",
    ]
    copy_view_enabled = False
    list_display = ["title", "kind", "unit", "planned_start", "status", "owner"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    search_backend_name = None
    list_export = ["title", "kind", "unit", "planned_start", "planned_end", "status", "owner"]
    export_filename = "checkin-sessions"
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("unit"),
            FieldPanel("planned_start"),
            FieldPanel("planned_end"),
            FieldPanel("lead_minutes"),
            FieldPanel("grace_minutes"),
            FieldPanel("signup_enabled"),
            FieldPanel("capacity"),
            FieldPanel("expected"),
        ],
        base_form_class=CheckInSessionForm,
    )


class SignUpViewSet(ScopedModelViewSet):
    """Who signed up for which salon or class, read-only and exportable."""

    model = models.SignUp
    name = "sign_ups"
    url_prefix = "lms/sign-ups"
    url_namespace = "lms_signup"
    icon = "user"
    menu_label = _("报名")
    scope_prefix = "session__unit__"
    read_only = True  # sign-ups change through lms.services.signup (capacity, waitlist)
    add_view_enabled = False
    copy_view_enabled = False
    list_display = ["person", "session", "status", "joined_at", "promoted_at", "reminded_at"]
    list_filter = ["status", "session__kind"]
    search_fields = ["person__name", "person__staff_no", "session__title"]
    search_backend_name = None
    list_export = ["person", "session", "status", "joined_at", "promoted_at", "cancelled_at"]
    export_filename = "sign-ups"
    form_fields = ["status"]

    def get_queryset(self, request):
        return models.SignUp.objects.select_related("person", "session")


class CheckInRuleViewSet(ScopedModelViewSet):
    model = models.CheckInRule
    district_wide = True
    name = "checkin_rules"
    url_prefix = "lms/checkin-rules"
    url_namespace = "lms_checkinrule"
    icon = "cog"
    menu_label = _("签到与学时规则")
    add_view_enabled = False
    copy_view_enabled = False
    list_display = [
        "kind",
        "lead_minutes",
        "grace_minutes",
        "rounding_step",
        "rounding",
        "min_share_percent",
    ]
    form_fields = [
        "lead_minutes",
        "grace_minutes",
        "rounding_step",
        "rounding",
        "min_share_percent",
    ]


class SalonEditView(generic.EditView):
    def _runs_check_in(self) -> bool:
        """The check-in screen is its owner's (lms.views.checkin), so only they get the
        button; anyone else would meet a 404."""
        user = self.request.user
        return user.is_superuser or self.object.check_in_session.owner_id == user.pk

    @cached_property
    def header_buttons(self):
        # the salon's next steps as labelled buttons, not items under the "…"
        buttons = list(super().header_buttons)
        if self.object.status == models.SalonStatus.DRAFT:
            url = reverse("lms_salon:publish", args=[self.object.pk])
            buttons.append(HeaderButton(_("发布并开启签到"), url=url, icon_name="upload"))
        elif self.object.check_in_session_id and self._runs_check_in():
            url = reverse("lms:session_detail", args=[self.object.check_in_session_id])
            buttons.append(HeaderButton(_("签到与大屏"), url=url, icon_name="tasks"))
        if self.object.status == models.SalonStatus.PUBLISHED and not self.object.scoring_closed:
            url = reverse("lms_salon:close_scoring", args=[self.object.pk])
            buttons.append(HeaderButton(_("截止评分并公布排名"), url=url, icon_name="lock"))
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


class SalonCloseScoringView(SalonPublishView):
    """Confirm, then close roadshow scoring (the ranking becomes public)."""

    template_name = "lms/admin/salon_close_scoring.html"
    page_title = _("截止路演评分")

    def post(self, request, *args, **kwargs):
        try:
            salon_services.close_scoring(actor=request.user, salon=self.salon)
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("评分已截止，排名已公布。"))
        return redirect("lms_salon:edit", self.salon.pk)


class SalonViewSet(ScopedModelViewSet):
    model = models.Salon
    name = "salons"
    url_prefix = "lms/salons"
    url_namespace = "lms_salon"
    icon = "date"
    menu_label = _("能力提升沙龙")
    scope_prefix = "centre__"
    write_scope = ("centre", "judges")
    scope_roles = talent.ORGANISER_ROLES
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
        FieldPanel("capacity"),
        FieldPanel("judges"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("publish/<int:pk>/", SalonPublishView.as_view(), name="publish"),
            path("close-scoring/<int:pk>/", SalonCloseScoringView.as_view(), name="close_scoring"),
        ]


class RoadshowSlotViewSet(ScopedModelViewSet):
    model = models.RoadshowSlot
    name = "roadshow_slots"
    url_prefix = "lms/roadshow-slots"
    url_namespace = "lms_roadshowslot"
    icon = "pick"
    menu_label = _("路演安排")
    scope_prefix = "salon__centre__"
    write_scope = ("salon.centre", "studio", "presenter")
    scope_roles = talent.ORGANISER_ROLES
    copy_view_enabled = False
    list_display = ["salon", "order", "studio", "presenter", "title"]
    list_filter = ["salon"]
    search_fields = ["title", "studio__name", "presenter__name"]
    search_backend_name = None
    form_fields = ["salon", "order", "studio", "presenter", "title"]


class SalonThemeViewSet(ScopedModelViewSet):
    model = models.SalonTheme
    district_wide = True
    name = "salon_themes"
    url_prefix = "lms/salon-themes"
    url_namespace = "lms_salontheme"
    icon = "tag"
    menu_label = _("沙龙主题")
    copy_view_enabled = False
    list_display = [
        "name",
        "description",
        "sort_order",
        talent.YesNoColumn("is_active", label=_("启用")),
    ]
    form_fields = ["name", "description", "sort_order", "is_active"]


class RubricCriterionViewSet(ScopedModelViewSet):
    model = models.RubricCriterion
    district_wide = True
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
        SignUpViewSet,
        CheckInRuleViewSet,
        SalonViewSet,
        RoadshowSlotViewSet,
        SalonThemeViewSet,
        RubricCriterionViewSet,
    )
