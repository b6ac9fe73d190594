import pytest

from talent.models import Role, UnitKind
from tests.factories import PersonFactory, UserFactory, make_unit
from tests.lms.factories_practice import MentorshipFactory


@pytest.fixture
def centre(district):
    """九龙社工中心 with three studios under 九龙街道."""
    centre = make_unit(
        "九龙社工中心", parent=district["jl"], kind=UnitKind.CENTRE, code="jl-centre"
    )
    studios = [
        make_unit(name, parent=centre, kind=UnitKind.STUDIO, code=code)
        for code, name in [
            ("s-elder", "老年关爱社工室"),
            ("s-youth", "青少年成长社工室"),
            ("s-family", "家庭服务社工室"),
        ]
    ]
    centre.refresh_from_db()
    return {"centre": centre, "studios": studios}


@pytest.fixture
def mentoring(district, user_with_role):
    """A mentor (with login) guiding two mentees (with logins), plus an outsider."""
    mentor_user = user_with_role(Role.MENTOR, district["jl"], "mentor1")
    mentor = PersonFactory(unit=district["jl"], name="周导师", user=mentor_user)
    mentees = []
    for i, unit in enumerate([district["panlong"], district["longquan"]]):
        user = UserFactory(username=f"mentee{i}")
        mentees.append(PersonFactory(unit=unit, name=f"学员{i}", user=user))
    mentorships = [MentorshipFactory(mentor=mentor, mentee=m) for m in mentees]
    other_mentor_user = user_with_role(Role.MENTOR, district["yjp"], "mentor2")
    other_mentor = PersonFactory(unit=district["yjp"], name="吴导师", user=other_mentor_user)
    outsider = PersonFactory(unit=district["xijiao"], name="外人", user=UserFactory(username="x1"))
    MentorshipFactory(mentor=other_mentor, mentee=outsider)
    return {
        "mentor": mentor,
        "mentor_user": mentor_user,
        "mentees": mentees,
        "mentorships": mentorships,
        "other_mentor_user": other_mentor_user,
        "outsider": outsider,
    }
