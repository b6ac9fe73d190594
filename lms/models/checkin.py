"""QR check-in 扫码签到: a session with its own secret, and one row per attendee."""

from __future__ import annotations

import datetime
import secrets
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class SessionKind(models.TextChoices):
    SALON = "salon", _("沙龙")
    CLASS = "class", _("课堂")
    MENTOR_SESSION = "mentor_session", _("导师帮带活动")
    PLACEMENT_SHIFT = "placement_shift", _("实习/轮岗班次")


# Kinds whose check-ins become signed practice logs when the session closes.
PRACTICE_KINDS = (SessionKind.MENTOR_SESSION, SessionKind.PLACEMENT_SHIFT)


class SessionStatus(models.TextChoices):
    OPEN = "open", _("签到中")
    CLOSED = "closed", _("已结束")


class Rounding(models.TextChoices):
    NEAREST = "nearest", _("四舍五入")
    DOWN = "down", _("向下取整")


DEFAULT_LEAD_MINUTES = 30
DEFAULT_GRACE_MINUTES = 15


class CheckInRule(models.Model):
    """How a kind of session checks in and credits hours 签到与学时规则, as data.

    The window (lead time before the planned start, grace after the planned
    end) is copied onto each session when it opens, so the scan path reads it
    from the session row; rounding and the minimum share apply at close.
    """

    kind = models.CharField(_("类型"), max_length=20, choices=SessionKind.choices, unique=True)
    lead_minutes = models.PositiveSmallIntegerField(
        _("开始前可签到（分钟）"), default=DEFAULT_LEAD_MINUTES
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("结束后可签到（分钟）"), default=DEFAULT_GRACE_MINUTES
    )
    rounding_step = models.DecimalField(
        _("学时取整单位（小时）"), max_digits=3, decimal_places=1, default=Decimal("0.5")
    )
    rounding = models.CharField(
        _("取整方式"), max_length=10, choices=Rounding.choices, default=Rounding.NEAREST
    )
    min_share_percent = models.PositiveSmallIntegerField(
        _("最低出席比例（%）"),
        default=50,
        help_text=_("出席时长低于计划时长的这一比例时，不计学时。"),
    )

    class Meta:
        verbose_name = _("签到与学时规则")
        verbose_name_plural = _("签到与学时规则")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(rounding_step__gt=0), name="rule_step_positive"),
            models.CheckConstraint(
                condition=Q(min_share_percent__lte=100), name="rule_share_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @classmethod
    def for_kind(cls, kind: str) -> CheckInRule:
        """The stored rule of a kind, or the defaults when none is stored."""
        return cls.objects.filter(kind=kind).first() or cls(kind=kind)

    def round(self, hours: Decimal) -> Decimal:
        mode = ROUND_FLOOR if self.rounding == Rounding.DOWN else ROUND_HALF_UP
        step = Decimal(self.rounding_step)
        return (hours / step).quantize(Decimal(1), rounding=mode) * step

    def credit(self, *, planned: Decimal, attended: Decimal, full_credit: Decimal) -> Decimal:
        """Hours credited for ``attended`` of ``planned`` hours, where attending it
        all earns ``full_credit``: nothing below the minimum share, else the share
        of the full credit, rounded, never more than the full credit."""
        if planned <= 0:
            return Decimal(0)
        share = min(attended / planned, Decimal(1))
        if share * 100 < self.min_share_percent or share <= 0:
            return Decimal(0)
        return min(self.round(full_credit * share), full_credit)


class CheckInSession(models.Model):
    """One event people check in to by scanning a rotating QR code.

    ``secret`` never leaves the server; the QR shows an HMAC of it and the
    current time window, so a token from one session says nothing about another.
    """

    kind = models.CharField(_("类型"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="checkin_sessions",
    )
    unit = models.ForeignKey(
        "talent.OrgUnit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="checkin_sessions",
    )
    planned_start = models.DateTimeField(_("计划开始"))
    planned_end = models.DateTimeField(_("计划结束"))
    expected = models.ManyToManyField(
        "talent.Person", verbose_name=_("应到人员"), blank=True, related_name="expected_sessions"
    )
    lead_minutes = models.PositiveSmallIntegerField(
        _("开始前可签到（分钟）"), default=DEFAULT_LEAD_MINUTES
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("结束后可签到（分钟）"), default=DEFAULT_GRACE_MINUTES
    )
    opened_early_at = models.DateTimeField(_("提前开放签到时间"), null=True, blank=True)
    signup_enabled = models.BooleanField(_("开放报名"), default=False)
    capacity = models.PositiveIntegerField(
        _("报名名额"), null=True, blank=True, help_text=_("留空表示不限名额。")
    )
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签到活动")
        verbose_name_plural = _("签到活动")
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="checkin_session_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="checkin_session_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="checkin_session_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def produces_practice_logs(self) -> bool:
        return self.kind in PRACTICE_KINDS

    @property
    def checkin_opens_at(self) -> datetime.datetime:
        """Lead time before the planned start, or earlier if the owner opened early."""
        opens = self.planned_start - datetime.timedelta(minutes=self.lead_minutes)
        if self.opened_early_at is not None and self.opened_early_at < opens:
            return self.opened_early_at
        return opens

    @property
    def checkin_closes_at(self) -> datetime.datetime:
        return self.planned_end + datetime.timedelta(minutes=self.grace_minutes)

    def accepts_scans(self, at: datetime.datetime) -> bool:
        return self.is_open and self.checkin_opens_at <= at <= self.checkin_closes_at

    @property
    def planned_hours(self) -> Decimal:
        return Decimal((self.planned_end - self.planned_start).total_seconds()) / 3600


class CheckIn(models.Model):
    """A person present at a session. Once per person per session, by constraint."""

    session = models.ForeignKey(
        CheckInSession,
        verbose_name=_("签到活动"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    person = models.ForeignKey(
        "talent.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="check_ins"
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    # The scanning browser's device cookie: one device checks in one person per session.
    device = models.CharField(_("签到设备"), max_length=40, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="check_in_once"),
            models.UniqueConstraint(fields=["session", "device"], name="check_in_once_per_device"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="check_out_after_check_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.session.title}"

    def attended_hours(self, *, closed_at: datetime.datetime) -> Decimal:
        """From check-in (or the planned start, if earlier) to check-out, or to the
        close or planned end when there is none; never past the planned end."""
        session = self.session
        start = max(self.checked_in_at, session.planned_start)
        end = min(self.checked_out_at or closed_at, closed_at, session.planned_end)
        seconds = max((end - start).total_seconds(), 0)
        return Decimal(seconds) / 3600
