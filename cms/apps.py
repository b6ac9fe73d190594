from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _schedules(sender, **kwargs):
    from .tasks import ensure_backup_schedule

    ensure_backup_schedule()


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("网站")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_schedules, sender=self, dispatch_uid="cms.schedules")
