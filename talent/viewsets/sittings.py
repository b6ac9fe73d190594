"""Admin for the exam cycle: sittings with their 报名 list, the results import
and the certificates the results proposed, which HR confirms here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic

from talent.models import (
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    ExamAttempt,
    ExamRule,
    ExamSitting,
    ExamSubject,
)
from talent.selectors.access import scope_for
from talent.selectors.duties import Decision, may_decide_about
from talent.selectors.sittings import (
    entries_in_scope,
    proposed_certificates,
    registration_open,
    sitting_summary,
)
from talent.services import certification as certification_services
from talent.services import sittings as sitting_services
from talent.spreadsheets import xlsx_response

from .feedback import flash_error
from .forms import ServiceErrorsMixin
from .scope import ScopedModelViewSet


def can_confirm(user, certificate: Certificate) -> bool:
    """The confirm button shows only where ``confirm_certificate`` would accept."""
    if certificate.status != CertificateStatus.PROPOSED:
        return False
    if not user.has_perm("talent.change_certificate"):
        return False
    return may_decide_about(user, certificate.person, Decision.CERTIFICATE)


class SittingSaveMixin(ServiceErrorsMixin):
    def save_instance(self):
        return sitting_services.save_sitting(actor=self.request.user, sitting=self.form.instance)


class SittingCreateView(SittingSaveMixin, generic.CreateView):
    pass


class SittingEditView(SittingSaveMixin, generic.EditView):
    pass


class SittingDetailView(generic.InspectView):
    """A sitting: its 报名 list within the user's scope, each entrant's results,
    and the certificates the results proposed, each with a confirm form."""

    template_name = "talent/sitting.html"

    def get_page_title(self):
        return self.object.name

    def get_page_subtitle(self):
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sitting = self.object
        scope = scope_for(self.request.user)
        entries = list(entries_in_scope(scope, sitting))
        pass_mark = CertificationPolicy.load().pass_mark
        scores: dict[int, list] = {}
        for person_id, subject, score in (
            ExamAttempt.objects.filter(
                year=sitting.year, person_id__in=[e.person_id for e in entries]
            )
            .order_by("subject")
            .values_list("person_id", "subject", "score")
        ):
            scores.setdefault(person_id, []).append(
                (ExamSubject(subject).label, score, score >= pass_mark)
            )
        for entry in entries:
            entry.scores = scores.get(entry.person_id, [])
        proposed = list(proposed_certificates(scope, sitting))
        for certificate in proposed:
            certificate.confirmable = can_confirm(self.request.user, certificate)
        context.update(
            sitting=sitting,
            summary=sitting_summary(scope, sitting),
            entries=entries,
            proposed=proposed,
            registration_open=registration_open(sitting, timezone.localdate()),
            can_import=self.request.user.has_perm("talent.add_examattempt"),
            today=timezone.localdate(),
        )
        return context


class SittingEntriesExportView(View):
    """The 报名 list in the user's scope as .xlsx (write-only, formula-safe)."""

    def get(self, request, pk):
        if not request.user.has_perm("talent.view_examentry"):
            raise PermissionDenied
        sitting = get_object_or_404(ExamSitting, pk=pk)
        rows = (
            [e.person.staff_no, e.person.name, e.person.unit.name, e.get_level_display()]
            for e in entries_in_scope(scope_for(request.user), sitting)
        )
        headings = [str(_("工号")), str(_("姓名")), str(_("单位")), str(_("报考等级"))]
        return xlsx_response(
            f"exam-entries-{sitting.year}", [(str(_("报名名单")), headings, rows)], widths={3: 22}
        )


class ConfirmForm(forms.Form):
    number = forms.CharField(label=_("证书编号"), max_length=40)
    obtained_on = forms.DateField(label=_("取得日期"))


class CertificateConfirmView(View):
    """POST: confirm one proposed certificate in scope (404 otherwise)."""

    def post(self, request, pk):
        certificate = Certificate.objects.select_related("person__unit").filter(pk=pk).first()
        if certificate is None or not scope_for(request.user).contains_person(certificate.person):
            raise Http404
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("talent_certificate:index")
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写证书编号和取得日期。"))
            return redirect(back)
        try:
            certification_services.confirm_certificate(
                actor=request.user,
                certificate=certificate,
                number=form.cleaned_data["number"],
                obtained_on=form.cleaned_data["obtained_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            flash_error(request, error)
        else:
            messages.success(
                request,
                _("已确认 %(name)s 的%(level)s证书。")
                % {"name": certificate.person.name, "level": certificate.get_level_display()},
            )
        return redirect(back)


class SittingIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        return reverse("talent_sitting:inspect", args=[instance.pk])


class ExamSittingViewSet(ScopedModelViewSet):
    """Sittings are national dates, seen by everyone who records exam results and
    set by those holding the whole district; the 报名 list and results on a
    sitting's page are scoped."""

    district_wide = True
    model = ExamSitting
    name = "exam_sittings"
    url_prefix = "talent/sittings"
    url_namespace = "talent_sitting"
    icon = "date"
    menu_label = _("考试安排")
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = SittingIndexView
    add_view_class = SittingCreateView
    edit_view_class = SittingEditView
    inspect_view_class = SittingDetailView
    list_display = [
        "name",
        "year",
        "registration_deadline",
        "exam_starts_on",
        "results_on",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("name")]),
            FieldPanel("registration_deadline"),
            FieldRowPanel([FieldPanel("exam_starts_on"), FieldPanel("exam_ends_on")]),
            FieldPanel("results_on"),
        ]
    )


class ExamRuleForm(WagtailAdminModelForm):
    """Subjects as ticks rather than raw JSON."""

    subjects = forms.MultipleChoiceField(
        label=_("考试科目"), choices=ExamSubject.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["subjects"] = list(self.instance.subjects or [])

    def clean_subjects(self):
        return list(self.cleaned_data["subjects"])


class ExamRuleViewSet(ScopedModelViewSet):
    """The national exam's rules per level: data a district admin can correct."""

    district_wide = True
    model = ExamRule
    name = "exam_rules"
    url_prefix = "talent/exam-rules"
    url_namespace = "talent_examrule"
    icon = "list-ol"
    menu_label = _("考试合格规则")
    copy_view_enabled = False
    add_view_enabled = False
    list_display = ["level", "subject_labels", "window_years", "by_review"]
    edit_handler = ObjectList(
        [
            FieldPanel("subjects"),
            FieldRowPanel([FieldPanel("window_years"), FieldPanel("by_review")]),
        ],
        base_form_class=ExamRuleForm,
    )
