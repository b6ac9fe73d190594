from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import sync_role_groups


@receiver(post_migrate)
def keep_role_groups_in_sync(sender, using="default", apps=None, **kwargs):
    """After every migrate (and test flush) make the role groups match ROLE_PERMISSIONS.

    Permissions of apps later in INSTALLED_APPS (wagtailadmin's access_admin) are
    created here first, since their own post_migrate handlers may not have run yet.
    """
    if sender.label != "talent":
        return
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_groups()
    # A test flush empties the seeded ladder and the nightly schedule; put them back.
    from .seed import ensure_default_ladder
    from .tasks import ensure_snapshot_schedule

    ensure_default_ladder()
    ensure_snapshot_schedule()
    # Seeds of later releases read the migration state's ``apps``: after a rollback
    # to a release without their models they are skipped, not queried.
    from .seed import ensure_exam_rules
    from .tasks import ensure_registration_reminder_schedule

    for seed in (ensure_exam_rules, ensure_registration_reminder_schedule):
        try:
            seed(apps) if apps is not None else seed()
        except LookupError:
            continue
