"""Admin for universities, practice bases and placements. Lists, exports and
object URLs obey the coordinator's scope over the host unit; every decision
goes through ``talent.services_placements``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from talent.forms import EvaluationForm
from talent.models import (
    EvaluationParty,
    Placement,
    PlacementStatus,
    PracticeBase,
    University,
)
from talent.selectors import placements as selectors
from talent.services import placements as services

from .feedback import flash_error
from .rotation import RotationPlanViewSet
from .scope import ScopedModelViewSet

ORGANISER_ROLES = selectors.COORDINATOR_ROLES


class UniversityViewSet(ScopedModelViewSet):
    model = University
    name = "universities"
    url_prefix = "talent/universities"
    url_namespace = "talent_university"
    icon = "group"
    menu_label = gettext_lazy("合作高校")
    scope_prefix = "unit__"
    scope_choices = False  # every base may partner with any university
    copy_view_enabled = False
    list_display = ["unit", "short_name", "contact_name", "contact_phone"]
    form_fields = ["unit", "short_name", "contact_name", "contact_phone"]


class PracticeBaseForm(WagtailAdminModelForm):
    """Hosts and supervisors are limited to the coordinator's scope."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        scope = selectors.coordinator_scope(for_user)
        self.fields["host_unit"].queryset = scope.units().order_by("path")
        self.fields["supervisors"].queryset = scope.people().exclude(kind="intern")


class PracticeBaseSaveMixin:
    def save_instance(self):
        return services.save_practice_base(
            actor=self.request.user,
            base=self.form.instance,
            supervisors=self.form.cleaned_data.get("supervisors"),
        )


class PracticeBaseCreateView(PracticeBaseSaveMixin, generic.CreateView):
    pass


class PracticeBaseEditView(PracticeBaseSaveMixin, generic.EditView):
    pass


class PracticeBaseViewSet(ScopedModelViewSet):
    model = PracticeBase
    name = "practice_bases"
    url_prefix = "talent/practice-bases"
    url_namespace = "talent_practicebase"
    icon = "home"
    menu_label = gettext_lazy("实践基地")
    scope_prefix = "host_unit__"
    write_scope = ("host_unit", "supervisors")
    scope_roles = ORGANISER_ROLES
    copy_view_enabled = False
    add_view_class = PracticeBaseCreateView
    edit_view_class = PracticeBaseEditView
    list_display = ["name", "university", "host_unit", "capacity_per_term", "agreement_end"]
    list_filter = ["university", "is_active"]
    list_export = [
        "name",
        "university",
        "host_unit",
        "agreement_start",
        "agreement_end",
        "capacity_per_term",
    ]
    export_filename = "practice-bases"
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("university"),
            FieldPanel("host_unit"),
            FieldPanel("agreement_start"),
            FieldPanel("agreement_end"),
            FieldPanel("capacity_per_term"),
            FieldPanel("supervisors"),
            FieldPanel("is_active"),
        ],
        base_form_class=PracticeBaseForm,
    )


class PlacementIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person", "host_unit", "base")


