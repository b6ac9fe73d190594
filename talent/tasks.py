"""django-q2 tasks of the talent app."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .services.certification import snapshot_all_targets
from .services.promotion import announce_notice


def email_notification(notification_id: int) -> bool:
    """Send the e-mail copy of one notification, once."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at or not notification.recipient.email:
        return False
    link = ""
    if notification.url:
        link = "\n\n" + settings.WAGTAILADMIN_BASE_URL.rstrip("/") + notification.url
    send_mail(
        subject=f"[{settings.WAGTAIL_SITE_NAME}] {notification.title}",
        message=notification.body + link,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


SNAPSHOT_SCHEDULE = "talent.nightly_certification_snapshots"


def ensure_snapshot_schedule(schedule_model=None) -> None:
    """Create the nightly snapshot schedule (01:30 Asia/Shanghai) once; idempotent."""
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    first_run = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(1, 30)))
    schedule_model.objects.get_or_create(
        name=SNAPSHOT_SCHEDULE,
        defaults={
            "func": "talent.tasks.take_certification_snapshots",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": first_run,
        },
    )


def take_certification_snapshots() -> int:
    """Write this month's certification numbers for every active target."""
    return snapshot_all_targets(as_of=timezone.localdate())


def announce_promotion_notice(review_id: int) -> int:
    """Tell the unit's staff that a promotion round's 公示 notice is up."""
    return announce_notice(review_id)


REMINDER_SCHEDULE = "talent.daily_registration_reminders"


def ensure_registration_reminder_schedule(apps=None) -> None:
    """Daily at 08:30 Asia/Shanghai: registration reminders (idempotent)."""
    if apps is None:
        from django.apps import apps
    schedule_model = apps.get_model("django_q", "Schedule")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    first_run = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8, 30)))
    schedule_model.objects.get_or_create(
        name=REMINDER_SCHEDULE,
        defaults={
            "func": "talent.tasks.send_registration_reminders",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": first_run,
        },
    )


def send_registration_reminders() -> int:
    """Remind people (and their unit's HR officer) of registration deadlines at the
    policy's thresholds; each reminder goes out once however often this runs."""
    from .services.registration import send_registration_reminders as send

    return send(as_of=timezone.localdate())
