"""Notification writes: store one (and e-mail it after commit), mark read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from talent.models import Notification


def notify(*, recipient, title: str, body: str = "", url: str = "") -> Notification:
    """Store an in-app notification; e-mail a copy from a background task once
    the surrounding transaction commits (never for a rolled-back change)."""
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(
            lambda: async_task("talent.tasks.email_notification", notification.pk)
        )
    return notification


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
