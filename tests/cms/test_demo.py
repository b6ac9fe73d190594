import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from talent.models import OrgUnit, Person, Role, ScopeGrant
from talent.selectors.access import scope_for


@pytest.mark.django_db
def test_demo_is_idempotent_and_believable(demo):
    counts = (Person.objects.count(), OrgUnit.objects.count(), ScopeGrant.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Person.objects.count(), OrgUnit.objects.count(), ScopeGrant.objects.count()) == counts
    assert 380 <= counts[0] <= 500
    jiulong = OrgUnit.objects.get(name="九龙街道")
    communities = OrgUnit.objects.filter(path__startswith=jiulong.path, kind="community")
    assert communities.count() >= 12
    for name in ("西南大学", "重庆城市管理职业学院", "深圳市南山区社会组织创新苑", "九龙社工中心"):
        assert OrgUnit.objects.filter(name=name).exists()


@pytest.mark.django_db
def test_each_demo_login_sees_exactly_its_scope(demo):
    User = get_user_model()
    hr = User.objects.get(username="renshi")
    jiulong = OrgUnit.objects.get(name="九龙街道")
    seen = scope_for(hr).people()
    assert seen.count() == Person.objects.filter(unit__path__startswith=jiulong.path).count()
    assert not seen.filter(unit__name="西郊社区").exists()
    district_admin = User.objects.get(username="quji")
    assert scope_for(district_admin).people().filter(unit__name="西郊社区").exists()
    assert not scope_for(district_admin).people().filter(unit__name="西南大学社会工作系").exists()
    partner = User.objects.get(username="gaoxiao")
    students = scope_for(partner, roles=(Role.PARTNER,)).people()
    assert students.count() == 18 and set(students.values_list("kind", flat=True)) == {"intern"}
