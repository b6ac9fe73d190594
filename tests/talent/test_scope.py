import pytest

from talent.models import Role
from talent.selectors.access import scope_for
from tests.factories import UserFactory


@pytest.mark.django_db
def test_subdistrict_hr_sees_own_subtree_only(district, people, jl_hr):
    scope = scope_for(jl_hr)
    names = set(scope.people().values_list("name", flat=True))
    assert names == {"张盘龙", "李龙泉"}
    assert scope.contains_unit(district["panlong"])
    assert not scope.contains_unit(district["xijiao"])
    assert not scope.contains_unit(district["district"])  # the parent is outside


@pytest.mark.django_db
def test_scope_is_loaded_with_one_query_and_cached(district, jl_hr, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope_for(jl_hr)
        scope_for(jl_hr)
        assert scope_for(jl_hr).contains_unit(district["longquan"])


@pytest.mark.django_db
def test_people_list_is_one_query_whatever_the_number_of_grants(
    district, people, user_with_role, django_assert_num_queries
):
    user = user_with_role(Role.HR, district["panlong"])
    user_with_role(Role.HR, district["xijiao"], user.username)
    scope = scope_for(user)
    with django_assert_num_queries(1):
        assert {p.name for p in scope.people()} == {"张盘龙", "王西郊"}


@pytest.mark.django_db
def test_nested_grants_collapse_to_the_outer_unit(district, user_with_role):
    user = user_with_role(Role.HR, district["jl"])
    user_with_role(Role.HR, district["panlong"], user.username)
    assert scope_for(user).paths == (district["jl"].path,)


@pytest.mark.django_db
def test_learner_and_partner_grants_do_not_open_admin_scope(district, user_with_role):
    learner = user_with_role(Role.LEARNER, district["jl"])
    partner = user_with_role(Role.PARTNER, district["swu"])
    assert scope_for(learner).is_empty
    assert scope_for(partner).is_empty
    assert scope_for(partner, roles=(Role.PARTNER,)).contains_unit(district["swu"])


@pytest.mark.django_db
def test_inactive_and_anonymous_users_see_nothing(district, jl_hr):
    from django.contrib.auth.models import AnonymousUser

    jl_hr.is_active = False
    assert scope_for(jl_hr).is_empty
    assert scope_for(AnonymousUser()).is_empty
    assert scope_for(AnonymousUser()).people().count() == 0


@pytest.mark.django_db
def test_superuser_sees_everything(district, people):
    root = UserFactory(username="root", is_superuser=True)
    assert scope_for(root).people().count() == len(people)


@pytest.mark.django_db
def test_partner_grant_must_be_on_a_university(district):
    from django.core.exceptions import ValidationError

    from talent.services.access import grant_role

    with pytest.raises(ValidationError):
        grant_role(actor=None, user=UserFactory(), role=Role.PARTNER, unit=district["jl"])
