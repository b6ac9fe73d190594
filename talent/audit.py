"""Audit events through Wagtail's log-entry machinery.

Every event is a ``ModelLogEntry`` written in the caller's transaction, so it
appears in the object's history view and in the admin's site history report.
"""

import datetime
import decimal
import functools

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


@functools.cache
def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """``(name, attname)`` of the fields a snapshot of ``model`` holds, worked out
    once per model (an import snapshots 20,000 rows of one model)."""
    return tuple(
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        # tree bookkeeping is left out (the parent is recorded instead), and so are
        # the times Django stamps itself
        if field.name not in ("path", "depth", "numchild")
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    )


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of the concrete field values, foreign keys as ids."""
    return {
        attname: _plain(getattr(instance, attname))
        for name, attname in _snapshot_fields(type(instance))
        if fields is None or name in fields
    }


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
    user_id = user.pk if user is not None else None
    now = timezone.now()
    types: dict = {}
    written = 0
    batch: list = []
    # Built and inserted a batch at a time: 20,000 events never sit in memory at once.
    for obj, before, after in entries:
        if type(obj) not in types:
            types[type(obj)] = ContentType.objects.get_for_model(obj, for_concrete_model=False).pk
        batch.append(
            ModelLogEntry(
                # ids, not objects: setting a relation by object costs more per row
                content_type_id=types[type(obj)],
                object_id=str(obj.pk),
                label=str(obj)[:255],
                action=action,
                timestamp=now,
                data={"before": before or {}, "after": after or {}},
                user_id=user_id,
            )
        )
        if len(batch) == batch_size:
            ModelLogEntry.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    ModelLogEntry.objects.bulk_create(batch)
    return written + len(batch)
