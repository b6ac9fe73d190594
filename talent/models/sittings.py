"""The exam cycle: a sitting of the national exam and its 报名 list."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .certification import CertLevel
from .people import Person


class ExamSitting(models.Model):
    """One year's national exam: registration deadline, exam days and the day the
    results are expected. Passes count toward a target from the results day."""

    year = models.PositiveSmallIntegerField(_("考试年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    registration_deadline = models.DateField(_("报名截止日期"))
    exam_starts_on = models.DateField(_("考试开始日期"))
    exam_ends_on = models.DateField(_("考试结束日期"))
    results_on = models.DateField(_("成绩公布日期"), help_text=_("未公布时填写预计日期。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考试安排")
        verbose_name_plural = _("考试安排")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_deadline__lt=models.F("exam_starts_on")),
                name="sitting_registration_before_exam",
            ),
            models.CheckConstraint(
                condition=models.Q(exam_ends_on__gte=models.F("exam_starts_on")),
                name="sitting_exam_days_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(results_on__gt=models.F("exam_ends_on")),
                name="sitting_results_after_exam",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.exam_starts_on and self.year and self.exam_starts_on.year != self.year:
            errors["exam_starts_on"] = _("考试日期应在考试年度内。")
        if (
            self.registration_deadline
            and self.exam_starts_on
            and self.registration_deadline >= self.exam_starts_on
        ):
            errors["registration_deadline"] = _("报名截止日期应早于考试开始日期。")
        if self.exam_starts_on and self.exam_ends_on and self.exam_ends_on < self.exam_starts_on:
            errors["exam_ends_on"] = _("考试结束日期不能早于开始日期。")
        if self.exam_ends_on and self.results_on and self.results_on <= self.exam_ends_on:
            errors["results_on"] = _("成绩公布日期应晚于考试结束日期。")
        if errors:
            raise ValidationError(errors)


class ExamEntry(models.Model):
    """A person on a sitting's 报名 list, at the level they sit."""

    sitting = models.ForeignKey(
        ExamSitting, verbose_name=_("考试安排"), on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="exam_entries"
    )
    level = models.PositiveSmallIntegerField(_("报考等级"), choices=CertLevel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考试报名")
        verbose_name_plural = _("考试报名")
        ordering = ["sitting", "person__unit__path", "person__staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "person"], name="exam_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sitting} · {self.person}"
