"""Spreadsheet jobs: an import's dry run and commit, or a large export, run by
django-q2 with progress the owner can watch, leave and come back to."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    CHECKING = "checking", _("预检中")
    CHECKED = "checked", _("预检完成")
    COMMITTING = "committing", _("导入中")
    EXPORTING = "exporting", _("导出中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


RUNNING_STATES = (JobState.QUEUED, JobState.CHECKING, JobState.COMMITTING, JobState.EXPORTING)


class SpreadsheetJob(models.Model):
    """One upload (its dry run, then its commit) or one export, owned by the user
    who started it. The commit's writes and the state DONE commit in one
    transaction: a redelivered task finds DONE and does nothing."""

    token = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="spreadsheet_jobs",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=JobKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    # talent.imports.people.ROSTER, or an export's sheet producer: a dotted path
    handler = models.CharField(_("处理程序"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    stored_name = models.CharField(max_length=100, blank=True)  # the upload, under jobs/
    result_name = models.CharField(max_length=100, blank=True)  # export or error workbook
    return_url = models.CharField(max_length=300, blank=True)
    page_name = models.CharField(max_length=60, default="talent_job")  # URL name of its page
    background = models.BooleanField(_("后台处理"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("问题"), default=list, blank=True)  # the first MAX_SHOWN
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    preview = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=list, blank=True)
    summary = models.CharField(_("结果"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表格任务")
        verbose_name_plural = _("表格任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="spreadsheet_job_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def percent(self) -> int:
        if self.state in (JobState.DONE, JobState.CHECKED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
