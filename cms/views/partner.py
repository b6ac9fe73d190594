"""Partner portal 高校合作门户: placements of the university's own students,
their signed hours, evaluations and the hours transcript.

Every view starts from the partner's scope; a placement or student outside it
is a 404, whatever the URL says."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from cms.views.site import partner_portal_scope
from lms import api as lms
from talent import api as talent

NOT_ON_TRANSCRIPT = (
    talent.PlacementStatus.PROPOSED,
    talent.PlacementStatus.REJECTED,
    talent.PlacementStatus.WITHDRAWN,
)


# Forms ----------------------------------------------------------------------


class ProposeForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("学生"), queryset=None)
    base = forms.ModelChoiceField(label=gettext_lazy("实践基地"), queryset=None)
    start = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    required_hours = forms.DecimalField(
        label=gettext_lazy("要求学时"), min_value=1, max_digits=6, decimal_places=1
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = scope.people().filter(
            kind=talent.PersonKind.INTERN, is_active=True
        )
        self.fields["base"].queryset = talent.bases_for_partner(scope)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=300)


# Reads ----------------------------------------------------------------------


def _placement_or_404(scope, pk: int) -> talent.Placement:
    placement = talent.placements_for_partner(scope).filter(pk=pk).first()
    if placement is None:
        raise Http404
    return placement


def _term_choices(qs) -> list[tuple[str, str]]:
    terms = set(qs.order_by().values_list("term", flat=True).distinct())
    terms.add(talent.term_of(timezone.localdate()))
    return [(t, talent.term_label(t)) for t in sorted(terms, reverse=True) if t]


def placement_rows(qs) -> list[dict]:
    """Each placement with its signed hours and pace (one hours query)."""
    rows = list(qs)
    hours = lms.signed_hours_by_placement(p.pk for p in rows)
    today = timezone.localdate()
    result = []
    for p in rows:
        row = talent.pace(p, hours[p.pk], today)
        result.append(
            {
                "placement": p,
                "signed": row.signed,
                "expected": row.expected,
                "behind": p.status == talent.PlacementStatus.ACTIVE and talent.is_behind(row),
                "percent": int(row.signed * 100 / p.required_hours) if p.required_hours else 0,
            }
        )
    return result


# Views ----------------------------------------------------------------------


@login_required
def partner_placements(request):
    scope = partner_portal_scope(request)
    qs = talent.placements_for_partner(scope)
    terms = _term_choices(qs)
    term = request.GET.get("term") or ""
    status = request.GET.get("status") or ""
    if term:
        qs = qs.filter(term=term)
    if status in talent.PlacementStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-start", "person__staff_no"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partner/placements.html",
        {
            "rows": placement_rows(page.object_list),
            "page": page,
            "terms": terms,
            "term": term,
            "statuses": talent.PlacementStatus.choices,
            "status": status,
            "bases": talent.bases_for_partner(scope),
            "nav": "placements",
        },
    )


@login_required
def partner_student(request, pk: int):
    scope = partner_portal_scope(request)
    student = scope.people().select_related("unit").filter(pk=pk).first()
    if student is None:
        raise Http404
    qs = talent.placements_for_partner(scope).filter(person=student).order_by("-start")
    return render(
        request,
        "partner/student.html",
        {"student": student, "rows": placement_rows(qs), "nav": "students"},
    )


@login_required
def partner_propose(request):
    scope = partner_portal_scope(request)
    form = ProposeForm(request.POST or None, scope=scope, initial=_propose_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = talent.propose_placement(
                actor=request.user,
                person=data["person"],
                base=data["base"],
                start=data["start"],
                end=data["end"],
                required_hours=data["required_hours"],
            )
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("实习申请已提交，等待实践单位审批。"))
            return redirect("partner_placement", pk=placement.pk)
    return render(request, "partner/propose.html", {"form": form, "nav": "placements"})


def _propose_initial(request) -> dict:
    initial = {"required_hours": Decimal("120")}
    if person := request.GET.get("person"):
        initial["person"] = person
    return initial


@login_required
def partner_placement(request, pk: int):
    scope = partner_portal_scope(request)
    placement = _placement_or_404(scope, pk)
    placement = talent.with_evaluations(talent.Placement.objects).get(pk=placement.pk)
    can_evaluate = talent.can_evaluate(request.user, placement, talent.EvaluationParty.UNIVERSITY)
    summary = talent.evaluation_summary(placement)
    form = talent.EvaluationForm(request.POST or None) if can_evaluate else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            talent.submit_evaluation(
                actor=request.user,
                placement=placement,
                party=talent.EvaluationParty.UNIVERSITY,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("高校评价已提交。"))
            return redirect("partner_placement", pk=pk)
    row = placement_rows([placement])[0]
    return render(
        request,
        "partner/placement.html",
        {
            "p": placement,
            "row": row,
            "logs": lms.signed_logs_for_placement(placement.pk),
            "summary": summary,
            "form": form,
            "withdraw_form": ReasonForm() if talent.can_withdraw(request.user, placement) else None,
            "approved": placement.status == talent.PlacementStatus.APPROVED,
            "nav": "placements",
        },
    )


@login_required
@require_POST
def partner_withdraw(request, pk: int):
    scope = partner_portal_scope(request)
    placement = _placement_or_404(scope, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤回原因。"))
        return redirect("partner_placement", pk=pk)
    try:
        talent.withdraw_placement(
            actor=request.user, placement=placement, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        talent.flash_error(request, error)
    else:
        messages.success(request, _("已撤回该实习安排。"))
    return redirect("partner_placement", pk=pk)


# Transcript -----------------------------------------------------------------

SUMMARY_HEADINGS = [
    gettext_lazy("学号"),
    gettext_lazy("姓名"),
    gettext_lazy("学期"),
    gettext_lazy("实践基地"),
    gettext_lazy("实践单位"),
    gettext_lazy("开始日期"),
    gettext_lazy("结束日期"),
    gettext_lazy("状态"),
    gettext_lazy("要求学时"),
    gettext_lazy("已签核学时"),
    gettext_lazy("完成率"),
    gettext_lazy("评估均分"),
]
LOG_HEADINGS = [
    gettext_lazy("学号"),
    gettext_lazy("姓名"),
    gettext_lazy("实践单位"),
    gettext_lazy("日期"),
    gettext_lazy("学时"),
    gettext_lazy("实践内容"),
    gettext_lazy("签核人"),
    gettext_lazy("签核时间"),
]


# column widths that suit both sheets (summary, signed logs)
# More placements than this: the transcript is written in the background.
TRANSCRIPT_BACKGROUND_PLACEMENTS = 200
TRANSCRIPT_WIDTHS = {1: 12, 2: 10, 3: 18, 4: 32, 5: 16, 6: 30, 7: 12, 8: 18, 9: 10, 10: 12}


def transcript_sheets(qs) -> list[tuple[str, list, list]]:
    """Summary per placement and every signed log, from the same signed logs
    the portal shows, so the totals and the detail always agree."""
    rows = list(talent.with_evaluations(qs.order_by("person__staff_no", "start")))
    hours = lms.signed_hours_by_placement(p.pk for p in rows)
    summary = []
    for p in rows:
        result = talent.evaluation_summary(p)
        signed = hours[p.pk]
        summary.append(
            [
                p.person.staff_no,
                p.person.name,
                p.term_label,
                p.base.name if p.base else "",
                p.host_unit.name,
                p.start,
                p.end,
                p.get_status_display(),
                p.required_hours,
                signed,
                f"{signed * 100 / p.required_hours:.0f}%" if p.required_hours else "",
                result.average,
            ]
        )
    by_id = {p.pk: p for p in rows}
    detail = []
    for log in lms.signed_logs_for_placements(by_id):
        p = by_id[log.placement_id]
        detail.append(
            [
                p.person.staff_no,
                p.person.name,
                p.host_unit.name,
                log.date,
                log.hours,
                log.activity,
                talent.display_name(log.signed_by),
                log.signed_at,
            ]
        )
    return [
        (str(_("学时汇总")), [str(h) for h in SUMMARY_HEADINGS], summary),
        (str(_("签核明细")), [str(h) for h in LOG_HEADINGS], detail),
    ]


def transcript_placements(scope, *, person_id=None, term=None):
    """The placements a transcript covers, and its file name; a person outside
    the scope is 404."""
    qs = talent.placements_for_partner(scope).exclude(
        status__in=(
            talent.PlacementStatus.PROPOSED,
            talent.PlacementStatus.REJECTED,
            talent.PlacementStatus.WITHDRAWN,
        )
    )
    name = "transcript"
    if person_id:
        person = scope.people().filter(pk=person_id).first()
        if person is None:
            raise Http404
        qs = qs.filter(person=person)
        name = f"transcript-{person.staff_no}"
    elif term:
        qs = qs.filter(term=term)
        name = f"transcript-{term}"
    return qs, name


def transcript_export(*, actor, person_id=None, term=None):
    """The background export's producer: the same transcript, rebuilt within the
    partner's scope at the time it runs."""
    scope = talent.partner_scope(actor)
    if scope.is_empty or scope.everything:
        raise PermissionDenied
    qs, _name = transcript_placements(scope, person_id=person_id, term=term)
    return transcript_sheets(qs)


