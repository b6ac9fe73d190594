"""Salon themes, the roadshow rubric and the drafting schedule (idempotent).

Used by migration 0002 and by ``lms.signals`` after a test flush.
"""

import datetime
from zoneinfo import ZoneInfo

THEMES = [
    ("方案制定", "服务方案的需求评估、目标与计划"),
    ("活动策划", "社区活动的设计、资源链接与宣传"),
    ("组织实施", "活动现场执行、风险预案与志愿者协作"),
    ("评估总结", "成效评估、案例总结与成果提炼"),
]
RUBRIC = [
    ("需求分析", 20),
    ("目标与方案设计", 25),
    ("专业方法运用", 20),
    ("可行性与资源整合", 20),
    ("现场表达", 15),
]
SCHEDULE_NAME = "lms.draft_next_salons"


def seed(apps, schema_editor=None):
    SalonTheme = apps.get_model("lms", "SalonTheme")
    RubricCriterion = apps.get_model("lms", "RubricCriterion")
    Schedule = apps.get_model("django_q", "Schedule")
    for order, (name, description) in enumerate(THEMES):
        SalonTheme.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
    for order, (name, max_score) in enumerate(RUBRIC):
        RubricCriterion.objects.get_or_create(
            name=name, defaults={"max_score": max_score, "sort_order": order}
        )
    # Monthly, on the 1st at 06:00; drafting is idempotent per two-month cycle,
    # so each cycle's salon appears about two months ahead, exactly once.
    today = datetime.date.today()
    first = datetime.datetime(today.year + (today.month == 12), today.month % 12 + 1, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    Schedule.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "lms.tasks.draft_next_salons",
            "schedule_type": "M",
            "repeats": -1,
            "next_run": first,
        },
    )


def seed_checkin_rules(apps, schema_editor=None):
    """One editable check-in and hours rule per session kind (issue 14 defaults:
    open 30 min before the start, close 15 min after the end, nearest 0.5 h,
    no credit below half the planned length)."""
    CheckInRule = apps.get_model("lms", "CheckInRule")
    for kind in ("salon", "class", "mentor_session", "placement_shift"):
        CheckInRule.objects.get_or_create(kind=kind)


REMINDER_SCHEDULE_NAME = "lms.remind_tomorrows_sign_ups"


def seed_reminder_schedule(apps, schema_editor=None):
    """Daily at 09:00 Asia/Shanghai: remind the people signed up for tomorrow's
    events (the task reminds each person once per event, however often it runs)."""
    Schedule = apps.get_model("django_q", "Schedule")
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.datetime.now(tz)
    first = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if first <= now:
        first += datetime.timedelta(days=1)
    Schedule.objects.get_or_create(
        name=REMINDER_SCHEDULE_NAME,
        defaults={
            "func": "lms.tasks.remind_tomorrows_sign_ups",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": first,
        },
    )


def unseed_reminder_schedule(apps, schema_editor=None):
    apps.get_model("django_q", "Schedule").objects.filter(name=REMINDER_SCHEDULE_NAME).delete()
