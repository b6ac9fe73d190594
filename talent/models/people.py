from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .org import OrgUnit


class PersonKind(models.TextChoices):
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    SOCIAL_WORKER = "social_worker", _("专业社工")
    GRID_WORKER = "grid_worker", _("网格员")
    INTERN = "intern", _("实习生")
    VOLUNTEER = "volunteer", _("志愿者")
    EXPERT = "expert", _("外部专家")


class EducationLevel(models.TextChoices):
    SECONDARY = "secondary", _("高中及以下")
    ASSOCIATE = "associate", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTORATE = "doctorate", _("博士研究生")


class Gender(models.TextChoices):
    FEMALE = "F", _("女")
    MALE = "M", _("男")


def mask_national_id(value: str) -> str:
    """Only the first 3 and last 2 characters of a national ID (screens, audit log)."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 5)}{value[-2:]}"


class Person(models.Model):
    """One row per human the system knows. Personal data is kept minimal."""

    staff_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("人员类别"), max_length=20, choices=PersonKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    national_id = models.CharField(
        _("身份证号"),
        max_length=18,
        blank=True,
        help_text=_("可不填；页面上只显示首尾几位，导出时默认不包含。"),
    )
    joined_on = models.DateField(_("参加工作日期"), null=True, blank=True)
    education = models.CharField(
        _("学历"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    post = models.ForeignKey(
        "talent.Post",
        verbose_name=_("岗位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("现聘岗位（三岗）；等级以等级变动记录为准。"),
    )
    is_active = models.BooleanField(_("在职"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["staff_no"]
        indexes = [models.Index(fields=["unit", "kind"], name="person_unit_kind")]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"

    def _masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    _masked_national_id.short_description = _("身份证号（已脱敏）")
    masked_national_id = property(_masked_national_id)


def linked_person(user) -> Person | None:
    """The person behind ``user`` without a query when the caller has loaded it
    (``select_related("…__person__unit")`` or ``person_for_user`` earlier)."""
    if user is None:
        return None
    if "_academy_person" in user.__dict__:
        return user.__dict__["_academy_person"]
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def display_name(user, *, with_unit: bool = False) -> str:
    """How a user appears on every screen and export: the person's 姓名 (with the
    unit when ``with_unit``), else the account's full name, never the login.

    The one rule behind the ``person_name`` template filter, the admin's user
    columns and inspect fields, and the exports. Lists pass users loaded with
    ``select_related("<field>__person__unit")`` (``USER_PERSON``), so a page of
    rows costs no query per row.
    """
    if user is None:
        return ""
    person = linked_person(user)
    if person is not None:
        if with_unit and person.unit_id:
            return f"{person.name}（{person.unit.name}）"
        return person.name
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full_name or gettext("未具名账号")
