from wagtail import hooks

from talent.wagtail_hooks import ChangeFormatter

from .admin_practice import LOG_ACTIONS, PracticeViewSetGroup


@hooks.register("register_log_actions")
def register_practice_actions(actions):
    for action, label in LOG_ACTIONS.items():
        formatter = type("Formatter", (ChangeFormatter,), {"label": label})
        actions.register_action(action)(formatter)


@hooks.register("register_admin_viewset")
def register_practice_viewsets():
    return PracticeViewSetGroup()
