from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .org import OrgUnit
from .people import display_name


class Role(models.TextChoices):
    """Roles are Django groups (created by a data migration) granted on an OrgUnit subtree."""

    LEARNER = "learner", _("学员")
    MENTOR = "mentor", _("导师")
    HR = "hr", _("人事专员")
    ORGANISER = "organiser", _("培训组织者")
    PARTNER = "partner", _("高校合作方")
    DISTRICT_ADMIN = "district_admin", _("区级管理员")

    @property
    def group_name(self) -> str:
        return ROLE_GROUP_NAMES[self]


# Group names are stable data keys; the label above is what people read.
ROLE_GROUP_NAMES = {
    Role.LEARNER: "学员",
    Role.MENTOR: "导师",
    Role.HR: "人事专员",
    Role.ORGANISER: "培训组织者",
    Role.PARTNER: "高校合作方",
    Role.DISTRICT_ADMIN: "区级管理员",
}


class ScopeGrant(models.Model):
    """A role held by a user over one OrgUnit and everything under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="scope_grants",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("管辖单位"),
        on_delete=models.CASCADE,
        related_name="scope_grants",
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("管辖授权")
        verbose_name_plural = _("管辖授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="scope_grant_once"),
        ]

    def __str__(self) -> str:
        return f"{display_name(self.user)} · {self.get_role_display()} · {self.unit}"
