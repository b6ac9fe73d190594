"""Demo practice hours, check-in and salons for the 九龙 demo district.

Mentor ``daoshi`` (九龙社工中心督导) guides learner ``xueyuan`` and five other
community workers; two more centre social workers mentor their own groups.
Logs exist in every state, one mentor check-in session is open now, and the
centre has held a salon every two months this year with roadshow scores; the
next one is drafted and published. Idempotent: each part checks what exists.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from lms.models import (
    CheckInSession,
    LogStatus,
    Mentorship,
    PracticeLog,
    RoadshowSlot,
    RubricCriterion,
    Salon,
    SalonCalendarPage,
    SessionKind,
    SessionStatus,
    SignMethod,
)
from lms.services import checkin as checkin_services
from lms.services import practice as practice_services
from lms.services import salons as salon_services
from lms.services.salons import cycle_of, next_cycle
from talent import api as talent
from talent.demo.people import DEMO_PASSWORD

SEED = 6
ACTIVITIES = [
    "入户走访独居老人并完成需求评估",
    "协助开展社区议事会并整理会议纪要",
    "青少年四点半课堂小组活动带领",
    "个案会谈记录撰写与督导反馈",
    "社区志愿者招募与培训",
    "困境儿童家庭探访",
    "邻里节活动现场执行",
    "社区资源地图绘制",
]
# mentor staff no -> mentee staff nos
MENTORING = {
    "JL0301": ["JL0001", "JL0002", "JL0003", "JL0021", "JL0041", "JL0061"],
    "JL0281": ["JL0081", "JL0082", "JL0101", "JL0121"],
    "JL0282": ["JL0141", "JL0161", "JL0181", "JL0201"],
}
ROADSHOW_TITLES = [
    "“银龄互助”独居老人关爱计划",
    "“四点半课堂”青少年成长营",
    "楼栋自治议事会培育方案",
    "“家在九龙”亲子共学活动",
    "残障人士社区融合就业支持",
    "社区应急志愿队组建方案",
]


def _person(staff_no: str) -> talent.Person:
    return talent.Person.objects.select_related("unit", "user").get(staff_no=staff_no)


def _user(username: str):
    return get_user_model().objects.get(username=username)


@transaction.atomic
def build_mentorships() -> list[Mentorship]:
    """Pairs from MENTORING; the two other mentors get a login (daoshi81, daoshi82)."""
    User = get_user_model()
    for mentor_no in MENTORING:
        mentor = _person(mentor_no)
        if mentor.user_id is None:
            user, created = User.objects.get_or_create(username=f"daoshi{mentor_no[-2:]}")
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            mentor.user = user
            mentor.save(update_fields=["user"])
            talent.grant_role(actor=None, user=user, role=talent.Role.MENTOR, unit=mentor.unit)
    start = timezone.localdate() - datetime.timedelta(days=150)
    result = []
    for mentor_no, mentee_nos in MENTORING.items():
        mentor = _person(mentor_no)
        for mentee_no in mentee_nos:
            mentorship, _ = Mentorship.objects.get_or_create(
                mentor=mentor,
                mentee=_person(mentee_no),
                started_on=start,
                defaults={"goal": "完成导师帮带阶段 40 学时实践"},
            )
            result.append(mentorship)
    return result


@transaction.atomic
def build_logs(mentorships: list[Mentorship]) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    for mentorship in mentorships:
        if PracticeLog.objects.filter(person=mentorship.mentee).exists():
            continue
        signer = mentorship.mentor.user
        mentee_user = mentorship.mentee.user
        states = [LogStatus.SIGNED] * rng.randint(4, 7) + [LogStatus.PENDING] * rng.randint(1, 2)
        if rng.random() < 0.4:
            states.append(LogStatus.REJECTED)
        for index, status in enumerate(states):
            day = today - datetime.timedelta(days=7 * (len(states) - index) + rng.randint(0, 3))
            log = PracticeLog(
                person=mentorship.mentee,
                mentorship=mentorship,
                date=day,
                hours=Decimal(rng.choice(["1.5", "2", "2.5", "3", "4"])),
                activity=rng.choice(ACTIVITIES),
                status=status,
                created_by=mentee_user,
            )
            if status == LogStatus.SIGNED:
                log.signed_by = signer
                log.sign_method = rng.choice([SignMethod.MANUAL, SignMethod.QR])
                log.signed_at = now - datetime.timedelta(days=7 * (len(states) - index) - 1)
            if status == LogStatus.REJECTED:
                log.reject_reason = "活动内容描述过于简单，请补充服务对象和成效"
            log.save()
            if status == LogStatus.SIGNED:
                practice_services.credit_mentoring_hours(log=log)


@transaction.atomic
def build_open_session() -> CheckInSession:
    """daoshi's open mentor session; a few mentees are already in (not xueyuan)."""
    daoshi = _user("daoshi")
    existing = CheckInSession.objects.filter(
        owner=daoshi, kind=SessionKind.MENTOR_SESSION, status=SessionStatus.OPEN
    ).first()
    if existing:
        return existing
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=20)
    session = checkin_services.open_session(
        actor=daoshi,
        kind=SessionKind.MENTOR_SESSION,
        title="导师帮带：入户走访技巧与需求评估",
        planned_start=start,
        planned_end=start + datetime.timedelta(hours=2),
    )
    for staff_no in ("JL0002", "JL0003", "JL0021"):
        checkin_services.check_in(session=session, person=_person(staff_no))
    return session


