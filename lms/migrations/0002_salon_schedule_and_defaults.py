"""Seed the salon themes and roadshow rubric, and schedule salon drafting."""

from django.db import migrations

from lms.migrations._defaults import SCHEDULE_NAME, seed


def unseed(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_practice_checkin_salons"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