@login_required
def partner_transcript(request):
    """Hours transcript for one term (``?term=``) or one student (``?person=``).
    A transcript of many placements is written by django-q2 (its signed logs run
    to tens of thousands of rows) and followed on its job page."""
    scope = partner_portal_scope(request)
    params = {"person_id": request.GET.get("person"), "term": request.GET.get("term")}
    qs, name = transcript_placements(scope, **params)
    placements = qs.count()
    if placements > TRANSCRIPT_BACKGROUND_PLACEMENTS:
        job = talent.start_export(
            owner=request.user,
            title=str(_("学时成绩单导出")),
            filename=name,
            producer="cms.views.partner.transcript_export",
            params=params,
            rows_total=None,
            page_name="partner_job",
        )
        return redirect("partner_job", token=job.token)
    return talent.xlsx_response(name, transcript_sheets(qs), widths=TRANSCRIPT_WIDTHS)


@login_required
def partner_job(request, token):
    """A background export of the partner's: progress, then the download."""
    partner_portal_scope(request)
    job = talent.own_job(request, token)
    if job is None:
        raise Http404
    return render(
        request,
        "partner/job.html",
        {"job": job, "progress": talent.job_progress_data(job), "nav": "students"},
    )


# Students -------------------------------------------------------------------


class StudentForm(forms.ModelForm):
    class Meta:
        model = talent.Person
        fields = ["staff_no", "name", "unit", "gender", "phone", "email"]
        labels = {"staff_no": gettext_lazy("学号"), "unit": gettext_lazy("院系")}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.units().order_by("path")


@login_required
def partner_student_add(request):
    scope = partner_portal_scope(request)
    form = StudentForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        form.instance.kind = talent.PersonKind.INTERN
        try:
            student = talent.save_student(actor=request.user, person=form.instance)
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("已添加学生 %(name)s。") % {"name": student.name})
            return redirect("partner_student", pk=student.pk)
    return render(request, "partner/student_form.html", {"form": form, "nav": "students"})


class PartnerStudentImportView(talent.SpreadsheetImportView):
    """学生名单导入 on the partner portal: template, dry run, all-or-nothing."""

    template_name = "partner/import.html"
    url_name = "partner_student_import"
    importer = "talent.imports.people.STUDENTS"
    allow_background = False  # a partner has no admin job page; lists are small

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.scope = partner_portal_scope(request)
        return View.dispatch(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {"nav": "students"}
