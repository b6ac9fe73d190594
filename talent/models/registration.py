"""Registration reminders: which went out, so each goes out once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import Person


class ReminderKind(models.TextChoices):
    REGISTER = "register", _("初始登记")
    RENEW = "renew", _("再登记")


class RegistrationReminder(models.Model):
    """A registration reminder that went out: once per person, deadline and
    threshold (the unique constraint is what makes the daily task idempotent)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    certificate = models.ForeignKey(
        "talent.Certificate", verbose_name=_("证书"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ReminderKind.choices)
    deadline = models.DateField(_("截止日期"))
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登记提醒")
        verbose_name_plural = _("登记提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "deadline", "days_before"], name="registration_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.deadline} -{self.days_before}"
