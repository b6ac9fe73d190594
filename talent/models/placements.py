"""Universities, practice bases, placements (interns and rotation 轮岗实训),
rotation plans and the four-party evaluation 四方评估."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .org import OrgUnit
from .people import Person


def term_of(day: datetime.date) -> str:
    """The academic term a day falls in: spring runs February–July, autumn
    August–January (January belongs to the previous year's autumn term)."""
    if 2 <= day.month <= 7:
        return f"{day.year}-spring"
    if day.month >= 8:
        return f"{day.year}-autumn"
    return f"{day.year - 1}-autumn"


def term_label(term: str) -> str:
    year, season = term.split("-")
    label = _("春季学期") if season == "spring" else _("秋季学期")
    return f"{year}{label}"


class University(models.Model):
    """A partner institution. Its people and partner users live under its
    OrgUnit (kind university, or a social organisation that sends trainees),
    so the org tree stays the one place scope is decided."""

    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="university",
    )
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("合作高校")
        verbose_name_plural = _("合作高校")
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return self.unit.name


class PracticeBase(models.Model):
    """A host unit that takes a university's students under an agreement."""

    university = models.ForeignKey(
        University, verbose_name=_("合作高校"), on_delete=models.PROTECT, related_name="bases"
    )
    host_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("实践单位"), on_delete=models.PROTECT, related_name="practice_bases"
    )
    name = models.CharField(_("基地名称"), max_length=100)
    agreement_start = models.DateField(_("协议开始"))
    agreement_end = models.DateField(_("协议结束"))
    capacity_per_term = models.PositiveSmallIntegerField(_("每学期名额"))
    supervisors = models.ManyToManyField(
        Person, verbose_name=_("基地督导"), blank=True, related_name="supervised_bases"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("实践基地")
        verbose_name_plural = _("实践基地")
        ordering = ["university__unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["university", "host_unit"], name="base_once_per_host"),
            models.CheckConstraint(
                condition=Q(agreement_end__gte=F("agreement_start")), name="base_agreement_order"
            ),
            models.CheckConstraint(condition=Q(capacity_per_term__gt=0), name="base_capacity_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class PlacementKind(models.TextChoices):
    INTERN = "intern", _("实习")
    ROTATION = "rotation", _("轮岗实训")


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    ACTIVE = "active", _("进行中")
    COMPLETED = "completed", _("已结束")
    EVALUATED = "evaluated", _("已评估")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("未批准")


# Statuses that hold a place at a base and a slot in a person's calendar.
HOLDING_STATUSES = (
    PlacementStatus.APPROVED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
    PlacementStatus.EVALUATED,
)


class RotationPlan(models.Model):
    """A cohort's rotation through host units, a number of weeks at each,
    created in one step as one rotation placement per member and stage."""

    name = models.CharField(_("计划名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    weekly_hours = models.DecimalField(_("每周要求学时"), max_digits=4, decimal_places=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("轮岗计划")
        verbose_name_plural = _("轮岗计划")
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.name


class RotationStage(models.Model):
    plan = models.ForeignKey(
        RotationPlan, verbose_name=_("轮岗计划"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    host_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("轮岗单位"), on_delete=models.PROTECT, related_name="+"
    )
    weeks = models.PositiveSmallIntegerField(_("周数"))

    class Meta:
        verbose_name = _("轮岗阶段")
        verbose_name_plural = _("轮岗阶段")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="rotation_stage_order_once"),
            models.CheckConstraint(condition=Q(weeks__gt=0), name="rotation_stage_weeks_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.order}. {self.host_unit}"


class Placement(models.Model):
    kind = models.CharField(_("类型"), max_length=10, choices=PlacementKind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="placements"
    )
    base = models.ForeignKey(
        PracticeBase,
        verbose_name=_("实践基地"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    host_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("实践单位"), on_delete=models.PROTECT, related_name="placements"
    )
    supervisor = models.ForeignKey(
        Person,
        verbose_name=_("督导/导师"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_placements",
    )
    rotation_plan = models.ForeignKey(
        RotationPlan,
        verbose_name=_("轮岗计划"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="placements",
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    term = models.CharField(_("学期"), max_length=16, editable=False, db_index=True)
    required_hours = models.DecimalField(_("要求学时"), max_digits=6, decimal_places=1)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    status_reason = models.CharField(_("原因"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("实践安排")
        verbose_name_plural = _("实践安排")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="placement_date_order"),
            models.CheckConstraint(
                condition=Q(required_hours__gte=0), name="placement_hours_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(kind="rotation") | Q(base__isnull=False),
                name="placement_intern_has_base",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="placement_person_status"),
            models.Index(fields=["base", "term", "status"], name="placement_base_term"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.host_unit.name}（{self.start}～{self.end}）"

    def save(self, *args, **kwargs):
        self.term = term_of(self.start)
        super().save(*args, **kwargs)

    @property
    def term_label(self) -> str:
        return term_label(self.term)

    def expected_hours_on(self, day: datetime.date) -> Decimal:
        """Hours a placement on pace has logged by ``day`` (linear over its days)."""
        if day < self.start:
            return Decimal(0)
        total_days = (self.end - self.start).days + 1
        elapsed = min((day - self.start).days + 1, total_days)
        return (self.required_hours * elapsed / total_days).quantize(Decimal("0.1"))


class EvaluationParty(models.TextChoices):
    SELF = "self", _("本人自评")
    MENTOR = "mentor", _("督导/导师评价")
    HOST = "host", _("实践单位评价")
    UNIVERSITY = "university", _("高校评价")


# The rubric each party scores, 1–5 per criterion.
RUBRIC = (
    ("ethics", _("专业伦理与职业态度")),
    ("skills", _("专业方法与服务技能")),
    ("communication", _("沟通与团队协作")),
    ("records", _("文书记录与规范")),
    ("reflection", _("学习反思与成长")),
)
RUBRIC_MAX = 5


class PlacementEvaluation(models.Model):
    placement = models.ForeignKey(
        Placement, verbose_name=_("实践安排"), on_delete=models.CASCADE, related_name="evaluations"
    )
    party = models.CharField(_("评价方"), max_length=12, choices=EvaluationParty.choices)
    scores = models.JSONField(_("各项得分"))
    score = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("评语"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("四方评估")
        verbose_name_plural = _("四方评估")
        ordering = ["placement", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "party"], name="evaluation_once_per_party"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} · {self.get_party_display()}"
