"""Seed the default ladder 三岗二十一级 (docs/decisions/0005-career-ladder.md),
the promotion and certification policies, and the nightly snapshot schedule."""

from decimal import Decimal

from django.db import migrations

CHINESE_NUMBERS = "一二三四五六七八九十"

POSTS = [
    # code, name, rank, min grade, max grade
    ("other", "其他社区工作者", 1, 1, 15),
    ("deputy", "社区副职", 2, 4, 18),
    ("head", "社区正职", 3, 7, 21),
]


def grade_name(number: int) -> str:
    if number <= 10:
        word = CHINESE_NUMBERS[number - 1] if number < 10 else "十"
    elif number < 20:
        word = "十" + CHINESE_NUMBERS[number - 11]
    else:
        word = "二十" + (CHINESE_NUMBERS[number - 21] if number > 20 else "")
    return f"{word}级"


def seed(apps, schema_editor):
    Grade = apps.get_model("talent", "Grade")
    Post = apps.get_model("talent", "Post")
    PromotionPolicy = apps.get_model("talent", "PromotionPolicy")
    CertificationPolicy = apps.get_model("talent", "CertificationPolicy")
    for number in range(1, 22):
        # 1.00 at grade 1, +0.05 per grade: grade 21 earns twice grade 1.
        Grade.objects.get_or_create(
            number=number,
            defaults={
                "name": grade_name(number),
                "pay_coefficient": Decimal("1.00") + Decimal("0.05") * (number - 1),
            },
        )
    for code, name, rank, low, high in POSTS:
        Post.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "min_grade": low, "max_grade": high}
        )
    if not PromotionPolicy.objects.exists():
        PromotionPolicy.objects.create()
    if not CertificationPolicy.objects.exists():
        CertificationPolicy.objects.create()


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
