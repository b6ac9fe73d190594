from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def keep_salon_defaults(sender, **kwargs):
    """Themes, rubric and the drafting schedule come from a data migration; a
    test flush wipes them, so put them back after every migrate/flush."""
    if sender.label != "lms":
        return
    from django.apps import apps

    from .migrations import _defaults

    _defaults.seed(apps)
    _defaults.seed_checkin_rules(apps)
    _defaults.seed_reminder_schedule(apps)
