"""Audit events through Wagtail's log-entry machinery.

Every event is a ``ModelLogEntry`` written in the caller's transaction, so it
appears in the object's history view and in the admin's site history report.
"""

import datetime
import decimal

from django.db import models
from wagtail.log_actions import log

from talent.models.people import mask_national_id

# Fields whose value never enters the audit log in clear (only masked)
MASKED_FIELDS = {"national_id": mask_national_id}


def _masked(values: dict | None) -> dict:
    if not values:
        return {}
    return {
        key: MASKED_FIELDS[key](value) if key in MASKED_FIELDS and value else value
        for key, value in values.items()
    }


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of the concrete field values, foreign keys as ids."""
    result = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in ("path", "depth", "numchild"):
            continue  # tree bookkeeping; the parent is recorded instead
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        result[field.attname] = _plain(getattr(instance, field.attname))
    return result


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def record(*, actor, action: str, obj: models.Model, before=None, after=None, **extra):
    """Write one audit event (actor, action, object, before/after, time)."""
    data = {"before": _masked(before), "after": _masked(after)}
    data.update(extra)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return log(obj, action, user=user, data=data)


def record_many(*, actor, action: str, entries, batch_size: int = 500) -> int:
    """Write one audit event per ``(obj, before, after)`` in ``entries`` with a
    constant number of queries (an import of thousands of rows): the same
    ModelLogEntry rows ``record`` writes."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    types: dict = {}
    written = 0
    batch: list = []
    # Built and inserted a batch at a time: 20,000 events never sit in memory at once.
    for obj, before, after in entries:
        if type(obj) not in types:
            types[type(obj)] = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        batch.append(
            ModelLogEntry(
                content_type=types[type(obj)],
                object_id=str(obj.pk),
                label=str(obj)[:255],
                action=action,
                timestamp=now,
                data={"before": before or {}, "after": after or {}},
                user=user,
            )
        )
        if len(batch) == batch_size:
            ModelLogEntry.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    ModelLogEntry.objects.bulk_create(batch)
    return written + len(batch)
