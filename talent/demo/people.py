"""Demo district: 九龙坡区 → 九龙街道 → communities, the 九龙社工中心 and its studios,
partner universities, ~400 people with generated names, and one login per role.

Idempotent: units are keyed by code, people by staff number, logins by username.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from talent.models import OrgUnit, Person, PersonKind, Role, UnitKind
from talent.services.access import grant_role
from talent.services.people import sync_account_names

DEMO_PASSWORD = "jiulong2026"
SEED = 20261123

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢傅钟"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬斌浩宇欣怡雪梅建国晓东思远佳琪子涵"
    "雨婷俊杰文博嘉怡晨曦梓萱一鸣海燕春华志强"
)

JIULONG_COMMUNITIES = [
    ("jl-panlong", "盘龙社区"),
    ("jl-jiulongyuan", "九龙园社区"),
    ("jl-longquan", "龙泉社区"),
    ("jl-caiyunhu", "彩云湖社区"),
    ("jl-xincheng", "九龙新城社区"),
    ("jl-tanzikou", "滩子口社区"),
    ("jl-keyuan", "科园社区"),
    ("jl-chaoyang", "朝阳社区"),
    ("jl-jinlong", "金龙社区"),
    ("jl-hongguang", "红光社区"),
    ("jl-xinglong", "兴隆社区"),
    ("jl-huayan", "华岩社区"),
]
STUDIOS = [
    ("jl-studio-elder", "老年关爱社工室"),
    ("jl-studio-youth", "青少年成长社工室"),
    ("jl-studio-governance", "社区治理社工室"),
    ("jl-studio-family", "家庭服务社工室"),
    ("jl-studio-disability", "残障支持社工室"),
]
OTHER_SUBDISTRICTS = [
    ("yjp", "杨家坪街道", [("yjp-xijiao", "西郊社区"), ("yjp-dongcun", "东村社区")]),
    ("xjw", "谢家湾街道", [("xjw-huayu", "华玉社区"), ("xjw-zhengjie", "正街社区")]),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role | None
    unit_code: str
    description: str
    person_staff_no: str | None = None
    # the account's own name, for logins with no person (partner staff, district, admin)
    full_name: str = ""


DEMO_LOGINS = [
    DemoLogin("xueyuan", Role.LEARNER, "jl-panlong", "学员（盘龙社区社区工作者）", "JL0001"),
    DemoLogin(
        "shequ", Role.LEARNER, "jl-panlong", "社区主任（盘龙社区社区正职，看本社区团队）", "JL0002"
    ),
    DemoLogin("daoshi", Role.MENTOR, "jl-centre", "导师（九龙社工中心督导）", "JL0301"),
    DemoLogin("renshi", Role.HR, "jl", "人事专员（九龙街道）", "JL0399"),
    DemoLogin("zuzhi", Role.ORGANISER, "jl", "培训组织者（九龙社工中心）", "JL0398"),
    DemoLogin("gaoxiao", Role.PARTNER, "swu", "高校合作方（西南大学）", full_name="周敏"),
    DemoLogin("quji", Role.DISTRICT_ADMIN, "jlp", "区级管理员（九龙坡区）", full_name="刘建国"),
    DemoLogin("admin", None, "jlp", "系统管理员（全部权限）", full_name="系统管理员"),
]


# Names of the logins that have no person record of their own.
LOGIN_NAMES = {"gaoxiao": "王晓红", "quji": "陈志远", "admin": "系统管理员"}


def _unit(parent: OrgUnit | None, code: str, name: str, kind: str) -> OrgUnit:
    existing = OrgUnit.objects.filter(code=code).first()
    if existing:
        return existing
    if parent is None:
        return OrgUnit.add_root(code=code, name=name, kind=kind)
    parent.refresh_from_db()
    return parent.add_child(code=code, name=name, kind=kind)


def build_org_tree() -> dict[str, OrgUnit]:
    district = _unit(None, "jlp", "九龙坡区", UnitKind.DISTRICT)
    jiulong = _unit(district, "jl", "九龙街道", UnitKind.SUBDISTRICT)
    for code, name in JIULONG_COMMUNITIES:
        _unit(jiulong, code, name, UnitKind.COMMUNITY)
    centre = _unit(jiulong, "jl-centre", "九龙社工中心", UnitKind.CENTRE)
    for code, name in STUDIOS:
        _unit(centre, code, name, UnitKind.STUDIO)
    _unit(jiulong, "jl-station", "九龙街道社工站", UnitKind.STATION)
    for code, name, communities in OTHER_SUBDISTRICTS:
        sub = _unit(district, code, name, UnitKind.SUBDISTRICT)
        for c_code, c_name in communities:
            _unit(sub, c_code, c_name, UnitKind.COMMUNITY)
    swu = _unit(None, "swu", "西南大学", UnitKind.UNIVERSITY)
    _unit(swu, "swu-sociology", "西南大学社会工作系", UnitKind.UNIVERSITY)
    cqcm = _unit(None, "cqcm", "重庆城市管理职业学院", UnitKind.UNIVERSITY)
    _unit(cqcm, "cqcm-social", "重庆城市管理职业学院社会工作专业", UnitKind.UNIVERSITY)
    _unit(None, "nsinno", "深圳市南山区社会组织创新苑", UnitKind.SOCIAL_ORG)
    return {u.code: u for u in OrgUnit.objects.all()}


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def _roster(units: dict[str, OrgUnit]) -> list[tuple[str, str, str]]:
    """(staff_no, kind, unit_code) for every demo person, in a fixed order."""
    rows: list[tuple[str, str, str]] = []
    n = 0

    def add(prefix, kind, code, count):
        nonlocal n
        for _ in range(count):
            n += 1
            rows.append((f"{prefix}{n:04d}", kind, code))

    # 九龙街道: 12 communities × 20 community workers, grid workers, centre staff
    for code, _label in JIULONG_COMMUNITIES:
        add("JL", PersonKind.COMMUNITY_WORKER, code, 20)
    for code, _label in JIULONG_COMMUNITIES[:8]:
        add("JL", PersonKind.GRID_WORKER, code, 5)
    add("JL", PersonKind.SOCIAL_WORKER, "jl-centre", 12)
    for code, _label in STUDIOS:
        add("JL", PersonKind.SOCIAL_WORKER, code, 4)
    add("JL", PersonKind.SOCIAL_WORKER, "jl-station", 6)
    add("JL", PersonKind.EXPERT, "jl-centre", 3)
    add("JL", PersonKind.VOLUNTEER, "jl-station", 6)
    # staff numbers 0398/0399 belong to the organiser and HR officer
    while n < 397:
        add("JL", PersonKind.COMMUNITY_WORKER, "jl-xincheng", 1)
    add("JL", PersonKind.SOCIAL_WORKER, "jl-centre", 1)
    add("JL", PersonKind.COMMUNITY_WORKER, "jl", 1)
    # Other subdistricts, so scope has something to hide
    n = 0
    for _code, _sub, communities in OTHER_SUBDISTRICTS:
        for c_code, _c in communities:
            add("QT", PersonKind.COMMUNITY_WORKER, c_code, 8)
    # University students (interns)
    n = 0
    add("SWU", PersonKind.INTERN, "swu-sociology", 18)
    n = 0
    add("CQCM", PersonKind.INTERN, "cqcm-social", 14)
    n = 0
    add("NS", PersonKind.EXPERT, "nsinno", 3)
    return rows


@transaction.atomic
def build_people(units: dict[str, OrgUnit]) -> int:
    rng = random.Random(SEED)
    existing = set(Person.objects.values_list("staff_no", flat=True))
    used_names: set[str] = set()
    new = []
    for staff_no, kind, code in _roster(units):
        name = _name(rng, used_names)
        gender = rng.choice("FFM")
        joined = datetime.date(rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28))
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
        if staff_no in existing:
            continue
        new.append(
            Person(
                staff_no=staff_no,
                name=name,
                kind=kind,
                unit=units[code],
                gender=gender,
                phone=phone,
                joined_on=joined if kind != PersonKind.INTERN else None,
            )
        )
    Person.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def build_logins(units: dict[str, OrgUnit]) -> list[DemoLogin]:
    User = get_user_model()
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.email = f"{login.username}@demo.jiulong.example"
        if login.role is None:
            user.is_staff = user.is_superuser = True
        if login.full_name:
            user.first_name = login.full_name
        user.save()
        if login.person_staff_no:
            Person.objects.filter(staff_no=login.person_staff_no).update(user=user)
        # People read names, never logins: the account's name is its person's, or
        # a name of its own for a login without a person record.
        if not user.first_name:
            person = Person.objects.filter(staff_no=login.person_staff_no or "").first()
            user.first_name = person.name if person else LOGIN_NAMES.get(login.username, "")
            user.save(update_fields=["first_name"])
        if login.role is not None:
            grant_role(actor=None, user=user, role=login.role, unit=units[login.unit_code])
    # The learner is also a learner of the mentor's programme; the mentor holds
    # learner rights too, so both see the phone pages.
    daoshi = User.objects.get(username="daoshi")
    grant_role(actor=None, user=daoshi, role=Role.LEARNER, unit=units["jl-centre"])
    sync_account_names()
    return DEMO_LOGINS


def build() -> dict[str, OrgUnit]:
    units = build_org_tree()
    build_people(units)
    build_logins(units)
    return units
