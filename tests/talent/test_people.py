import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from talent.models import Person, Role
from talent.selectors.access import scope_for
from talent.services.org import update_org_unit
from talent.services.people import save_person
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_national_id_is_masked():
    person = Person(national_id="500107199001011234")
    assert person.masked_national_id == "500*************34"
    assert Person(national_id="").masked_national_id == ""


@pytest.mark.django_db
def test_editing_a_person_writes_before_and_after(district, people, jl_hr):
    person = people["panlong"]
    person.phone = "13800000000"
    save_person(actor=jl_hr, person=person)
    entry = ModelLogEntry.objects.get(action="talent.person.edit", object_id=str(person.pk))
    assert entry.user == jl_hr
    assert entry.data["after"] == {"phone": "13800000000"}
    assert "phone" in entry.data["before"]


@pytest.mark.django_db
def test_hr_cannot_move_a_person_out_of_their_subtree(district, people, jl_hr):
    person = people["panlong"]
    person.unit = district["xijiao"]
    with pytest.raises(PermissionDenied):
        save_person(actor=jl_hr, person=person)
    person.refresh_from_db()
    assert person.unit == district["panlong"]
    assert not ModelLogEntry.objects.filter(action="talent.person.edit").exists()


@pytest.mark.django_db
def test_hr_cannot_edit_a_person_of_another_subdistrict(district, people, jl_hr):
    person = Person.objects.get(pk=people["xijiao"].pk)
    person.unit = district["panlong"]  # "pull" them in: still refused, the stored unit counts
    with pytest.raises(PermissionDenied):
        save_person(actor=jl_hr, person=person)


@pytest.mark.django_db
def test_learner_without_permission_cannot_create_people(district, user_with_role):
    learner = user_with_role(Role.LEARNER, district["jl"])
    with pytest.raises(PermissionDenied):
        save_person(actor=learner, person=PersonFactory.build(unit=district["panlong"]))


@pytest.mark.django_db
def test_district_admin_moves_a_unit_and_its_people_follow(district, people, user_with_role):
    admin = user_with_role(Role.DISTRICT_ADMIN, district["district"])
    unit = district["panlong"]
    update_org_unit(actor=admin, unit=unit, parent=district["yjp"])
    unit.refresh_from_db()
    assert unit.get_parent() == district["yjp"]
    jl_hr = user_with_role(Role.HR, district["jl"])
    moved = Person.objects.select_related("unit").get(pk=people["panlong"].pk)
    assert not scope_for(jl_hr).contains_person(moved)
    entry = ModelLogEntry.objects.get(action="talent.orgunit.edit")
    assert entry.data["after"]["parent_id"] == district["yjp"].pk


@pytest.mark.django_db
def test_a_unit_cannot_move_under_its_own_child(district, user_with_role):
    from django.core.exceptions import ValidationError

    admin = user_with_role(Role.DISTRICT_ADMIN, district["district"])
    with pytest.raises(ValidationError):
        update_org_unit(actor=admin, unit=district["jl"], parent=district["panlong"])
