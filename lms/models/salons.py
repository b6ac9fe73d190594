"""Bimonthly capability salons 双月能力提升沙龙 and their roadshows 路演."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .checkin import CheckInSession


class SalonTheme(models.Model):
    """An editable theme list: 方案制定, 活动策划, 组织实施 and any the organisers add."""

    name = models.CharField(_("主题"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("沙龙主题")
        verbose_name_plural = _("沙龙主题")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class SalonStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Salon(models.Model):
    """One salon of a centre, in a two-month cycle (``cycle`` = first month, YYYY-MM)."""

    centre = models.ForeignKey(
        "talent.OrgUnit",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="salons",
    )
    cycle = models.CharField(_("双月周期"), max_length=7, help_text=_("周期首月，如 2027-01。"))
    title = models.CharField(_("标题"), max_length=120)
    theme = models.ForeignKey(
        SalonTheme, verbose_name=_("主题"), on_delete=models.PROTECT, related_name="salons"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(
        _("报名名额"), null=True, blank=True, help_text=_("留空表示不限名额。")
    )
    ce_hours = models.DecimalField(_("继续教育学时"), max_digits=4, decimal_places=1, default=3)
    status = models.CharField(
        _("状态"), max_length=10, choices=SalonStatus.choices, default=SalonStatus.DRAFT
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), blank=True, related_name="judged_salons"
    )
    check_in_session = models.OneToOneField(
        CheckInSession,
        verbose_name=_("签到活动"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salon",
    )
    scoring_closed_at = models.DateTimeField(_("评分截止时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("能力提升沙龙")
        verbose_name_plural = _("能力提升沙龙")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "cycle"], name="salon_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="salon_end_after_start"
            ),
            models.CheckConstraint(condition=Q(ce_hours__gte=0), name="salon_ce_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scoring_closed(self) -> bool:
        return self.scoring_closed_at is not None

    def scoring_open(self, at) -> bool:
        """Judges score from the salon's start until the organiser closes scoring."""
        return at >= self.starts_at and not self.scoring_closed


class RoadshowSlot(models.Model):
    """A presentation at a salon, by a studio (and its presenter)."""

    salon = models.ForeignKey(
        Salon, verbose_name=_("沙龙"), on_delete=models.CASCADE, related_name="slots"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    studio = models.ForeignKey(
        "talent.OrgUnit",
        verbose_name=_("路演社工室"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadshow_slots",
    )
    presenter = models.ForeignKey(
        "talent.Person",
        verbose_name=_("路演人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadshow_slots",
    )
    title = models.CharField(_("路演题目"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("路演")
        verbose_name_plural = _("路演")
        ordering = ["salon", "order"]
        constraints = [
            models.UniqueConstraint(fields=["salon", "order"], name="roadshow_order_unique"),
            models.UniqueConstraint(
                fields=["salon", "studio"],
                condition=Q(studio__isnull=False),
                name="roadshow_studio_once",
            ),
            models.CheckConstraint(
                condition=Q(studio__isnull=False) | Q(presenter__isnull=False),
                name="roadshow_has_presenter",
            ),
        ]

    def __str__(self) -> str:
        who = self.studio.name if self.studio_id else self.presenter.name
        return f"{self.order}. {who} {self.title}".strip()


class RubricCriterion(models.Model):
    """One line of the roadshow rubric (e.g. 需求分析 20 分)."""

    name = models.CharField(_("评分项"), max_length=60, unique=True)
    max_score = models.PositiveSmallIntegerField(_("满分"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("路演评分项")
        verbose_name_plural = _("路演评分项")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="rubric_max_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_score}）"


class RoadshowScore(models.Model):
    """A judge's score for one slot on one rubric line."""

    slot = models.ForeignKey(
        RoadshowSlot, verbose_name=_("路演"), on_delete=models.CASCADE, related_name="scores"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("路演评分")
        verbose_name_plural = _("路演评分")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "judge", "criterion"], name="roadshow_score_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="roadshow_score_not_negative"),
        ]


class SalonCalendarPage(Page):
    """The public salon calendar 沙龙日历: upcoming and past salons with results."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("沙龙日历")

    def get_context(self, request, *args, **kwargs):
        from lms.selectors.salons import salon_calendar

        context = super().get_context(request, *args, **kwargs)
        context.update(salon_calendar())
        return context
