"""The layered programme 分层培养: tiers, their three stages, and cohorts."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A layered programme, e.g. 九龙街道社区工作者分层培养计划."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培养计划")
        verbose_name_plural = _("培养计划")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    """One layer of a programme: 新入职, 骨干, 领军人才成长营."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("培养计划"), on_delete=models.CASCADE, related_name="tiers"
    )
    name = models.CharField(_("层级名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=1)
    audience = models.CharField(_("培养对象"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("培养层级")
        verbose_name_plural = _("培养层级")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="tier_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.name}"


class StageKind(models.TextChoices):
    THEORY = "theory", _("理论培训")
    CASE = "case", _("案例实操")
    MENTOR = "mentor", _("导师帮带")


STAGE_ORDER = {StageKind.THEORY: 1, StageKind.CASE: 2, StageKind.MENTOR: 3}


class Stage(models.Model):
    """One of the three stages of a tier, with its completion requirements.

    A stage is complete when every listed course is completed, every case task
    attached to the stage has an approved submission, and the person's signed
    mentor hours reach ``required_mentor_hours``.
    """

    tier = models.ForeignKey(
        Tier, verbose_name=_("培养层级"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("阶段"), max_length=10, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("排序"), editable=False, default=1)
    description = models.TextField(_("阶段说明"), blank=True)
    courses = models.ManyToManyField(
        "lms.CoursePage", verbose_name=_("须完成的课程"), blank=True, related_name="stages"
    )
    required_mentor_hours = models.DecimalField(
        _("须签核的导师帮带学时"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("培养阶段")
        verbose_name_plural = _("培养阶段")
        ordering = ["tier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "kind"], name="stage_kind_once_per_tier"),
            models.CheckConstraint(
                condition=models.Q(required_mentor_hours__gte=0), name="stage_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier.name} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.order = STAGE_ORDER[StageKind(self.kind)]
        super().save(*args, **kwargs)


class CohortKind(models.TextChoices):
    REGULAR = "regular", _("分层培养班")
    EXAM_CLASS = "exam_class", _("考试专班")


class Cohort(models.Model):
    """One run of a programme tier with its members. 考试专班 is a cohort too.

    ``unit`` places the cohort in the org tree: organisers manage cohorts of
    units in their scope.
    """

    tier = models.ForeignKey(
        Tier, verbose_name=_("培养层级"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("班级名称"), max_length=100)
    kind = models.CharField(
        _("班级类型"), max_length=12, choices=CohortKind.choices, default=CohortKind.REGULAR
    )
    unit = models.ForeignKey(
        "talent.OrgUnit",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_cohorts",
    )
    mentors = models.ManyToManyField(
        "talent.Person", verbose_name=_("导师"), blank=True, related_name="mentored_cohorts"
    )
    members = models.ManyToManyField(
        "talent.Person",
        verbose_name=_("学员"),
        through="CohortMembership",
        blank=True,
        related_name="cohorts",
    )
    exam_blueprints = models.ManyToManyField(
        "lms.ExamBlueprint",
        verbose_name=_("模拟考试"),
        blank=True,
        related_name="cohorts",
        help_text=_("学员在“我的学习”中看到的模拟试卷。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培养班级")
        verbose_name_plural = _("培养班级")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CohortMembership(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("班级"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
    )
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班级学员")
        verbose_name_plural = _("班级学员")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="cohort_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.person}"
