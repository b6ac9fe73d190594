from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def keep_salon_defaults(sender, apps=None, **kwargs):
    """Themes, rubric, check-in rules and schedules come from data migrations; a
    test flush wipes them, so put them back after every migrate/flush.

    ``apps`` is the state the migrate left behind: after a rollback to an earlier
    release, a model that release did not have is skipped, not queried. A flush
    sends no state; the installed models are the state then.
    """
    if sender.label != "lms":
        return
    if apps is None:
        from django.apps import apps
    from .migrations import _defaults

    for seed in (_defaults.seed, _defaults.seed_checkin_rules, _defaults.seed_reminder_schedule):
        try:
            seed(apps)
        except LookupError:
            continue
