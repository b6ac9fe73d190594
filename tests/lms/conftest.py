import pytest

from lms.services.programme import add_members
from talent.models import Role
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_programme import make_cohort, make_programme


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
