"""Factories for practice hours, check-in sessions and salons."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from lms.models import (
    CheckInSession,
    LogStatus,
    Mentorship,
    PracticeLog,
    RoadshowSlot,
    Salon,
    SalonTheme,
    SessionKind,
)
from tests.factories import PersonFactory, UserFactory


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(PersonFactory)
    mentee = factory.SubFactory(PersonFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class PracticeLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeLog

    mentorship = factory.SubFactory(MentorshipFactory)
    person = factory.SelfAttribute("mentorship.mentee")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    hours = Decimal("2.0")
    activity = "入户走访"
    status = LogStatus.PENDING


class CheckInSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInSession

    kind = SessionKind.CLASS
    title = factory.Sequence(lambda n: f"签到活动{n}")
    owner = factory.SubFactory(UserFactory)
    planned_start = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=10))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + datetime.timedelta(hours=2))


class SalonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Salon

    cycle = factory.Sequence(lambda n: f"{2020 + n // 6}-{(n % 6) * 2 + 1:02d}")
    title = factory.Sequence(lambda n: f"第{n}期沙龙")
    theme = factory.LazyFunction(lambda: SalonTheme.objects.order_by("sort_order").first())
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    venue = "九龙社工中心"


class RoadshowSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadshowSlot

    salon = factory.SubFactory(SalonFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "路演"
