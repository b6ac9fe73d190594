"""Mentorships and practice hours 实践学时."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage, unguessable_name


class MentorshipQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None) -> MentorshipQuerySet:
        """Mentorships running on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class Mentorship(models.Model):
    """A mentor 导师 guiding a mentee over a period (导师帮带)."""

    mentor = models.ForeignKey(
        "talent.Person",
        verbose_name=_("导师"),
        on_delete=models.PROTECT,
        related_name="mentees_as_mentor",
    )
    mentee = models.ForeignKey(
        "talent.Person",
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="mentorships",
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    goal = models.CharField(_("帮带目标"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师帮带关系")
        verbose_name_plural = _("导师帮带关系")
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee", "started_on"], name="mentorship_once_per_start"
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="mentorship_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.name} → {self.mentee.name}"


class LogStatus(models.TextChoices):
    PENDING = "pending", _("待签核")
    SIGNED = "signed", _("已签核")
    REJECTED = "rejected", _("已退回")


class SignMethod(models.TextChoices):
    SESSION = "session", _("扫码签到")
    QR = "qr", _("导师扫码")
    MANUAL = "manual", _("手工签核")


class SignedLogError(ValidationError):
    """Raised when code tries to change or delete a signed log outside a correction."""


class PracticeLog(models.Model):
    """Hours of practice one person did on one day.

    A signed log is immutable: ``save()`` and ``delete()`` refuse to touch a row
    that is signed in the database, unless the correction service marks the
    instance (``_correction_reason``), which also writes an audit event.
    """

    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="practice_logs",
    )
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    activity = models.CharField(_("实践内容"), max_length=200)
    mentorship = models.ForeignKey(
        Mentorship,
        verbose_name=_("帮带关系"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logs",
    )
    check_in = models.OneToOneField(
        "lms.CheckIn",
        verbose_name=_("签到记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_log",
    )
    placement = models.ForeignKey(
        "talent.Placement",
        verbose_name=_("实践安排"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_logs",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=LogStatus.choices, default=LogStatus.PENDING
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sign_method = models.CharField(
        _("签核方式"), max_length=10, choices=SignMethod.choices, blank=True
    )
    signed_at = models.DateTimeField(_("签核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实践学时")
        verbose_name_plural = _("实践学时")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="practice_log_hours_in_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed")
                | (Q(signed_by__isnull=False) & Q(signed_at__isnull=False) & ~Q(sign_method="")),
                name="practice_log_signed_has_signer",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="practice_log_rejected_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status", "date"], name="practice_log_person_status"),
            models.Index(fields=["mentorship", "status"], name="practice_log_mentorship"),
            models.Index(fields=["placement", "status"], name="practice_log_placement"),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s · %(date)s · %(hours)s 学时") % {
            "person": self.person.name,
            "date": self.date,
            "hours": floatformat(self.hours, -1),
        }

    def save(self, *args, **kwargs):
        self._guard_signed()
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == LogStatus.SIGNED:
            raise SignedLogError(_("已签核的学时不能修改或删除，请通过更正流程并填写原因。"))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_signed(self) -> bool:
        return self.status == LogStatus.SIGNED

    def _guard_signed(self) -> None:
        if getattr(self, "_stored_status", None) == LogStatus.SIGNED and not getattr(
            self, "_correction_reason", ""
        ):
            raise SignedLogError(_("已签核的学时不能修改或删除，请通过更正流程并填写原因。"))


def evidence_path(instance: PracticeEvidence, filename: str) -> str:
    return unguessable_name("evidence", filename)


class PracticeEvidence(models.Model):
    """A photo proving a practice log, with where and when it was taken.

    The photo is private (``lms.storage``): only those who may see the log get
    it. Its evidence value, the time and place a 水印照片 would stamp on it, is
    read from EXIF at upload into the fields below, which the mentor sees on
    the sign-off screen.
    """

    log = models.ForeignKey(
        PracticeLog, verbose_name=_("实践学时"), on_delete=models.CASCADE, related_name="evidence"
    )
    photo = models.ImageField(
        _("照片"), upload_to=evidence_path, storage=private_storage, max_length=200
    )
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    place = models.CharField(_("拍摄地点"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("拍摄纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("拍摄经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("实践佐证")
        verbose_name_plural = _("实践佐证")

    def __str__(self) -> str:
        return f"{self.log} · {self.place}"
