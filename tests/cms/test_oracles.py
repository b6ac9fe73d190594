"""No oracles (issue 13, findings 3 and 4): pickers list only the scope, a value
outside it is refused like an unknown one without its name ever appearing, and
"usage" pages of shared records name nothing of other subtrees."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lms.models import Cohort, Tier
from lms.services.programme import add_members
from talent.models import Post, Role
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(district):
    return PersonFactory(unit=district["xijiao"], name="外区秘人", staff_no="YJP9001")


def test_the_person_chooser_lists_and_finds_only_the_scope(client, jl_hr, people, outsider):
    client.force_login(jl_hr)
    results = reverse("talent_person_chooser:choose_results")
    listing = client.get(results).content.decode()
    assert "张盘龙" in listing and "盘龙社区" in listing and "李龙泉" in listing
    assert "王西郊" not in listing and "外区秘人" not in listing
    for query in ("YJP9001", "外区", "西郊社区"):
        assert "外区秘人" not in client.get(results, {"q": query}).content.decode()
    assert "张盘龙" in client.get(results, {"q": people["panlong"].staff_no}).content.decode()
    chosen = client.get(reverse("talent_person_chooser:chosen", args=[outsider.pk]))
    assert chosen.status_code == 404


def test_a_forged_out_of_scope_person_is_refused_without_showing_the_name(
    client, jl_hr, people, outsider
):
    client.force_login(jl_hr)
    form = {"mentee": people["panlong"].pk, "started_on": "2026-03-01"}
    forged = client.post(reverse("lms_mentorship:add"), form | {"mentor": outsider.pk})
    unknown = client.post(reverse("lms_mentorship:add"), form | {"mentor": 987654})
    assert forged.status_code == unknown.status_code == 200
    assert forged.context["form"].errors == unknown.context["form"].errors
    body = forged.content.decode()
    assert "外区秘人" not in body and "王西郊" not in body


def test_add_forms_no_longer_list_the_whole_directory(client, jl_hr, people, outsider):
    client.force_login(jl_hr)
    page = client.get(reverse("lms_mentorship:add")).content.decode()
    assert "外区秘人" not in page and "王西郊" not in page
    assert reverse("talent_person_chooser:choose") in page


def test_the_account_chooser_shows_people_by_name_never_by_login(client, district, jl_hr):
    user = UserFactory(username="zhang.login")
    PersonFactory(unit=district["panlong"], name="张有号", user=user)
    client.force_login(jl_hr)
    listing = client.get(reverse("talent_user_chooser:choose_results")).content.decode()
    assert "张有号" in listing and "盘龙社区" in listing and "zhang.login" not in listing
    chosen = client.get(reverse("talent_user_chooser:chosen", args=[user.pk])).json()
    assert chosen["result"]["title"] == "张有号（盘龙社区）"


def test_a_refusal_to_add_people_to_a_cohort_names_nobody(district, user_with_role, outsider):
    from tests.lms.factories_programme import make_cohort, make_programme

    organiser = user_with_role(Role.ORGANISER, district["jl"])
    cohort = make_cohort(make_programme()["tier"], district["jl"])
    with pytest.raises(PermissionDenied) as refusal:
        add_members(actor=organiser, cohort=cohort, people=[outsider])
    assert "外区秘人" not in str(refusal.value)


def test_usage_of_a_shared_post_names_no_one_of_another_subtree(
    client, district, user_with_role, people
):
    post = Post.objects.first()
    people["panlong"].post = post
    people["panlong"].save()
    client.force_login(user_with_role(Role.DISTRICT_ADMIN, district["yjp"]))
    response = client.get(reverse("talent_post:usage", args=[post.pk]))
    assert "张盘龙" not in response.content.decode()


def test_usage_of_a_shared_tier_names_no_cohort_of_another_subtree(
    client, district, user_with_role
):
    from tests.lms.factories_programme import make_cohort, make_programme

    tier = make_programme()["tier"]
    make_cohort(tier, district["jl"], name="九龙秘密班")
    client.force_login(user_with_role(Role.ORGANISER, district["yjp"]))
    response = client.get(reverse("lms_tier:usage", args=[tier.pk]))
    assert "九龙秘密班" not in response.content.decode()
    assert Cohort.objects.filter(name="九龙秘密班").exists() and Tier.objects.exists()
