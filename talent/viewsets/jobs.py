"""The owner's spreadsheet jobs: a list to come back to, a page with a live
progress bar (rows done / total and time left) that turns into the dry run's
result or the commit's summary, its progress as JSON for the bar, and the
download of an export or of the user's own file with its problems marked.

Only the job's owner sees any of it; anyone else's token answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from talent.imports.jobs import confirm_import, job_url, result_path
from talent.models import JobKind, JobState, SpreadsheetJob
from talent.spreadsheets import XLSX_CONTENT_TYPE

from .imports import job_context, own_job

LIST_LENGTH = 50


def progress(job: SpreadsheetJob) -> dict:
    """Rows done and total, percent, and seconds left at the rate so far."""
    eta = None
    if job.is_running and job.started_at and job.rows_done and job.rows_total:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        left = max(0, job.rows_total - job.rows_done)
        eta = round(elapsed / job.rows_done * left)
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "eta_seconds": eta,
        "running": job.is_running,
    }


class JobListView(WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("我的表格任务")
    header_icon = "list-ul"
    template_name = "talent/admin/jobs.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request):
        jobs = SpreadsheetJob.objects.filter(owner=request.user)[:LIST_LENGTH]
        context = self.get_context_data()
        context["jobs"] = jobs
        return TemplateResponse(request, self.template_name, context)


class JobView(WagtailAdminTemplateMixin, View):
    header_icon = "upload"
    template_name = "talent/admin/job.html"

    def setup(self, request, *args, token, **kwargs):
        super().setup(request, *args, **kwargs)
        self.job = own_job(request, token)
        if self.job is None:
            raise Http404

    def get_page_title(self):
        return self.job.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("talent_jobs"), "label": _("我的表格任务")},
            {"url": "", "label": self.job.title},
        ]

    def get(self, request, token):
        context = self.get_context_data()
        context.update(job_context(self.job), progress=progress(self.job))
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, token):
        job = self.job
        if job.kind != JobKind.IMPORT or not confirm_import(job):
            messages.error(request, _("导入已过期或已经处理，请重新上传文件。"))
            return redirect(job_url(job))
        job.refresh_from_db()
        if job.state == JobState.DONE:
            messages.success(request, _("导入完成：%(summary)s") % {"summary": job.summary})
        return redirect(job_url(job))


def job_progress(request, token):
    job = own_job(request, token)
    if job is None:
        raise Http404
    return JsonResponse(progress(job))


def job_download(request, token):
    job = own_job(request, token)
    path_ = result_path(job) if job is not None else None
    if path_ is None or not path_.exists():
        raise Http404
    if job.kind == JobKind.EXPORT:
        filename = job.file_name
    else:
        filename = _("问题标注-%(name)s") % {"name": job.file_name}
    return FileResponse(
        open(path_, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=filename,
        content_type=XLSX_CONTENT_TYPE,
    )


urlpatterns = [
    path("", JobListView.as_view(), name="talent_jobs"),
    path("<str:token>/", JobView.as_view(), name="talent_job"),
    path("<str:token>/progress/", job_progress, name="talent_job_progress"),
    path("<str:token>/download/", job_download, name="talent_job_download"),
]
