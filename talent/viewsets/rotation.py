"""Admin for rotation plans 轮岗计划: organisers plan a cohort's rotation
through host units, a number of weeks at each, in one step."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views import generic

from talent.models import OrgUnit, PersonKind, RotationPlan
from talent.roles import ORGANISER_ROLES
from talent.selectors import placements as selectors
from talent.services import placements as services

from .display import ReadableIndexMixin
from .feedback import error_texts
from .scope import ScopedModelViewSet

STAGES = 4
STAGE_HEADINGS = [_("第 1 站"), _("第 2 站"), _("第 3 站"), _("第 4 站")]


class RotationPlanForm(WagtailAdminModelForm):
    people = forms.ModelMultipleChoiceField(label=_("轮岗学员"), queryset=None)
    supervisor = forms.ModelChoiceField(label=_("督导/导师"), queryset=None, required=False)
    stage1_unit = forms.ModelChoiceField(
        label=_("第 1 站"), queryset=OrgUnit.objects.none(), required=True
    )
    stage1_weeks = forms.IntegerField(label=_("周数"), min_value=1, max_value=52, required=True)
    stage2_unit = forms.ModelChoiceField(
        label=_("第 2 站"), queryset=OrgUnit.objects.none(), required=False
    )
    stage2_weeks = forms.IntegerField(label=_("周数"), min_value=1, max_value=52, required=False)
    stage3_unit = forms.ModelChoiceField(
        label=_("第 3 站"), queryset=OrgUnit.objects.none(), required=False
    )
    stage3_weeks = forms.IntegerField(label=_("周数"), min_value=1, max_value=52, required=False)
    stage4_unit = forms.ModelChoiceField(
        label=_("第 4 站"), queryset=OrgUnit.objects.none(), required=False
    )
    stage4_weeks = forms.IntegerField(label=_("周数"), min_value=1, max_value=52, required=False)

    class Meta:
        model = RotationPlan
        fields = ["name", "start", "weekly_hours"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        scope = selectors.coordinator_scope(for_user)
        people = scope.people().exclude(kind=PersonKind.INTERN).filter(is_active=True)
        self.fields["people"].queryset = people.select_related("unit").order_by("staff_no")
        self.fields["supervisor"].queryset = people.order_by("staff_no")
        units = scope.units().order_by("path")
        for n in range(1, STAGES + 1):
            self.fields[f"stage{n}_unit"].queryset = units

    def stages(self) -> list:
        result = []
        for n in range(1, STAGES + 1):
            unit = self.cleaned_data.get(f"stage{n}_unit")
            weeks = self.cleaned_data.get(f"stage{n}_weeks")
            if unit and weeks:
                result.append((unit, weeks))
        return result


class RotationPlanCreateView(generic.CreateView):
    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        data = form.cleaned_data
        try:
            self.created = services.create_rotation_plan(
                actor=self.request.user,
                name=data["name"],
                start=data["start"],
                weekly_hours=data["weekly_hours"],
                people=list(data["people"]),
                stages=form.stages(),
                supervisor=data.get("supervisor"),
            )
        except (ValidationError, PermissionDenied) as error:
            for message in error_texts(error):
                form.add_error(None, message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return False
        return True

    def save_instance(self):
        return self.created


def plans_for(user):
    """Plans whose stages lie in the user's coordinator scope."""
    scope = selectors.coordinator_scope(user)
    return RotationPlan.objects.filter(scope.q("stages__host_unit__")).distinct()


class RotationPlanIndexView(ReadableIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=plans_for(self.request.user))

    def get_edit_url(self, instance):
        return None  # the name opens the plan's page; a plan changes through its placements


class RotationPlanInspectView(generic.InspectView):
    """The plan the organiser made: its stations with dates, and every member's
    placement at each station, each a link to that placement's page."""

    template_name = "talent/rotation_plan.html"

    def get_object(self, queryset=None):
        plan = plans_for(self.request.user).filter(pk=self.pk).first()
        if plan is None:
            raise Http404
        return plan

    def get_edit_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"], context["members"] = selectors.rotation_plan_grid(self.object)
        return context


class RotationPlanViewSet(ScopedModelViewSet):
    model = RotationPlan
    scope_prefix = "stages__host_unit__"
    scope_roles = ORGANISER_ROLES
    index_scoped = False  # the index view filters itself (one row per plan)
    service_actions = ("change", "delete")  # a plan changes through its placements
    name = "rotation_plans"
    url_prefix = "talent/rotation-plans"
    url_namespace = "talent_rotationplan"
    icon = "redirect"
    menu_label = _("轮岗计划")
    add_view_class = RotationPlanCreateView
    index_view_class = RotationPlanIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = RotationPlanInspectView
    # organisers may add and view plans; the edit and delete views stay closed for
    # everyone (a plan is changed through its placements)
    list_display = ["name", "start", "weekly_hours", "created_by", "created_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("start"), FieldPanel("weekly_hours")]),
            FieldPanel("people"),
            FieldPanel("supervisor"),
            *[
                MultiFieldPanel(
                    [FieldRowPanel([FieldPanel(f"stage{n}_unit"), FieldPanel(f"stage{n}_weeks")])],
                    heading=STAGE_HEADINGS[n - 1],
                )
                for n in range(1, STAGES + 1)
            ],
        ],
        base_form_class=RotationPlanForm,
    )
