"""Demo practice bases and placements: 西南大学, 重庆城市管理职业学院 and
深圳市南山区社会组织创新苑 place students at 九龙街道 hosts; a cohort of 盘龙社区
community workers rotates 社区 → 社工中心 → 社工站 (轮岗实训).

Dates are relative to today so the demo always has a running term. Idempotent:
nothing is added once the demo rotation plan exists. Every change goes through
the placement services, as a coordinator or partner would make it.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from talent.demo.people import DEMO_PASSWORD
from talent.models import OrgUnit, Person, PersonKind, PracticeBase, RotationPlan, University
from talent.services import placements as svc

ROTATION_NAME = "2026年社区工作者轮岗实训（第二期）"
UNIVERSITIES = [
    ("swu", "西大", "罗老师", "023-68250000"),
    ("cqcm", "城管学院", "何老师", "023-65920000"),
    ("nsinno", "南山创新苑", "陈老师", "0755-26000000"),
]
# (university, host unit, base name, places per term, supervisor staff number)
BASES = [
    ("swu", "jl-centre", "西南大学·九龙社工中心实践基地", 6, "JL0301"),
    ("swu", "jl-panlong", "西南大学·盘龙社区实践基地", 3, "JL0302"),
    ("cqcm", "jl-station", "城管学院·九龙街道社工站实践基地", 5, "JL0303"),
    ("cqcm", "jl-caiyunhu", "城管学院·彩云湖社区实践基地", 3, "JL0304"),
    ("nsinno", "jl-studio-governance", "南山创新苑·社区治理社工室跟岗基地", 2, "JL0305"),
]
SCORES = [
    {"ethics": 5, "skills": 4, "communication": 5, "records": 4, "reflection": 4},
    {"ethics": 4, "skills": 4, "communication": 4, "records": 3, "reflection": 5},
    {"ethics": 5, "skills": 5, "communication": 4, "records": 4, "reflection": 5},
    {"ethics": 4, "skills": 3, "communication": 4, "records": 4, "reflection": 4},
]


def _user(username: str, *, person: Person | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def _evaluate(placement, parties, actors, offset=0):
    for i, party in enumerate(parties):
        svc.submit_evaluation(
            actor=actors[party],
            placement=placement,
            party=party,
            scores=SCORES[(i + offset) % len(SCORES)],
            comment={
                "self": "学会了个案访谈和需求评估，社区走访让我更理解居民。",
                "mentor": "态度认真，个案记录规范，小组活动带领还需多练习。",
                "host": "积极参与社区活动，与居民沟通良好。",
                "university": "实习目标达成，理论联系实际较好。",
            }[party],
        )


@transaction.atomic
def build() -> None:
    if RotationPlan.objects.filter(name=ROTATION_NAME).exists():
        return
    units = {u.code: u for u in OrgUnit.objects.all()}
    today = timezone.localdate()
    organiser = get_user_model().objects.get(username="zuzhi")
    partner = get_user_model().objects.get(username="gaoxiao")
    universities = {
        code: University.objects.get_or_create(
            unit=units[code],
            defaults={"short_name": short, "contact_name": contact, "contact_phone": phone},
        )[0]
        for code, short, contact, phone in UNIVERSITIES
    }
    # 南山创新苑 sends its own young staff for 跟岗 training
    for i in range(1, 4):
        Person.objects.get_or_create(
            staff_no=f"NSI{i:04d}",
            defaults={
                "name": ["林嘉欣", "黄子轩", "郑雨桐"][i - 1],
                "kind": PersonKind.INTERN,
                "unit": units["nsinno"],
            },
        )
    bases = {}
    for uni, host, name, capacity, supervisor in BASES:
        base, _created = PracticeBase.objects.get_or_create(
            university=universities[uni],
            host_unit=units[host],
            defaults={
                "name": name,
                # a four-year agreement around today, so the demo runs on any date
                "agreement_start": datetime.date(today.year - 2, 9, 1),
                "agreement_end": datetime.date(today.year + 2, 8, 31),
                "capacity_per_term": capacity,
            },
        )
        base.supervisors.add(Person.objects.get(staff_no=supervisor))
        bases[host] = base

    students = {
        prefix: list(Person.objects.filter(staff_no__startswith=prefix, kind=PersonKind.INTERN))
        for prefix in ("SWU", "CQCM", "NSI")
    }
    term_start = today - datetime.timedelta(days=63)
    term_end = today + datetime.timedelta(days=32)
    last_start = today - datetime.timedelta(days=63 + 182)
    last_end = last_start + datetime.timedelta(days=115)
    mentor = {p.staff_no: p for p in Person.objects.filter(staff_no__in=[b[4] for b in BASES])}

    def place(actor, person, host, start, end, hours, supervisor):
        placement = svc.propose_placement(
            actor=actor,
            person=person,
            base=bases[host],
            start=start,
            end=end,
            required_hours=hours,
        )
        return placement, mentor[supervisor]

    def run(placement, supervisor, *, finish=False):
        placement = svc.approve_placement(
            actor=organiser, placement=placement, supervisor=supervisor
        )
        placement = svc.start_placement(actor=organiser, placement=placement)
        if finish:
            placement = svc.complete_placement(actor=organiser, placement=placement)
        return placement

    # 西南大学: last term's interns at the centre, evaluated by all four parties
    daoshi = get_user_model().objects.get(username="daoshi")
    for n, student in enumerate(students["SWU"][:4]):
        p, sup = place(partner, student, "jl-centre", last_start, last_end, 160, "JL0301")
        p = run(p, sup, finish=True)
        actors = {
            "self": _user(student.staff_no.lower(), person=student),
            "mentor": daoshi,
            "host": organiser,
            "university": partner,
        }
        parties = ["self", "mentor", "host", "university"] if n < 3 else ["self", "host"]
        _evaluate(p, parties, actors, offset=n)
    # this term: six at the centre (one behind pace), two at 盘龙社区, one waiting
    for student in students["SWU"][4:10]:
        p, sup = place(partner, student, "jl-centre", term_start, term_end, 160, "JL0301")
        run(p, sup)
    for student in students["SWU"][10:12]:
        p, sup = place(partner, student, "jl-panlong", term_start, term_end, 120, "JL0302")
        run(p, sup)
    place(
        partner,
        students["SWU"][12],
        "jl-panlong",
        today + datetime.timedelta(days=7),
        term_end,
        80,
        "JL0302",
    )
    rejected, _sup = place(
        partner, students["SWU"][13], "jl-centre", term_start, term_end, 160, "JL0301"
    )
    svc.reject_placement(actor=organiser, placement=rejected, reason="该时段社工中心督导已满负荷")
    # 重庆城市管理职业学院: four at the station, two proposals at 彩云湖社区
    for student in students["CQCM"][:4]:
        p, sup = place(organiser, student, "jl-station", term_start, term_end, 120, "JL0303")
        run(p, sup)
    for student in students["CQCM"][4:6]:
        place(
            organiser,
            student,
            "jl-caiyunhu",
            term_start + datetime.timedelta(days=70),
            term_end,
            60,
            "JL0304",
        )
    # 南山创新苑: two 跟岗 trainees at the governance studio
    for student in students["NSI"][:2]:
        p, sup = place(
            organiser, student, "jl-studio-governance", term_start, term_end, 100, "JL0305"
        )
        run(p, sup)

    # Rotation 轮岗实训: six 盘龙社区 workers, 社区 → 社工中心 → 社工站
    cohort = list(Person.objects.filter(staff_no__in=[f"JL{n:04d}" for n in range(2, 8)]))
    plan = svc.create_rotation_plan(
        actor=organiser,
        name=ROTATION_NAME,
        start=today - datetime.timedelta(days=35),
        weekly_hours=20,
        people=cohort,
        stages=[(units["jl-jiulongyuan"], 4), (units["jl-centre"], 4), (units["jl-station"], 2)],
        supervisor=mentor["JL0301"],
    )
    for placement in plan.placements.order_by("start"):
        if placement.start <= today:
            placement = svc.start_placement(actor=organiser, placement=placement)
        if placement.end < today:
            svc.complete_placement(actor=organiser, placement=placement)
