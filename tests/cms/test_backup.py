"""Backups restore: back up, wipe, restore, and every row and file is back.
Also: a job delivered twice has its effect once (cms.tasks.run_once)."""

import io

import pytest
from django.core.management import call_command

from cms.models import TaskReceipt
from cms.tasks import BACKUP_SCHEDULE, run_once
from talent.models import Notification, Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_wipe_restore_brings_back_every_row_and_file(district, private_media, tmp_path):
    people = [PersonFactory(unit=district["panlong"]) for _ in range(3)]
    (private_media / "evidence").mkdir(parents=True)
    (private_media / "evidence" / "a.jpg").write_bytes(b"photo")
    media = private_media.parent / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "b.png").write_bytes(b"image")
    before = set(Person.objects.values_list("pk", "name"))
    out = io.StringIO()
    for _ in range(3):
        call_command("backup", dir=str(tmp_path / "backups"), keep=2, stdout=out)
    assert len(list((tmp_path / "backups").iterdir())) == 2  # retention

    Person.objects.filter(pk__in=[p.pk for p in people]).delete()
    (private_media / "evidence" / "a.jpg").unlink()
    (media / "images" / "b.png").write_bytes(b"changed")
    call_command("restore", dir=str(tmp_path / "backups"), stdout=out)

    assert set(Person.objects.values_list("pk", "name")) == before
    assert (private_media / "evidence" / "a.jpg").read_bytes() == b"photo"
    assert (media / "images" / "b.png").read_bytes() == b"image"


def test_nightly_backup_is_scheduled():
    from django_q.models import Schedule

    assert Schedule.objects.get(name=BACKUP_SCHEDULE).func == "cms.tasks.nightly_backup"


def test_a_job_delivered_twice_has_its_effect_once(db):
    UserFactory(username="probe")
    kwargs = {"key": "probe-1", "job": "cms.tasks.smoke_probe", "username": "probe", "title": "t"}
    assert run_once(**kwargs) is True
    assert run_once(**kwargs) is False
    assert Notification.objects.filter(title="t").count() == 1
    assert TaskReceipt.objects.filter(key="probe-1").count() == 1


def test_a_failed_job_leaves_no_receipt_so_the_redelivery_runs(db):
    kwargs = {"key": "probe-2", "job": "cms.tasks.smoke_probe", "username": "nobody", "title": "x"}
    with pytest.raises(Exception):  # noqa: B017 - the user does not exist yet
        run_once(**kwargs)
    assert not TaskReceipt.objects.filter(key="probe-2").exists()
    UserFactory(username="nobody")
    assert run_once(**kwargs) is True
