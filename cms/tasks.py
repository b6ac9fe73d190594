"""Background jobs of the site: run-once wrapper, nightly backups."""

from __future__ import annotations

import os
import time

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

BACKUP_SCHEDULE = "cms.nightly_backup"


def run_once(*, key: str, job: str, **kwargs) -> bool:
    """Run ``job`` (a dotted path) for ``key`` exactly once, however often the
    broker delivers the job: the receipt row and the job's own writes commit
    together, so a worker killed half-way leaves neither, and the redelivery
    does the work; a delivery after a success finds the receipt and stops.
    Returns whether this delivery did the work. (``job``, not ``func``: that
    name is async_task's own first argument.)"""
    from .models import TaskReceipt

    try:
        with transaction.atomic():
            # The insert holds the key's index entry: a concurrent duplicate
            # waits here, then fails once this one commits.
            TaskReceipt.objects.create(key=key)
            import_string(job)(**kwargs)
    except IntegrityError:
        return False
    return True


def smoke_probe(*, username: str, title: str, seconds: float = 0) -> None:
    """A slow job for the production smoke test: announces its worker's pid in
    the shared cache, takes ``seconds``, then notifies ``username``."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from talent import api as talent

    cache.set(f"smoke-probe:{title}", os.getpid(), 600)
    time.sleep(seconds)
    user = get_user_model().objects.get(username=username)
    talent.notify(recipient=user, title=title)


def nightly_backup() -> str:
    """The nightly backup of database and files, keeping BACKUP_KEEP copies."""
    from django.core.management import call_command

    call_command("backup", keep=int(os.environ.get("BACKUP_KEEP", "7")))
    return "ok"


def ensure_backup_schedule(schedule_model=None) -> None:
    """Create the nightly backup schedule (02:30 Asia/Shanghai) once; idempotent."""
    import datetime

    from django.utils import timezone

    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    first_run = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(2, 30)))
    schedule_model.objects.get_or_create(
        name=BACKUP_SCHEDULE,
        defaults={
            "func": "cms.tasks.nightly_backup",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": first_run,
        },
    )
