import io

import pytest
from django.core.management import call_command
from django.db import transaction

from talent.models import Role, UnitKind
from talent.services.access import grant_role
from tests.factories import PersonFactory, UserFactory, make_unit


@pytest.fixture
def district(db):
    """九龙坡区 with two subdistricts, communities, a centre and a university."""
    d = make_unit("九龙坡区", kind=UnitKind.DISTRICT, code="jlp")
    jl = make_unit("九龙街道", parent=d, kind=UnitKind.SUBDISTRICT, code="jl")
    yjp = make_unit("杨家坪街道", parent=d, kind=UnitKind.SUBDISTRICT, code="yjp")
    return {
        "district": d,
        "jl": jl,
        "yjp": yjp,
        "panlong": make_unit("盘龙社区", parent=jl, code="jl-panlong"),
        "longquan": make_unit("龙泉社区", parent=jl, code="jl-longquan"),
        "xijiao": make_unit("西郊社区", parent=yjp, code="yjp-xijiao"),
        "swu": make_unit("西南大学", kind=UnitKind.UNIVERSITY, code="swu"),
        "cqcm": make_unit("重庆城市管理职业学院", kind=UnitKind.UNIVERSITY, code="cqcm"),
    }


@pytest.fixture
def user_with_role(db):
    def make(role: Role, unit, username=None):
        user = UserFactory(username=username) if username else UserFactory()
        grant_role(actor=None, user=user, role=role, unit=unit)
        return user

    return make


@pytest.fixture
def jl_hr(district, user_with_role):
    return user_with_role(Role.HR, district["jl"], "hr_jl")


@pytest.fixture
def people(district):
    return {
        "panlong": PersonFactory(unit=district["panlong"], name="张盘龙"),
        "longquan": PersonFactory(unit=district["longquan"], name="李龙泉"),
        "xijiao": PersonFactory(unit=district["xijiao"], name="王西郊"),
        "swu_student": PersonFactory(unit=district["swu"], name="赵西大", kind="intern"),
        "cqcm_student": PersonFactory(unit=district["cqcm"], name="钱城管", kind="intern"),
    }


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    """The demo, loaded once per test module (and per xdist worker) inside a
    transaction rolled back when the module ends: loading it takes 15–40 s, and
    each test still runs in a savepoint of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_module_demo, db):
    """The demo district, people, logins and pages (see ``_module_demo``)."""


@pytest.fixture
def private_media(settings, tmp_path):
    """Public and private media in a temporary folder, sent by Django itself
    (django-sendfile2's simple backend); yields the private root."""
    from django_sendfile.utils import _get_sendfile

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path / "private"
    settings.SENDFILE_BACKEND = "django_sendfile.backends.simple"
    _get_sendfile.cache_clear()
    yield tmp_path / "private"
    _get_sendfile.cache_clear()
