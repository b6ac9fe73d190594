"""Sign-up 报名 for salons and classes: a place, or a place on the waitlist."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .checkin import CheckInSession


class SignUpStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class SignUp(models.Model):
    """One person's sign-up to one session: once per person per session, by
    constraint. Cancelling keeps the row (status ``cancelled``); signing up again
    reuses it and joins the queue at its end. The waitlist is ordered by
    ``joined_at``; ``reminded_at`` is set once, by the reminder task's claim."""

    session = models.ForeignKey(
        CheckInSession,
        verbose_name=_("签到活动"),
        on_delete=models.CASCADE,
        related_name="sign_ups",
    )
    person = models.ForeignKey(
        "talent.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="sign_ups"
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignUpStatus.choices)
    joined_at = models.DateTimeField(_("报名时间"))
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["session", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="sign_up_once"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="sign_up_cancelled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "joined_at"], name="sign_up_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.session.title}"
