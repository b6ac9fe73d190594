"""Case practice 案例实操: tasks with a rubric, submissions and mentor reviews."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from ..storage import private_storage, unguessable_name
from .programme import Stage


class CaseTask(ClusterableModel):
    stage = models.ForeignKey(
        Stage, verbose_name=_("培养阶段"), on_delete=models.CASCADE, related_name="case_tasks"
    )
    title = models.CharField(_("任务名称"), max_length=120)
    brief = models.TextField(_("任务说明"))
    order = models.PositiveSmallIntegerField(_("排序"), default=1)

    panels = [
        FieldPanel("stage"),
        FieldPanel("title"),
        FieldPanel("brief"),
        FieldPanel("order"),
        InlinePanel("criteria", label=_("评分量表"), min_num=1),
    ]

    class Meta:
        verbose_name = _("案例任务")
        verbose_name_plural = _("案例任务")
        ordering = ["stage", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class CaseCriterion(models.Model):
    """One row of a task's rubric: what is judged, its weight, and what each
    score band looks like. A criterion is scored 0–100; the total is the
    weighted mean."""

    task = ParentalKey(
        CaseTask, verbose_name=_("案例任务"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("评分维度"), max_length=60)
    weight = models.PositiveSmallIntegerField(
        _("权重（%）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    descriptors = models.TextField(_("评分说明"), blank=True, help_text=_("优秀/合格/不足的表现。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=1)

    panels = [FieldPanel("name"), FieldPanel("weight"), FieldPanel("descriptors")]

    class Meta:
        verbose_name = _("评分维度")
        verbose_name_plural = _("评分量表")
        ordering = ["task", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="case_criterion_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}%）"


def attachment_path(instance: CaseSubmission, filename: str) -> str:
    return unguessable_name("case-submissions", filename)


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待评阅")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")


class CaseSubmission(models.Model):
    """One version of a learner's work on a task. A resubmission is a new row, so
    the history is kept; at most one version waits for review and at most one is
    approved (database constraints)."""

    task = models.ForeignKey(
        CaseTask, verbose_name=_("案例任务"), on_delete=models.PROTECT, related_name="submissions"
    )
    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="case_submissions",
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    text = models.TextField(_("案例内容"))
    attachment = models.FileField(
        _("附件"),
        upload_to=attachment_path,
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    attachment_name = models.CharField(_("附件原名"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评阅导师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("评阅时间"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    total_score = models.DecimalField(
        _("总分"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("案例提交")
        verbose_name_plural = _("案例提交")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "person", "version"], name="submission_version_once"
            ),
            models.UniqueConstraint(
                fields=["task", "person"],
                condition=models.Q(status="submitted"),
                name="submission_one_waiting",
            ),
            models.UniqueConstraint(
                fields=["task", "person"],
                condition=models.Q(status="approved"),
                name="submission_one_approved",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(total_score__isnull=False),
                name="submission_approved_has_score",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="submission_person_status")]

    def __str__(self) -> str:
        return gettext("%(person)s · %(task)s · 第 %(version)s 版") % {
            "person": self.person,
            "task": self.task,
            "version": self.version,
        }

    @property
    def unit(self):
        """Where the submission sits in the org tree: its author's unit (scope)."""
        return self.person.unit


class CaseCriterionScore(models.Model):
    submission = models.ForeignKey(
        CaseSubmission, verbose_name=_("案例提交"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        CaseCriterion, verbose_name=_("评分维度"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("得分"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("维度得分")
        verbose_name_plural = _("维度得分")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="case_criterion_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="case_criterion_score_range"
            ),
        ]