class PlacementForm(WagtailAdminModelForm):
    """Only the supervisor is edited here; every other change is a decision on
    the placement's page."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        people = selectors.coordinator_scope(for_user).people().exclude(kind="intern")
        self.fields["supervisor"].queryset = people.order_by("staff_no")


class PlacementEditView(generic.EditView):
    def save_instance(self):
        return services.set_supervisor(
            actor=self.request.user,
            placement=self.object,
            supervisor=self.form.cleaned_data["supervisor"],
        )


class StatusColumn(Column):
    cell_template_name = "talent/placements/status_cell.html"


def decide_url(placement) -> str:
    return reverse("talent_placement:decide", args=[placement.pk])


class PlacementViewSet(ScopedModelViewSet):
    model = Placement
    name = "placements"
    url_prefix = "talent/placements"
    url_namespace = "talent_placement"
    icon = "date"
    menu_label = gettext_lazy("实践安排")
    scope_prefix = "host_unit__"
    write_scope = ("host_unit", "supervisor")
    scope_roles = ORGANISER_ROLES
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = PlacementIndexView
    list_display = [
        # the whole row leads to the placement's page, not only its status badge
        TitleColumn("person", label=gettext_lazy("人员"), get_url=decide_url),
        "kind",
        "host_unit",
        "start",
        "end",
        StatusColumn("status", label=gettext_lazy("状态")),
    ]
    list_filter = ["status", "kind", "term"]
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = [
        "person",
        "kind",
        "base",
        "host_unit",
        "supervisor",
        "start",
        "end",
        "term",
        "required_hours",
        "status",
        "status_reason",
    ]
    export_filename = "placements"
    inspect_view_fields = [
        "person",
        "kind",
        "base",
        "host_unit",
        "supervisor",
        "start",
        "end",
        "required_hours",
        "status",
        "status_reason",
    ]
    edit_view_class = PlacementEditView
    edit_handler = ObjectList([FieldPanel("supervisor")], base_form_class=PlacementForm)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/decide/", self.decide_view, name="decide"),
        ]

    def decide_view(self, request, pk):
        return decide(request, pk)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300, required=False)


ACTIONS = {
    "approve": lambda actor, p, reason: services.approve_placement(actor=actor, placement=p),
    "reject": lambda actor, p, reason: services.reject_placement(
        actor=actor, placement=p, reason=reason
    ),
    "withdraw": lambda actor, p, reason: services.withdraw_placement(
        actor=actor, placement=p, reason=reason
    ),
    "start": lambda actor, p, reason: services.start_placement(actor=actor, placement=p),
    "complete": lambda actor, p, reason: services.complete_placement(actor=actor, placement=p),
    "close": lambda actor, p, reason: services.close_evaluation(
        actor=actor, placement=p, reason=reason
    ),
}
AVAILABLE = {
    PlacementStatus.PROPOSED: ["approve", "reject", "withdraw"],
    PlacementStatus.APPROVED: ["start", "withdraw"],
    PlacementStatus.ACTIVE: ["complete"],
    PlacementStatus.COMPLETED: ["close"],
}
ACTION_LABELS = {
    "approve": gettext_lazy("批准"),
    "reject": gettext_lazy("不批准"),
    "withdraw": gettext_lazy("撤回"),
    "start": gettext_lazy("开始实践"),
    "complete": gettext_lazy("结束实践"),
    "close": gettext_lazy("关闭评估"),
}


def decide(request, pk: int):
    """The coordinator's page for one placement: its next steps, the host
    unit's evaluation and the four-party breakdown."""
    placement = get_object_or_404(
        selectors.with_evaluations(selectors.placements_for_coordinator(request.user)), pk=pk
    )
    url = reverse("talent_placement:decide", args=[pk])
    summary = selectors.evaluation_summary(placement)
    may_evaluate = selectors.can_evaluate(request.user, placement, EvaluationParty.HOST)
    evaluation_form = EvaluationForm(prefix="eval") if may_evaluate else None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "evaluate" and may_evaluate:
                evaluation_form = EvaluationForm(request.POST, prefix="eval")
                if evaluation_form.is_valid():
                    services.submit_evaluation(
                        actor=request.user,
                        placement=placement,
                        party=EvaluationParty.HOST,
                        scores=evaluation_form.scores(),
                        comment=evaluation_form.cleaned_data["comment"],
                    )
                    messages.success(request, _("实践单位评价已提交。"))
                    return redirect(url)
            elif (action := request.POST.get("action")) in AVAILABLE.get(placement.status, []):
                form = DecisionForm(request.POST)
                form.is_valid()
                ACTIONS[action](request.user, placement, form.cleaned_data.get("reason", ""))
                messages.success(
                    request, _("已完成：%(action)s") % {"action": ACTION_LABELS[action]}
                )
                return redirect(url)
        except (ValidationError, PermissionDenied) as error:
            flash_error(request, error)
            return redirect(url)
    return TemplateResponse(
        request,
        "talent/placements/decide.html",
        {
            "p": placement,
            "summary": summary,
            "actions": [(a, ACTION_LABELS[a]) for a in AVAILABLE.get(placement.status, [])],
            "needs_reason": {"reject", "withdraw", "close"},
            "evaluation_form": evaluation_form,
            "used": selectors.used_places(placement.base, placement.term)
            if placement.base
            else None,
            "page_title": _("实践安排"),
            "header_icon": "date",
        },
    )


class PlacementViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("实习与轮岗")
    menu_icon = "date"
    menu_order = 220
    items = (PlacementViewSet, RotationPlanViewSet, PracticeBaseViewSet, UniversityViewSet)
