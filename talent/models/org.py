from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("区")
    SUBDISTRICT = "subdistrict", _("街道/镇")
    COMMUNITY = "community", _("社区")
    CENTRE = "centre", _("社工中心")
    STATION = "station", _("社工站")
    STUDIO = "studio", _("社工室")
    SOCIAL_ORG = "social_org", _("社会组织")
    UNIVERSITY = "university", _("高校")


class OrgUnit(MP_Node):
    """A node of the organisation tree: district → subdistrict → community, plus
    centres, stations, studios, social organisations and universities.

    Every report works on "this unit and everything under it", which is one
    prefix query on the materialised path (``path__startswith``), never a walk.
    """

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(
        _("编码"), max_length=40, unique=True, help_text=_("唯一的英文或数字编码，用于导入导出。")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and every ancestor, root first (no query)."""
        step = self.steplen
        return [self.path[:i] for i in range(step, len(self.path) + 1, step)]

    def contains(self, other: "OrgUnit") -> bool:
        return other.path.startswith(self.path)
