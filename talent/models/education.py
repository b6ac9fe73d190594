from django.conf import settings
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .people import Person


class CESource(models.TextChoices):
    COURSE = "course", _("课程")
    SALON = "salon", _("沙龙")
    TRAINING = "training", _("培训")
    MENTORING = "mentoring", _("导师帮带")
    EXTERNAL = "external", _("外部学习")


class CEHourEntry(models.Model):
    """One credit of continuing-education hours 继续教育学时.

    ``(person, source, source_ref)`` is unique, so crediting the same course,
    salon or training twice is impossible at the database level.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="ce_hours"
    )
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    source = models.CharField(_("来源"), max_length=20, choices=CESource.choices)
    source_ref = models.CharField(
        _("来源标识"), max_length=80, help_text=_("例如 course:12，同一来源只记一次。")
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    earned_on = models.DateField(_("取得日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("继续教育学时")
        verbose_name_plural = _("继续教育学时")
        ordering = ["-earned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "source_ref"], name="ce_hours_once_per_source"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="ce_hours_positive"),
        ]
        indexes = [models.Index(fields=["person", "earned_on"], name="ce_hours_person_date")]

    def __str__(self) -> str:
        return gettext("%(person)s · %(hours)s 学时 · %(source)s") % {
            "person": self.person,
            "hours": floatformat(self.hours, -1),
            "source": self.get_source_display(),
        }
