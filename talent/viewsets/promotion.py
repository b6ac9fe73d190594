"""Admin for promotion rounds 晋级评审: the round page (people with their rules,
paged and filtered, and the draft list), a confirm page for every step (publish
the 公示, answer an objection, take someone off the list, approve, decline),
and the round's cost. Every step asks ``talent.selectors.promotion`` whether the
user may take it, which is the answer the service refuses with."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter

from talent.models import (
    ObjectionOutcome,
    OrgUnit,
    Post,
    PromotionCandidate,
    PromotionObjection,
    PromotionPolicy,
    PromotionReview,
    RoundStatus,
)
from talent.selectors import promotion as rounds
from talent.selectors.access import scope_for
from talent.selectors.calendar import working_days_from
from talent.selectors.ladder import rule_choices
from talent.services import promotion as services
from talent.spreadsheets import xlsx_response

from .certification import ReadOnlyDeleteView, ReadOnlyEditView
from .feedback import flash_error
from .forms import ScopedUnitFormMixin, ServiceErrorsMixin
from .scope import ScopedModelViewSet

PAGE_SIZE = 50


class ReviewForm(ScopedUnitFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.limit_units(for_user)


class ReviewCreateView(ServiceErrorsMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.create_review(
            actor=self.request.user,
            unit=data["unit"],
            review_date=data["review_date"],
            title=data["title"],
        )

    def get_success_url(self):
        return reverse("talent_review:inspect", args=[self.object.pk])


class ReviewIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "created_by")

    def get_edit_url(self, instance):
        return None  # the title opens the round page


class RoundFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位（含下级）"), queryset=OrgUnit.objects.none(), required=False
    )
    post = forms.ModelChoiceField(
        label=gettext_lazy("岗位"), queryset=Post.objects.all(), required=False
    )
    rule = forms.ChoiceField(label=gettext_lazy("未通过的规则"), required=False)

    STATES = [
        ("", gettext_lazy("全部")),
        ("eligible", gettext_lazy("符合条件")),
        ("ineligible", gettext_lazy("暂不符合")),
        ("listed", gettext_lazy("已列入名单")),
        ("withdrawn", gettext_lazy("已移出名单")),
        ("approved", gettext_lazy("已批准")),
    ]

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = self.STATES
        self.fields["unit"].queryset = OrgUnit.objects.filter(
            path__startswith=review.unit.path
        ).order_by("path")
        self.fields["rule"].choices = [("", _("不限"))] + rule_choices()

    def filters(self) -> rounds.RoundFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return rounds.RoundFilters(
            unit=data.get("unit"),
            post=data.get("post"),
            rule=data.get("rule", ""),
            state=data.get("state", ""),
        )


class ReviewDetailView(generic.InspectView):
    """The round: its state and the step the user may take next, the people of
    the unit with every rule passed or failed (50 a page, filtered by unit, post,
    state and failed rule), and in a draft the list HR builds."""

    template_name = "talent/promotion_review.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            PromotionReview.objects.select_related(
                "unit", "created_by__person", "decided_by__person"
            ),
            pk=unquote(str(self.pk)),
        )

    def get_page_title(self):
        return self.object.title

    def get_page_subtitle(self):
        return f"{self.object.unit.name} · {self.object.get_status_display()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        rows = rounds.round_rows(review, user)
        form = RoundFilterForm(self.request.GET or None, review=review)
        shown = [row for row in rows if form.filters().keep(row)]
        page = Paginator(shown, PAGE_SIZE).get_page(self.request.GET.get("p"))
        query = self.request.GET.copy()
        query.pop("p", None)
        state = rounds.round_state(user, review)
        context.update(
            review=review,
            state=state,
            counts=rounds.state_counts(rows),
            shown_count=len(shown),
            page_obj=page,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
            filter_form=form,
            query=query.urlencode(),
            can_list=state.can_edit and review.status == RoundStatus.DRAFT,
            cost=rounds.round_cost(review, state.listed).total,
            history=list(rounds.round_history(review))[-8:],
            RoundStatus=RoundStatus,
        )
        return context

    def post(self, request, *args, **kwargs):
        """Draft list editing: add the ticked people, every eligible one, or remove."""
        self.object = self.get_object()
        review = self.object
        action = request.POST.get("action")
        ids = [int(v) for v in request.POST.getlist("people") if v.isdigit()]
        try:
            if action == "list_all":
                ids = [
                    row.person.pk for row in rounds.round_rows(review, request.user) if row.listable
                ]
            if action in ("list", "list_all"):
                if not ids:
                    raise ValidationError(_("请至少选择一名符合条件的人员。"))
                listed = services.list_candidates(actor=request.user, review=review, person_ids=ids)
                messages.success(request, _("已列入名单 %(n)s 人。") % {"n": len(listed)})
            elif action == "unlist":
                n = services.unlist_candidates(actor=request.user, review=review, person_ids=ids)
                messages.success(request, _("已移出名单 %(n)s 人。") % {"n": n})
        except (ValidationError, PermissionDenied) as error:
            flash_error(request, error)
        return redirect(request.get_full_path())


# Confirm pages -------------------------------------------------------------------


class RoundStepView(WagtailAdminTemplateMixin, TemplateView):
    """A confirm page for one step of a round: it explains what will happen,
    shows why the step is refused if it is, and does it on POST."""

    template_name = "talent/admin/round_step.html"
    header_icon = "list-ul"
    submit_label = ""
    needs_text = ""  # the label of a required text (a reason, an answer)
    model = PromotionReview

    def get_object(self, pk):
        review = get_object_or_404(PromotionReview.objects.select_related("unit"), pk=pk)
        if not scope_for(self.request.user).contains_unit(review.unit):
            raise Http404
        return review

    def dispatch(self, request, *args, pk, **kwargs):
        self.object = self.get_object(pk)
        self.review = getattr(self.object, "review", self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.review.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("talent_review:index"), "label": _("晋级评审")},
            {
                "url": reverse("talent_review:inspect", args=[self.review.pk]),
                "label": self.review.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def refusal(self) -> str | None:
        raise NotImplementedError

    def perform(self, text: str):
        raise NotImplementedError

    def done_message(self, result) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review=self.review,
            object=self.object,
            refusal=self.refusal(),
            submit_label=self.submit_label,
            needs_text=self.needs_text,
            back_url=reverse("talent_review:inspect", args=[self.review.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            result = self.perform(request.POST.get("text", ""))
        except (ValidationError, PermissionDenied) as error:
            flash_error(request, error)
            return redirect(request.path)
        messages.success(request, self.done_message(result))
        return redirect("talent_review:inspect", self.review.pk)


class PublishView(RoundStepView):
    page_title = gettext_lazy("发布晋级公示")
    submit_label = gettext_lazy("确认发布公示")

    def refusal(self):
        return rounds.publish_refusal(
            self.request.user, self.review, list(rounds.listed_candidates(self.review))
        )

    def get_context_data(self, **kwargs):
        days = PromotionPolicy.load().notice_working_days
        first, last = working_days_from(timezone.localdate(), days)
        return super().get_context_data(
            step="publish",
            listed=list(rounds.listed_candidates(self.review)),
            notice_days=days,
            notice_first=first,
            notice_last=last,
            **kwargs,
        )

    def perform(self, text):
        return services.publish_review(actor=self.request.user, review=self.review)

    def done_message(self, review):
        return _("已发布公示，公示期 %(start)s 至 %(end)s。") % {
            "start": review.notice_starts_on,
            "end": review.notice_ends_on,
        }


class ApproveView(RoundStepView):
    page_title = gettext_lazy("审批晋级")
    submit_label = gettext_lazy("确认批准并记录等级变动")

    def refusal(self):
        return rounds.round_state(self.request.user, self.review).approve

    def get_context_data(self, **kwargs):
        state = rounds.round_state(self.request.user, self.review)
        return super().get_context_data(
            step="approve", state=state, cost=rounds.round_cost(self.review), **kwargs
        )

    def perform(self, text):
        return services.approve_review(actor=self.request.user, review=self.review)

    def done_message(self, changes):
        return _("已批准 %(n)s 人晋级，等级变动已记录。") % {"n": len(changes)}


class RejectView(RoundStepView):
    page_title = gettext_lazy("不予批准")
    submit_label = gettext_lazy("确认不予批准")
    needs_text = gettext_lazy("审批意见")

    def refusal(self):
        return rounds.approver_refusal(self.request.user, self.review)

    def get_context_data(self, **kwargs):
        return super().get_context_data(step="reject", **kwargs)

    def perform(self, text):
        return services.reject_review(actor=self.request.user, review=self.review, reason=text)

    def done_message(self, review):
        return _("已不予批准，名单人员的等级不变。")


class WithdrawView(RoundStepView):
    page_title = gettext_lazy("移出名单")
    submit_label = gettext_lazy("确认移出名单")
    needs_text = gettext_lazy("移出原因")

    def get_object(self, pk):
        candidate = get_object_or_404(
            PromotionCandidate.objects.select_related("review__unit", "person__unit"), pk=pk
        )
        if not scope_for(self.request.user).contains_unit(candidate.review.unit):
            raise Http404
        return candidate

    def refusal(self):
        return rounds.withdraw_refusal(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(step="withdraw", candidate=self.object, **kwargs)

    def perform(self, text):
        return services.withdraw_candidate(
            actor=self.request.user, candidate=self.object, reason=text
        )

    def done_message(self, candidate):
        return _("已将 %(name)s 移出名单。") % {"name": candidate.person.name}


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=ObjectionOutcome.choices,
        widget=forms.RadioSelect,
    )


class AnswerView(RoundStepView):
    page_title = gettext_lazy("答复异议")
    submit_label = gettext_lazy("确认答复")
    needs_text = gettext_lazy("答复内容")

    def get_object(self, pk):
        objection = get_object_or_404(
            PromotionObjection.objects.select_related(
                "review__unit", "raised_by__unit", "candidate__person"
            ),
            pk=pk,
        )
        if not scope_for(self.request.user).contains_unit(objection.review.unit):
            raise Http404
        return objection

    def refusal(self):
        return rounds.answer_refusal(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            step="answer", objection=self.object, outcome_form=AnswerForm(), **kwargs
        )

    def perform(self, text):
        return services.answer_objection(
            actor=self.request.user,
            objection=self.object,
            answer=text,
            outcome=self.request.POST.get("outcome", ""),
        )

    def done_message(self, objection):
        return _("已答复 %(name)s 的异议。") % {"name": objection.raised_by.name}


class CostView(RoundStepView):
    """What the round costs per month and per year, by unit, before and after."""

    template_name = "talent/admin/round_cost.html"
    page_title = gettext_lazy("晋级成本测算")

    def refusal(self):
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(cost=rounds.round_cost(self.review), **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        raise Http404

    def export(self):
        cost = rounds.round_cost(self.review)
        headings = [
            _("单位"),
            _("晋级人数"),
            _("晋级人员月薪酬（调整前）"),
            _("晋级人员月薪酬（调整后）"),
            _("每月增加"),
            _("每年增加"),
            _("单位月薪酬总额（调整前）"),
            _("单位月薪酬总额（调整后）"),
        ]

        def row(c, name):
            return [
                name,
                c.people,
                c.promoted_before,
                c.promoted_after,
                c.increase,
                c.increase_per_year,
                c.payroll_before,
                c.payroll_after,
            ]

        rows = [row(c, c.unit.name) for c in cost.units] + [row(cost.total, _("合计"))]
        return xlsx_response(f"promotion-cost-{self.review.pk}", [(_("晋级成本"), headings, rows)])


class PromotionReviewViewSet(ScopedModelViewSet):
    model = PromotionReview
    name = "promotion_reviews"
    url_prefix = "talent/reviews"
    url_namespace = "talent_review"
    icon = "list-ul"
    menu_label = gettext_lazy("晋级评审")
    scope_prefix = "unit__"
    service_actions = ("change", "delete")  # a round moves through its services
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ReviewIndexView
    add_view_class = ReviewCreateView
    edit_view_class = ReadOnlyEditView
    delete_view_class = ReadOnlyDeleteView
    inspect_view_class = ReviewDetailView
    list_display = ["title", "unit", "status", "review_date", "notice_ends_on", "created_by"]
    list_filter = ["status"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("unit"), FieldPanel("review_date")],
        base_form_class=ReviewForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/publish/", PublishView.as_view(), name="publish"),
            path("<int:pk>/approve/", ApproveView.as_view(), name="approve"),
            path("<int:pk>/reject/", RejectView.as_view(), name="reject"),
            path("<int:pk>/cost/", CostView.as_view(), name="cost"),
            path("candidates/<int:pk>/withdraw/", WithdrawView.as_view(), name="withdraw"),
            path("objections/<int:pk>/answer/", AnswerView.as_view(), name="answer"),
        ]


# How each step reads in the round's history ---------------------------------------


def _after(entry) -> dict:
    return (entry.data or {}).get("after") or {}


def _people(names) -> str:
    names = list(names or [])
    shown = "、".join(names[:10])
    return shown + (_(" 等 %(n)s 人") % {"n": len(names)} if len(names) > 10 else "")


ROUND_ACTIONS = {
    "talent.review.create": (gettext_lazy("起草晋级评审"), lambda a: ""),
    "talent.review.list": (
        gettext_lazy("列入名单"),
        lambda a: _people(a.get("listed")),
    ),
    "talent.review.unlist": (gettext_lazy("移出草稿名单"), lambda a: _people(a.get("removed"))),
    "talent.review.publish": (
        gettext_lazy("发布公示"),
        lambda a: (
            _("%(n)s 人，公示期 %(start)s 至 %(end)s（%(days)s 个工作日）")
            % {
                "n": a.get("people"),
                "start": a.get("notice_starts_on"),
                "end": a.get("notice_ends_on"),
                "days": a.get("working_days"),
            }
        ),
    ),
    "talent.review.objection": (
        gettext_lazy("收到异议"),
        lambda a: (
            _("%(by)s 提出%(about)s")
            % {
                "by": a.get("raised_by", ""),
                "about": _("，涉及 %(name)s") % {"name": a["about"]} if a.get("about") else "",
            }
        ),
    ),
    "talent.review.answer": (
        gettext_lazy("答复异议"),
        lambda a: str(ObjectionOutcome(a["outcome"]).label) if a.get("outcome") else "",
    ),
    "talent.review.withdraw": (
        gettext_lazy("移出名单"),
        lambda a: f"{a.get('person', '')}（{a.get('reason', '')}）",
    ),
    "talent.review.approve": (
        gettext_lazy("批准晋级"),
        lambda a: (
            _("%(n)s 人晋升一级，每月增加薪酬 ¥%(month)s，每年 ¥%(year)s")
            % {
                "n": a.get("promoted"),
                "month": a.get("monthly_increase"),
                "year": a.get("yearly_increase"),
            }
        ),
    ),
    "talent.review.reject": (gettext_lazy("不予批准"), lambda a: a.get("reason", "")),
}


def register_round_actions(registry) -> None:
    for action, (label, describe) in ROUND_ACTIONS.items():

        class Formatter(LogFormatter):
            pass

        Formatter.label = label

        def format_message(self, entry, label=label, describe=describe):
            detail = describe(_after(entry))
            return f"{label}：{detail}" if detail else str(label)

        Formatter.format_message = format_message
        registry.register_action(action)(Formatter)
