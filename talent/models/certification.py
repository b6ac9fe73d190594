"""Certification: national social-worker certificates, exam attempts, the
continuing-education registration periods, targets and monthly snapshots."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .org import OrgUnit
from .people import Person, PersonKind


class CertLevel(models.IntegerChoices):
    """The three national levels, ordered so that a higher number is a higher level."""

    ASSISTANT = 1, _("助理社会工作师")
    INTERMEDIATE = 2, _("社会工作师")
    SENIOR = 3, _("高级社会工作师")


LEVEL_LABELS = dict(CertLevel.choices)  # lazy labels: translated when shown


class ExamSubject(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("社会工作综合能力")
    PRACTICE = "practice", _("社会工作实务")
    REGULATIONS = "regulations", _("社会工作法规与政策")


class CertificateStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已失效")
    REVOKED = "revoked", _("已注销")


@register_setting(icon="doc-full")
class CertificationPolicy(BaseGenericSetting):
    """Exam pass mark and continuing-education requirements (editable under 设置)."""

    pass_mark = models.DecimalField(_("合格分数线"), max_digits=4, decimal_places=1, default=60)
    registration_years = models.PositiveSmallIntegerField(_("登记有效期（年）"), default=3)
    assistant_ce_hours = models.PositiveSmallIntegerField(
        _("助理社会工作师每期继续教育学时"), default=72
    )
    intermediate_ce_hours = models.PositiveSmallIntegerField(
        _("社会工作师每期继续教育学时"), default=90
    )
    senior_ce_hours = models.PositiveSmallIntegerField(
        _("高级社会工作师每期继续教育学时"), default=90
    )
    register_within_months = models.PositiveSmallIntegerField(
        _("取得证书后须在几个月内登记"), default=12
    )
    renewal_window_months = models.PositiveSmallIntegerField(
        _("有效期届满前几个月内办理再登记"), default=3
    )
    reminder_days = models.CharField(
        _("登记提醒（到期前天数）"),
        max_length=40,
        default="90,60,30,7",
        help_text=_("用逗号分隔的天数，在登记或再登记截止前这些天各提醒一次。"),
    )

    class Meta:
        verbose_name = _("证书与继续教育规则")
        verbose_name_plural = _("证书与继续教育规则")

    def required_hours(self, level: int) -> int:
        return {
            CertLevel.ASSISTANT: self.assistant_ce_hours,
            CertLevel.INTERMEDIATE: self.intermediate_ce_hours,
            CertLevel.SENIOR: self.senior_ce_hours,
        }[level]

    def reminder_thresholds(self) -> list[int]:
        """The reminder days, largest first (``"90,60,30,7"`` → ``[90, 60, 30, 7]``)."""
        return sorted({int(d) for d in self.reminder_days.split(",") if d.strip()}, reverse=True)

    def clean(self):
        try:
            days = self.reminder_thresholds()
        except ValueError:
            days = None
        if not days or any(d <= 0 for d in days):
            raise ValidationError(
                {"reminder_days": _("请填写用逗号分隔的正整数天数，例如 90,60,30,7。")}
            )


class Certificate(models.Model):
    """A national certificate. One passing set of exam attempts proposes it; HR
    confirms it (status 有效). It counts as held while valid and not past
    ``valid_until``."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="certificates"
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=CertLevel.choices)
    number = models.CharField(_("证书编号"), max_length=40, blank=True)
    obtained_on = models.DateField(_("取得日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    authority = models.CharField(
        _("发证机关"), max_length=100, blank=True, default="人力资源和社会保障部、民政部"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    exam_year = models.PositiveSmallIntegerField(_("考试年度"), null=True, blank=True)
    revoked_on = models.DateField(_("注销日期"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("职业资格证书")
        verbose_name_plural = _("职业资格证书")
        ordering = ["-obtained_on", "-id"]
        indexes = [models.Index(fields=["person", "status", "level"], name="certificate_held")]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="certificate_number_unique"
            ),
            models.UniqueConstraint(
                fields=["person", "level"],
                condition=models.Q(status__in=["proposed", "valid"]),
                name="certificate_one_current_per_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="certificate_level_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="valid") | ~models.Q(number=""),
                name="certificate_valid_has_number",
            ),
        ]

    def __str__(self) -> str:
        # A dict look-up rather than get_level_display(), which rebuilds the choices on
        # every call: an import's audit events name 20,000 certificates.
        return f"{self.person} · {LEVEL_LABELS.get(self.level, self.level)}"


class ExamAttempt(models.Model):
    """One subject score of the national exam in one year."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="exam_attempts"
    )
    year = models.PositiveSmallIntegerField(_("考试年度"))
    level = models.PositiveSmallIntegerField(_("报考等级"), choices=CertLevel.choices)
    subject = models.CharField(_("科目"), max_length=20, choices=ExamSubject.choices)
    score = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1)
    sat_on = models.DateField(_("考试日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("考试成绩")
        verbose_name_plural = _("考试成绩")
        ordering = ["-year", "person_id", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "level", "subject"], name="exam_attempt_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="exam_score_range"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="exam_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.get_subject_display()} {self.score}"


class ExamRule(models.Model):
    """How exam passes make a level (data, editable): the subjects, each passed
    within ``window_years`` consecutive exam years (1 = all in the same year).
    A level awarded after a review (高级) has no exam rule of its own."""

    level = models.PositiveSmallIntegerField(_("等级"), choices=CertLevel.choices, unique=True)
    subjects = models.JSONField(_("考试科目"), default=list)
    window_years = models.PositiveSmallIntegerField(_("各科须在几个连续考试年度内通过"), default=1)
    by_review = models.BooleanField(_("考试合格后还须评审"), default=False)

    class Meta:
        verbose_name = _("考试合格规则")
        verbose_name_plural = _("考试合格规则")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_years__gte=1), name="exam_rule_window"
            ),
        ]

    def __str__(self) -> str:
        return self.get_level_display()

    def subject_labels(self) -> str:
        return "、".join(str(ExamSubject(s).label) for s in self.subjects)

    subject_labels.short_description = _("考试科目")


class RegistrationPeriod(models.Model):
    """A certificate's registration period 登记有效期 and the continuing-education
    hours it requires; hours come from the CEHourEntry ledger within the dates."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="registration_periods",
    )
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("证书"),
        on_delete=models.CASCADE,
        related_name="registration_periods",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    required_hours = models.PositiveSmallIntegerField(_("应修学时"))

    class Meta:
        verbose_name = _("继续教育登记期")
        verbose_name_plural = _("继续教育登记期")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="registration_period_dates",
            ),
            models.UniqueConstraint(
                fields=["certificate", "starts_on"], name="registration_period_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on}–{self.ends_on}"


class CertificationTarget(models.Model):
    """A certification target: a unit (and its subtree), a population and a rate."""

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("适用单位"), on_delete=models.CASCADE, related_name="+"
    )
    person_kind = models.CharField(
        _("人员类别"),
        max_length=20,
        choices=PersonKind.choices,
        blank=True,
        help_text=_("留空表示所有在职人员。"),
    )
    post = models.ForeignKey(
        "talent.Post",
        verbose_name=_("岗位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("留空表示不限岗位。"),
    )
    rate = models.DecimalField(_("目标持证率（%）"), max_digits=5, decimal_places=2)
    deadline = models.DateField(_("完成期限"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("持证目标")
        verbose_name_plural = _("持证目标")
        ordering = ["unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gt=0, rate__lte=100), name="certification_target_rate"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CertificationSnapshot(models.Model):
    """Monthly numbers of a target for one unit of its subtree (written nightly;
    the current month's row is overwritten until the month ends)."""

    target = models.ForeignKey(
        CertificationTarget,
        verbose_name=_("持证目标"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE)
    month = models.DateField(_("月份"))
    population = models.PositiveIntegerField(_("人数"))
    certified = models.PositiveIntegerField(_("持证人数"))
    assistant = models.PositiveIntegerField(_("助理社会工作师"))
    intermediate = models.PositiveIntegerField(_("社会工作师"))
    senior = models.PositiveIntegerField(_("高级社会工作师"))
    taken_at = models.DateTimeField(_("统计时间"), auto_now=True)

    class Meta:
        verbose_name = _("持证月度快照")
        verbose_name_plural = _("持证月度快照")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit", "month"], name="certification_snapshot_once"
            ),
            models.CheckConstraint(
                condition=models.Q(certified__lte=models.F("population")),
                name="certification_snapshot_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.unit} {self.month:%Y-%m}"