def _past_cycles(today: datetime.date, count: int) -> list[datetime.date]:
    """First days of the ``count`` cycles before the next one, oldest first."""
    starts = []
    day = next_cycle(today)
    for _ in range(count):
        month = day.month - 2
        year = day.year - (month < 1)
        day = datetime.date(year, (month - 1) % 12 + 1, 1)
        starts.append(day)
    return list(reversed(starts))


def build_salons() -> None:
    rng = random.Random(SEED + 1)
    centre = talent.OrgUnit.objects.get(code="jl-centre")
    organiser = _user("zuzhi")
    judges = [_user("zuzhi"), _user("daoshi"), _user("renshi")]
    today = timezone.localdate()
    attendees = list(
        talent.Person.objects.filter(unit__path__startswith=centre.get_parent().path)
        .order_by("staff_no")
        .values_list("pk", flat=True)[:240]
    )
    criteria = list(RubricCriterion.objects.all())
    for number, start in enumerate(_past_cycles(today, 6), start=1):
        if Salon.objects.filter(centre=centre, cycle=cycle_of(start)).exists():
            continue
        with transaction.atomic():
            salon, _ = salon_services.draft_next_salon(
                centre=centre, today=start - datetime.timedelta(days=1)
            )
            salon.title = f"第{'一二三四五六'[number - 1]}期双月能力提升沙龙 · {salon.theme.name}"
            salon.save(update_fields=["title"])
            for slot in salon.slots.all():
                slot.title = rng.choice(ROADSHOW_TITLES)
                slot.presenter = (
                    talent.Person.objects.filter(unit=slot.studio).order_by("staff_no").first()
                )
                slot.save(update_fields=["title", "presenter"])
            salon.judges.set(judges)
            salon = salon_services.publish_salon(actor=organiser, salon=salon)
            if salon.ends_at < timezone.now():
                session = salon.check_in_session
                for pk in rng.sample(attendees, rng.randint(45, 70)):
                    checkin_services.check_in(
                        session=session,
                        person=talent.Person.objects.get(pk=pk),
                        at=salon.starts_at + datetime.timedelta(minutes=rng.randint(-15, 20)),
                    )
                checkin_services.close_session(actor=organiser, session=session)
                for slot in salon.slots.all():
                    for judge in judges:
                        salon_services.score_slot(
                            judge=judge,
                            slot=slot,
                            scores={
                                c.pk: Decimal(rng.randint(int(c.max_score * 0.6), c.max_score))
                                for c in criteria
                            },
                        )
    # the next cycle: drafted by the schedule's task, published by the organiser
    salon, _ = salon_services.draft_next_salon(centre=centre, today=today)
    if salon.status != "published":
        for slot in RoadshowSlot.objects.filter(salon=salon):
            slot.title = rng.choice(ROADSHOW_TITLES)
            slot.save(update_fields=["title"])
        salon.judges.set(judges)
        salon_services.publish_salon(actor=organiser, salon=salon)


def build_calendar_page() -> None:
    if SalonCalendarPage.objects.exists():
        return
    home = Page.objects.get(depth=2, url_path="/home/")
    home.add_child(
        instance=SalonCalendarPage(
            title="沙龙日历",
            slug="salons",
            show_in_menus=True,
            intro="<p>九龙社工中心每两个月举办一期能力提升沙龙，各社工室轮流路演，"
            "评委按评分量表现场打分；参加沙龙计入继续教育学时。</p>",
        )
    )


def build() -> None:
    mentorships = build_mentorships()
    build_logs(mentorships)
    build_open_session()
    build_salons()
    build_calendar_page()
