import pytest

from talent.models import Role
from tests.factories import PersonFactory

from .factories_placements import PracticeBaseFactory, UniversityFactory


@pytest.fixture
def bases(district, user_with_role):
    """西南大学 and 重庆城市管理职业学院 each with a base in 九龙街道, one partner
    login per university and a 九龙街道 coordinator."""
    swu = UniversityFactory(unit=district["swu"])
    cqcm = UniversityFactory(unit=district["cqcm"])
    return {
        "swu": swu,
        "cqcm": cqcm,
        "panlong": PracticeBaseFactory(
            university=swu, host_unit=district["panlong"], name="盘龙社区实践基地"
        ),
        "longquan": PracticeBaseFactory(
            university=swu, host_unit=district["longquan"], name="龙泉社区实践基地"
        ),
        "cqcm_panlong": PracticeBaseFactory(
            university=cqcm, host_unit=district["panlong"], name="盘龙社区实践基地（城管）"
        ),
        "xijiao": PracticeBaseFactory(
            university=swu, host_unit=district["xijiao"], name="西郊社区实践基地"
        ),
        "swu_partner": user_with_role(Role.PARTNER, district["swu"], "partner_swu"),
        "cqcm_partner": user_with_role(Role.PARTNER, district["cqcm"], "partner_cqcm"),
        "coordinator": user_with_role(Role.ORGANISER, district["jl"], "coord_jl"),
        "yjp_coordinator": user_with_role(Role.ORGANISER, district["yjp"], "coord_yjp"),
    }


@pytest.fixture
def students(district):
    return [
        PersonFactory(unit=district["swu"], name=f"西大学生{i}", kind="intern") for i in range(4)
    ]
