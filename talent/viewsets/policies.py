"""Admin permission policies for records that change only through services.

A ledger (CE hours), a history (grade changes), a computed record (registration
periods) or a review keeps its generic edit and delete views closed; with this policy
Wagtail also stops offering them — no edit link, breadcrumb or "…" item that ends in
"对不起，你没有权限访问", not even for a superuser."""

from wagtail.permission_policies import ModelPermissionPolicy


class ServiceWritesPolicy(ModelPermissionPolicy):
    def __init__(self, model, *, refused=("change", "delete"), **kwargs):
        super().__init__(model, **kwargs)
        self.refused = frozenset(refused)

    def user_has_permission(self, user, action):
        if action in self.refused:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
