from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .viewsets.imports import RosterImportView
from .viewsets.people import TalentViewSetGroup


class ChangeFormatter(LogFormatter):
    """Shows which fields changed; the full before/after stays in the entry's data."""

    def format_message(self, log_entry):
        after = (log_entry.data or {}).get("after") or {}
        if not after:
            return str(self.label)
        fields = []
        model = log_entry.content_type.model_class()
        for name in after:
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
                fields.append(str(field.verbose_name))
            except Exception:
                fields.append(name)
        return _("%(label)s：%(fields)s") % {"label": self.label, "fields": "、".join(fields)}


ACTIONS = {
    "talent.orgunit.create": _("新建组织单位"),
    "talent.orgunit.edit": _("修改组织单位"),
    "talent.person.create": _("新建人员"),
    "talent.person.edit": _("修改人员"),
    "talent.person.delete": _("删除人员"),
    "talent.scope.grant": _("授予管辖角色"),
    "talent.scope.edit": _("修改管辖授权"),
    "talent.scope.revoke": _("撤销管辖角色"),
    "talent.ce.credit": _("登记继续教育学时"),
    "talent.import": _("表格导入"),
}


@hooks.register("register_log_actions")
def register_talent_actions(actions):
    for action, label in ACTIONS.items():
        formatter = type("Formatter", (ChangeFormatter,), {"label": label})
        actions.register_action(action)(formatter)


@hooks.register("register_admin_viewset")
def register_talent_viewsets():
    return TalentViewSetGroup()


@hooks.register("register_admin_urls")
def register_talent_admin_urls():
    return [
        path("talent/people/import/", RosterImportView.as_view(), name="talent_roster_import"),
    ]
