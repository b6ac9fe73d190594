"""A generic Wagtail admin view for spreadsheet imports.

Upload → dry run (every problem listed by row and column, or a preview of what
will be written) → confirm → all-or-nothing commit. The upload is kept as a
``SpreadsheetJob`` of the user; a file of more than a few thousand rows is
checked and committed in django-q2 while the user watches (or leaves) its job
page (talent.viewsets.jobs).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from talent.imports.base import CellError, ImportSpec
from talent.imports.jobs import confirm_import, job_url, start_import
from talent.imports.workbook import ImportRejected
from talent.models import JobKind, JobState, SpreadsheetJob
from talent.selectors.access import holds_whole_district
from talent.spreadsheets import XLSX_CONTENT_TYPE


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def job_context(job: SpreadsheetJob) -> dict:
    """What the result of a dry run or commit shows (the import page and the job
    page share it)."""
    return {
        "job": job,
        "errors": [CellError(*e) for e in job.errors],
        "more_errors": max(0, job.error_count - len(job.errors)),
        "row_count": job.rows_total or 0,
        "preview": job.preview,
        "headers": job.headers,
        "file_name": job.file_name,
        "token": job.token if job.state == JobState.CHECKED and not job.error_count else None,
    }


def own_job(request, token) -> SpreadsheetJob | None:
    """The user's own job by token; anyone else's, or a malformed token, is None."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return (
        SpreadsheetJob.objects.select_related("owner")
        .filter(token=token, owner=request.user)
        .first()
    )


class SpreadsheetImportView(WagtailAdminTemplateMixin, View):
    """Upload → dry run → all-or-nothing commit, for one ``Importer``.

    Subclass with ``permission_required``, ``url_name`` and ``importer`` (the dotted
    path of a talent.imports.base.Importer); override ``importer_params`` when the
    import needs more than the actor (JSON values, e.g. a cohort's id).
    """

    importer: str = ""
    permission_required: str = ""
    url_name: str = ""
    template_name = "talent/admin/import.html"
    header_icon = "upload"
    allow_background = True  # False where the user cannot reach the admin's job pages
    district_wide = False  # a shared catalogue: only those holding the whole district import

    def importer_params(self) -> dict:
        return {}

    @cached_property
    def spec(self) -> ImportSpec:
        return import_string(self.importer).spec(actor=self.request.user, **self.importer_params())

    # (url name, label) of the list this import feeds, for the breadcrumbs
    parent_crumb: tuple[str, str] | None = None

    def get_page_title(self):
        return self.spec.title

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.parent_crumb:
            items.append({"url": reverse(self.parent_crumb[0]), "label": self.parent_crumb[1]})
        return items + [{"url": "", "label": self.spec.title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        if self.district_wide and not holds_whole_district(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            response = HttpResponse(self.spec.template(), content_type=XLSX_CONTENT_TYPE)
            filename = f"{self.spec.name}-template.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return self.render(form=UploadForm())

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token")
        if token:
            return self.confirm(request, token)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        try:
            job = start_import(
                owner=request.user,
                handler=self.importer,
                params=self.importer_params(),
                upload=form.cleaned_data["file"],
                return_url=request.path,
                allow_background=self.allow_background,
            )
        except ImportRejected as exc:
            form.add_error("file", str(exc))
            return self.render(form=form)
        if job.state == JobState.FAILED:
            form.add_error("file", job.summary)
            return self.render(form=form)
        if job.state != JobState.CHECKED:  # a large file: checked in the background
            return redirect(job_url(job))
        return self.render(form=UploadForm(), **job_context(job))

    def confirm(self, request, token: str):
        job = own_job(request, token)
        if job is None or job.kind != JobKind.IMPORT or not confirm_import(job):
            messages.error(request, _("导入已过期或已经处理，请重新上传文件。"))
            return redirect(self.url_name)
        job.refresh_from_db()
        if job.state == JobState.DONE:
            messages.success(request, _("导入完成：%(summary)s") % {"summary": job.summary})
            return redirect(self.url_name)
        if job.state == JobState.CHECKED:  # the database moved: nothing written
            return self.render(form=UploadForm(), **job_context(job))
        return redirect(job_url(job))

    def render(self, **context):
        context.update(self.get_context_data(), spec=self.spec)
        return TemplateResponse(self.request, self.template_name, context)
