"""Accounts linked to a person carry that person's 姓名 as their full name, so Wagtail's
own chrome (sidebar, dashboard, history) names people, not logins. Idempotent; later
writes keep it so through ``talent.services.people.sync_account_names``."""

from django.conf import settings
from django.db import migrations


def name_accounts(apps, schema_editor):
    Person = apps.get_model("talent", "Person")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for person in Person.objects.filter(user__isnull=False).only("name", "user_id"):
        User.objects.filter(pk=person.user_id).exclude(
            first_name=person.name, last_name=""
        ).update(first_name=person.name, last_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0009_exam_cycle_and_registration"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(name_accounts, migrations.RunPython.noop)]
