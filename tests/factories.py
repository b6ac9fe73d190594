"""factory-boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model

from talent.models import OrgUnit, Person, PersonKind, UnitKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests")


def make_unit(name: str, *, parent: OrgUnit | None = None, kind=UnitKind.COMMUNITY, code=None):
    code = code or f"u{OrgUnit.objects.count() + 1}-{abs(hash(name)) % 100000}"
    if parent is None:
        return OrgUnit.add_root(name=name, code=code, kind=kind)
    parent.refresh_from_db()
    return parent.add_child(name=name, code=code, kind=kind)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    staff_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试人员{n}")
    kind = PersonKind.COMMUNITY_WORKER
