"""The career ladder 三岗二十一级: posts, grades, grade history, annual
assessments, the promotion policy and promotion reviews.

Every number of the ladder is data (seeded by a data migration, editable in the
admin); see docs/decisions/0006-career-ladder.md for the default and its source.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .people import EducationLevel, Person


class Grade(models.Model):
    """One of the ordered grades 级 shared by every post, with its pay coefficient."""

    number = models.PositiveSmallIntegerField(_("级别序号"), unique=True)
    name = models.CharField(_("名称"), max_length=20)
    pay_coefficient = models.DecimalField(_("薪酬系数"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("等级")
        verbose_name_plural = _("等级")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="grade_number_positive"),
            models.CheckConstraint(
                condition=models.Q(pay_coefficient__gt=0), name="grade_pay_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post category 岗 and the range of grades it allows. Ranges overlap;
    appointment to a higher post moves a person into its range."""

    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    rank = models.PositiveSmallIntegerField(
        _("岗位层次"), help_text=_("数字越大岗位越高，例如 其他=1、副职=2、正职=3。")
    )
    min_grade = models.PositiveSmallIntegerField(_("最低等级"))
    max_grade = models.PositiveSmallIntegerField(_("最高等级"))
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_grade__gte=1, max_grade__gte=models.F("min_grade")),
                name="post_grade_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, grade_number: int) -> bool:
        return self.min_grade <= grade_number <= self.max_grade


class GradeChangeReason(models.TextChoices):
    INITIAL = "initial", _("初次定级")
    PROMOTION = "promotion", _("正常晋级")
    CERTIFICATION = "certification", _("持证晋级")
    APPOINTMENT = "appointment", _("岗位聘任")
    CORRECTION = "correction", _("更正")


class GradeChange(models.Model):
    """The grade history. A person's current grade and post are those of the
    latest change (by effective date, then id) — never a separately typed field."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="grade_changes"
    )
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.PROTECT)
    grade = models.ForeignKey(Grade, verbose_name=_("等级"), on_delete=models.PROTECT)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("变动原因"), max_length=20, choices=GradeChangeReason.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review = models.ForeignKey(
        "PromotionReview",
        verbose_name=_("晋级评审"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grade_changes",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("等级变动")
        verbose_name_plural = _("等级变动")
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["person", "-effective_on", "-id"], name="grade_change_latest")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "person"], name="grade_change_once_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.post} · {self.grade}"


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


# Results that count as "passed" for promotion, best first.
PASSING_RESULTS = (AssessmentResult.EXCELLENT, AssessmentResult.COMPETENT)


class AnnualAssessment(models.Model):
    """年度考核: one result per person per year, enforced by the database."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    result = models.CharField(_("考核结果"), max_length=20, choices=AssessmentResult.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="assessment_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="assessment_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.get_result_display()}"


@register_setting(icon="sliders")
class PromotionPolicy(BaseGenericSetting):
    """The promotion rules, as data (one row, edited under 设置 in the admin)."""

    years_per_grade = models.PositiveSmallIntegerField(
        _("每晋一级所需任职年限"), default=3, help_text=_("在现等级任职满该年数方可晋级。")
    )
    excellent_shortens_by = models.PositiveSmallIntegerField(
        _("考核优秀可缩短年限"),
        default=1,
        help_text=_("考核期内有“优秀”时，任职年限要求减少的年数。"),
    )
    assessment_years = models.PositiveSmallIntegerField(
        _("考核回看年数"), default=3, help_text=_("晋级要求最近若干年度考核均为称职及以上。")
    )
    certificate_required_from_grade = models.PositiveSmallIntegerField(
        _("持证要求起始等级"),
        null=True,
        blank=True,
        default=7,
        help_text=_("晋升到该等级及以上须持有有效的社会工作者职业资格证书；留空表示不要求。"),
    )
    assistant_bonus_grades = models.PositiveSmallIntegerField(
        _("取得助理社会工作师加级"), default=1
    )
    intermediate_bonus_grades = models.PositiveSmallIntegerField(_("取得社会工作师加级"), default=2)
    senior_bonus_grades = models.PositiveSmallIntegerField(_("取得高级社会工作师加级"), default=3)
    associate_service_years = models.PositiveSmallIntegerField(_("大专学历折算工作年限"), default=1)
    bachelor_service_years = models.PositiveSmallIntegerField(_("本科学历折算工作年限"), default=3)
    master_service_years = models.PositiveSmallIntegerField(_("硕士学历折算工作年限"), default=5)
    doctorate_service_years = models.PositiveSmallIntegerField(_("博士学历折算工作年限"), default=7)
    notice_working_days = models.PositiveSmallIntegerField(
        _("晋级公示期（工作日）"),
        default=5,
        help_text=_("拟晋级名单公示的工作日数；节假日与调休按“工作日历”计算。"),
    )

    class Meta:
        verbose_name = _("晋级规则")
        verbose_name_plural = _("晋级规则")

    def education_years(self, education: str) -> int:
        return {
            EducationLevel.ASSOCIATE: self.associate_service_years,
            EducationLevel.BACHELOR: self.bachelor_service_years,
            EducationLevel.MASTER: self.master_service_years,
            EducationLevel.DOCTORATE: self.doctorate_service_years,
        }.get(education, 0)

    def bonus_grades(self, level: int) -> int:
        return {
            1: self.assistant_bonus_grades,
            2: self.intermediate_bonus_grades,
            3: self.senior_bonus_grades,
        }.get(level, 0)


@register_setting(icon="cogs")
class PayPolicy(BaseGenericSetting):
    """What a grade is worth: the base monthly pay that each grade's coefficient
    multiplies, and whether workers see the amount (edited by district admins)."""

    base_monthly_pay = models.DecimalField(
        _("月薪酬基数（元）"),
        max_digits=9,
        decimal_places=2,
        default=3000,
        help_text=_("等级薪酬 = 基数 × 薪酬系数；用于测算晋级成本。"),
    )
    months_per_year = models.PositiveSmallIntegerField(
        _("每年发放月数"), default=12, help_text=_("测算年度成本时使用，例如 12 或 13。")
    )
    show_amount_to_staff = models.BooleanField(
        _("向本人显示薪酬金额"),
        default=False,
        help_text=_("勾选后，社区工作者在“我的职业发展”中可看到本人等级对应的月薪酬金额。"),
    )

    class Meta:
        verbose_name = _("薪酬基数")
        verbose_name_plural = _("薪酬基数")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base_monthly_pay__gte=0), name="pay_base_not_negative"
            ),
        ]

    def monthly(self, coefficient) -> Decimal:
        return (self.base_monthly_pay * coefficient).quantize(Decimal("0.01"))
