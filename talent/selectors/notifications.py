"""Notification reads: a user's list and unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from talent.models import Notification


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
