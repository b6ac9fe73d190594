import pytest

from lms.services.programme import add_members
from talent.models import Role, UnitKind
from tests.factories import PersonFactory, UserFactory, make_unit
from tests.lms.factories_practice import MentorshipFactory
from tests.lms.factories_programme import make_cohort, make_programme


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


@pytest.fixture
def learner_user(district):
    """张盘龙, a community worker of 盘龙社区 with a login."""
    user = UserFactory(username="learner")
    PersonFactory(unit=district["panlong"], name="张盘龙", user=user)
    return user


@pytest.fixture
def learner(learner_user):
    return learner_user.person


@pytest.fixture
def other_learner(district):
    user = UserFactory(username="other")
    return PersonFactory(unit=district["longquan"], name="李龙泉", user=user)


@pytest.fixture
def mentor_user(district, user_with_role):
    user = user_with_role(Role.MENTOR, district["jl"], "mentor")
    PersonFactory(unit=district["jl"], name="王导师", kind="social_worker", user=user)
    return user


@pytest.fixture
def stranger_mentor(district, user_with_role):
    """A mentor who mentors no cohort of the learner."""
    user = user_with_role(Role.MENTOR, district["jl"], "mentor2")
    PersonFactory(unit=district["jl"], name="赵导师", kind="social_worker", user=user)
    return user


@pytest.fixture
def organiser(district, user_with_role):
    return user_with_role(Role.ORGANISER, district["jl"], "organiser_jl")


@pytest.fixture
def district_organiser(district, user_with_role):
    """An organiser whose scope is the whole district: shared catalogues are theirs."""
    return user_with_role(Role.ORGANISER, district["district"], "organiser_district")


@pytest.fixture
def yjp_organiser(district, user_with_role):
    return user_with_role(Role.ORGANISER, district["yjp"], "organiser_yjp")


@pytest.fixture
def programme(db):
    return make_programme()


@pytest.fixture
def cohort(programme, district, learner, other_learner, mentor_user):
    cohort = make_cohort(programme["tier"], district["jl"], mentors=[mentor_user.person])
    add_members(actor=None, cohort=cohort, people=[learner, other_learner])
    return cohort
