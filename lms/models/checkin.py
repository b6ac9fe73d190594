"""QR check-in 扫码签到: a session with its own secret, and one row per attendee."""

from __future__ import annotations

import secrets

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

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="check_in_once"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="check_out_after_check_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.session.title}"
