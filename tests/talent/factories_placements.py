"""Factories for universities, practice bases and placements."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from talent.models import (
    Placement,
    PlacementKind,
    PlacementStatus,
    PracticeBase,
    University,
)


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ("unit",)


class PracticeBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeBase

    name = factory.Sequence(lambda n: f"实践基地{n}")
    agreement_start = datetime.date(2025, 9, 1)
    # runs past today whatever the date, so shifts built from today fall inside it
    agreement_end = factory.LazyFunction(
        lambda: datetime.date(timezone.localdate().year + 3, 8, 31)
    )
    capacity_per_term = 2


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    kind = PlacementKind.INTERN
    host_unit = factory.LazyAttribute(lambda p: p.base.host_unit)
    start = datetime.date(2026, 3, 2)
    end = datetime.date(2026, 6, 26)
    required_hours = Decimal("120")
    status = PlacementStatus.PROPOSED
