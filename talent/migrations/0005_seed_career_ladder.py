"""Seed the default ladder 三岗二十一级 (docs/decisions/0006-career-ladder.md),
the promotion and certification policies, and the nightly snapshot schedule."""

from django.db import migrations


def seed(apps, schema_editor):
    from talent.seed import ensure_default_ladder

    ensure_default_ladder(apps)


def schedule_snapshots(apps, schema_editor):
    from talent.tasks import ensure_snapshot_schedule

    ensure_snapshot_schedule(apps.get_model("django_q", "Schedule"))


def unschedule_snapshots(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(
        name="talent.nightly_certification_snapshots"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0004_certification_and_career_ladder"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(schedule_snapshots, unschedule_snapshots),
    ]
