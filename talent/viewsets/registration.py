"""The registration report: each holder's certificate with its registration status,
deadline and the CE hours of the current period; HR records a (re-)registration
from the row."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.permission_policies import ModelPermissionPolicy

from talent.models import Certificate, RegistrationPeriod
from talent.selectors.access import scope_for
from talent.selectors.people import person_for_user
from talent.selectors.registration import RegistrationStatus, registration_rows
from talent.services.registration import record_registration

from .feedback import flash_error
from .reports import ComputedReportView, as_of_field

STATUS_CHOICES = [("", _("全部"))] + [
    (key, label) for key, label in RegistrationStatus.LABELS.items()
]


class RegistrationReportForm(forms.Form):
    status = forms.ChoiceField(label=_("登记状态"), choices=STATUS_CHOICES, required=False)
    as_of = as_of_field()

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)


class RegistrationReportView(ComputedReportView):
    page_title = _("证书登记状态")
    header_icon = "date"
    index_url_name = "talent_reports:registration"
    results_template_name = "talent/reports/registration_results.html"
    permission_policy = ModelPermissionPolicy(RegistrationPeriod)
    permission_required = "view"
    form_class = RegistrationReportForm
    paginate_by = 50

    def get_filename(self):
        return f"registration-{self.as_of:%Y%m%d}"

    @cached_property
    def rows(self):
        return registration_rows(self.scope, self.as_of, status=self.cleaned.get("status") or None)

    def get_filtered_queryset(self):
        return self.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_register"] = self.request.user.has_perm("talent.add_registrationperiod")
        own = person_for_user(self.request.user)
        context["own_person_id"] = own.pk if own else None
        return context

    def export_sheets(self):
        headings = [
            str(h)
            for h in (
                _("工号"),
                _("姓名"),
                _("单位"),
                _("证书等级"),
                _("证书编号"),
                _("登记状态"),
                _("截止日期"),
                _("剩余天数"),
                _("本期已修学时"),
                _("本期应修学时"),
            )
        ]
        rows = (
            [
                r.certificate.person.staff_no,
                r.certificate.person.name,
                r.certificate.person.unit.name,
                r.certificate.get_level_display(),
                r.certificate.number,
                r.label,
                r.deadline,
                r.days_left,
                r.ce_earned,
                r.ce_required,
            ]
            for r in self.rows
        )
        return [(str(_("证书登记状态")), headings, rows)]


class RecordRegistrationView(View):
    """POST: record the registration or renewal of one certificate in scope."""

    def post(self, request, pk):
        certificate = Certificate.objects.select_related("person__unit").filter(pk=pk).first()
        if certificate is None or not scope_for(request.user).contains_person(certificate.person):
            raise Http404
        try:
            period = record_registration(actor=request.user, certificate=certificate)
        except (ValidationError, PermissionDenied) as error:
            flash_error(request, error)
        else:
            messages.success(
                request,
                _("已为 %(name)s 办理登记，有效期至 %(until)s。")
                % {"name": certificate.person.name, "until": period.ends_on},
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("talent_reports:registration")
        return redirect(back)
