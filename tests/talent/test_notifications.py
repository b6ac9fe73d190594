import pytest
from django.core import mail
from django.db import transaction

from talent.models import Notification
from talent.services.notifications import mark_read, notify
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_notification_email_is_sent_by_task_after_commit():
    user = UserFactory(email="learner@example.org")
    with transaction.atomic():
        notify(recipient=user, title="案例已通过", body="导师已批准您的案例。", url="/me/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["learner@example.org"]
    assert "案例已通过" in mail.outbox[0].subject
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_no_email_and_keeps_no_notification():
    user = UserFactory(email="learner@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=user, title="不会发送")
        raise RuntimeError
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_mark_read_touches_only_own_notifications():
    me, other = UserFactory(), UserFactory()
    notify(recipient=me, title="a")
    notify(recipient=other, title="b")
    assert mark_read(user=me) == 1
    assert Notification.objects.get(recipient=other).read_at is None
