"""Exam readiness: each learner's estimated chance of passing each exam subject,
kept up to date from their mock exams, and the (calibrated) rules of the estimate."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .exams import ExamLevel, ExamSubject

# lms names the levels and subjects in words; talent numbers the levels and calls
# 法规与政策 "regulations". These two maps are the only translation between them.
CERT_LEVEL = {ExamLevel.ASSISTANT: 1, ExamLevel.INTERMEDIATE: 2, ExamLevel.SENIOR: 3}
EXAM_LEVEL = {number: level for level, number in CERT_LEVEL.items()}
TALENT_SUBJECT = {
    ExamSubject.COMPREHENSIVE: "comprehensive",
    ExamSubject.PRACTICE: "practice",
    ExamSubject.LAW: "regulations",
}
LMS_SUBJECT = {talent: lms for lms, talent in TALENT_SUBJECT.items()}


@register_setting(icon="success")
class ReadinessPolicy(BaseGenericSetting):
    """How mock exams become a chance of passing (ADR 0015). ``score_shift`` and
    ``exam_spread`` are fitted on past results by ``manage.py calibrate_readiness``."""

    half_life_days = models.PositiveSmallIntegerField(
        _("近期权重半衰期（天）"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("比最近一次模拟考试早这么多天的成绩，权重减半。"),
    )
    min_questions = models.PositiveSmallIntegerField(
        _("每科至少作答题数"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("某科模拟考试作答题数不足时，不估计通过把握。"),
    )
    score_shift = models.DecimalField(
        _("正式考试相对模拟考试的得分差"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.000"),
        help_text=_("以满分的比例表示，由历次考试成绩校准。"),
    )
    exam_spread = models.DecimalField(
        _("考场发挥的标准差"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("0.077"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("以满分的比例表示，由历次考试成绩校准。"),
    )
    ready_probability = models.DecimalField(
        _("“已就绪”的通过把握"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.99"))],
    )
    calibrated_on = models.DateField(_("校准日期"), null=True, blank=True)
    calibration_note = models.TextField(_("校准结果"), blank=True)

    class Meta:
        verbose_name = _("备考就绪度规则")
        verbose_name_plural = _("备考就绪度规则")


class SubjectReadiness(models.Model):
    """One person's readiness for one exam subject at one level, recomputed
    whenever one of their mock papers of that subject is scored."""

    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="exam_readiness",
    )
    level = models.CharField(_("级别"), max_length=12, choices=ExamLevel.choices)
    subject = models.CharField(_("科目"), max_length=14, choices=ExamSubject.choices)
    attempts = models.PositiveSmallIntegerField(_("模拟考试次数"))
    questions = models.PositiveIntegerField(_("作答题数"))
    share = models.DecimalField(_("加权得分率"), max_digits=5, decimal_places=4)
    probability = models.DecimalField(
        _("通过把握"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("作答题数不足时为空。"),
    )
    last_attempt_at = models.DateTimeField(_("最近一次模拟考试"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("备考就绪度")
        verbose_name_plural = _("备考就绪度")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "level", "subject"], name="readiness_once_per_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=1)
                | models.Q(probability__isnull=True),
                name="readiness_probability_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.level} {self.subject}"
