"""The working-day calendar: weekends are days off, and the exceptions a district
publishes each year (public holidays 法定节假日, and the weekend days worked in
exchange 调休上班) are data, edited in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a holiday on a weekday, or a worked
    weekend day. Every other day is a working day exactly when it is Monday–Friday."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"), default=False, help_text=_("勾选表示调休上班；不勾选表示放假。")
    )
    name = models.CharField(_("说明"), max_length=50, help_text=_("例如 国庆节、国庆调休上班。"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
