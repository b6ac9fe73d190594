"""django-q2 tasks of the talent app."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


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
