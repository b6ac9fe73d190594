"""Practice-hours screens: a learner's log, a mentor's sign-off queue, log QR codes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.models import LogStatus, PracticeLog
from lms.permissions import require_mentor
from lms.qr import qr_svg
from lms.selectors import practice as selectors
from lms.services import practice as services
from lms.storage import send_private_file
from talent import api as talent

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class PracticeLogForm(forms.Form):
    mentorship = forms.ModelChoiceField(label=gettext_lazy("导师"), queryset=None, empty_label=None)
    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    hours = forms.DecimalField(
        label=gettext_lazy("学时"), min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )
    activity = forms.CharField(label=gettext_lazy("实践内容"), max_length=200)
    photo = forms.ImageField(label=gettext_lazy("佐证照片（可选）"), required=False)
    place = forms.CharField(label=gettext_lazy("拍摄地点（可选）"), max_length=120, required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片不能超过 8 MB。"))
        return photo

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship"]
        field.queryset = selectors.current_mentorships_of(person)
        field.label_from_instance = lambda m: m.mentor.name
        self.fields["date"].initial = timezone.localdate()


def _person_or_403(request) -> talent.Person:
    person = talent.person_for_user(request.user)
    if person is None:
        raise PermissionDenied(_("此账号尚未关联人员档案，请联系人事专员。"))
    return person


@login_required
def my_practice(request):
    """My practice hours: totals, the form to log hours, and every log's status."""
    person = _person_or_403(request)
    form = PracticeLogForm(request.POST or None, request.FILES or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_practice(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("已登记，等待导师签核。"))
            return redirect("lms:my_practice")
    return render(
        request,
        "lms/practice/my_practice.html",
        {
            "person": person,
            "form": form,
            "has_mentor": form.fields["mentorship"].queryset.exists(),
            "totals": selectors.hour_totals(person),
            "logs": selectors.logs_of(person)[:50],
            "tab": "learn",
        },
    )


@never_cache
@login_required
def log_qr(request, pk: int):
    """The mentee shows this QR; the mentor scans it to sign that one log."""
    log = get_object_or_404(PracticeLog.objects.select_related("person"), pk=pk)
    try:
        token = services.log_qr_token(actor=request.user, log=log)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        talent.flash_error(request, error)
        return redirect("lms:my_practice")
    url = request.build_absolute_uri(reverse("lms:scan_log", args=[token]))
    return render(
        request,
        "lms/practice/log_qr.html",
        {"log": log, "qr": qr_svg(url), "scan_url": url, "tab": "learn"},
    )


@login_required
def mentor_home(request):
    """A mentor's mentees with their hours, and the queue of logs to sign."""
    require_mentor(request.user)
    return render(
        request,
        "lms/practice/mentor_home.html",
        {
            "mentorships": selectors.mentees_of(request.user),
            "pending": selectors.pending_for_mentor(request.user),
            "tab": "mentor",
        },
    )


@login_required
@require_POST
def mentor_decide(request):
    """Bulk (or single) sign-off or rejection of the selected logs."""
    ids = [int(v) for v in request.POST.getlist("log") if v.isdigit()]
    action = request.POST.get("action")
    try:
        if action == "sign":
            logs = services.sign_off(actor=request.user, log_ids=ids)
            messages.success(request, _("已签核 %(count)d 条学时。") % {"count": len(logs)})
        elif action == "reject":
            logs = services.reject(
                actor=request.user, log_ids=ids, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已退回 %(count)d 条学时。") % {"count": len(logs)})
        else:
            raise ValidationError(_("请选择签核或退回。"))
    except (ValidationError, PermissionDenied) as error:
        talent.flash_error(request, error)
    return redirect("lms:mentor_home")


@never_cache
@login_required
def scan_log(request, token: str):
    """The mentor scanned a mentee's QR: show the log, sign it on POST."""
    try:
        log = services.log_from_qr_token(token)
    except ValidationError as error:
        return render(
            request, "lms/practice/scan_log.html", {"error": talent.error_text(error)}, status=400
        )
    if log.mentorship is None or log.mentorship.mentor.user_id != request.user.pk:
        return render(
            request,
            "lms/practice/scan_log.html",
            {"error": _("只能签核自己学员的学时。")},
            status=403,
        )
    if request.method == "POST":
        try:
            log = services.sign_by_qr(actor=request.user, token=token)
        except ValidationError as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("已签核 %(name)s 的学时。") % {"name": log.person.name})
            return redirect("lms:mentor_home")
    return render(
        request,
        "lms/practice/scan_log.html",
        {"log": log, "signable": log.status == LogStatus.PENDING, "tab": "mentor"},
    )


def evidence_photo(request, pk: int):
    """An evidence photo, to those who may see its log (404 to anyone else)."""
    evidence = selectors.evidence_for_user(request.user, pk)
    return send_private_file(request, evidence.photo)
