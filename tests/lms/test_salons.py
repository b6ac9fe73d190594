import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from lms.models import RoadshowScore, RoadshowSlot, RubricCriterion, Salon, SalonStatus
from lms.selectors.salons import ranking, salon_calendar
from lms.services import checkin as checkin_services
from lms.services import salons as services
from lms.tasks import draft_next_salons
from talent.models import CEHourEntry, Role
from tests.factories import PersonFactory, UserFactory
from tests.lms.factories_practice import RoadshowSlotFactory, SalonFactory

pytestmark = pytest.mark.django_db


def test_cycles_are_two_months_named_by_their_odd_month():
    assert services.cycle_of(datetime.date(2026, 11, 23)) == "2026-11"
    assert services.cycle_of(datetime.date(2026, 12, 31)) == "2026-11"
    assert services.next_cycle(datetime.date(2026, 11, 23)) == datetime.date(2027, 1, 1)
    assert services.next_cycle(datetime.date(2027, 2, 1)) == datetime.date(2027, 3, 1)
    assert services.salon_day(datetime.date(2027, 1, 1)) == datetime.date(2027, 1, 21)


def test_drafting_is_idempotent(centre):
    today = datetime.date(2026, 11, 23)
    salon, created = services.draft_next_salon(centre=centre["centre"], today=today)
    again, created_again = services.draft_next_salon(centre=centre["centre"], today=today)
    assert created and not created_again
    assert salon.pk == again.pk
    assert salon.cycle == "2027-01"
    assert salon.status == SalonStatus.DRAFT
    assert Salon.objects.count() == 1
    assert salon.slots.count() == 3


def test_studios_rotate_longest_ago_first(centre):
    elder, youth, family = centre["studios"]
    extra = centre["centre"].add_child(name="社区治理社工室", code="s-gov", kind="studio")
    earlier = SalonFactory(
        centre=centre["centre"], starts_at=timezone.now() - datetime.timedelta(days=120)
    )
    later = SalonFactory(
        centre=centre["centre"], starts_at=timezone.now() - datetime.timedelta(days=60)
    )
    RoadshowSlotFactory(salon=earlier, studio=family, order=1)
    RoadshowSlotFactory(salon=later, studio=elder, order=1)
    RoadshowSlotFactory(salon=later, studio=youth, order=2)
    order = [s.name for s in services.studios_in_rotation(centre["centre"])]
    # never presented first, then family (120 days ago), then elder/youth (60 days)
    assert order[0] == extra.name
    assert order[1] == family.name
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    assert [s.studio.name for s in salon.slots.order_by("order")] == order[:3]


def test_themes_rotate_least_recently_used(centre):
    first, _ = services.draft_next_salon(centre=centre["centre"], today=datetime.date(2026, 1, 5))
    second, _ = services.draft_next_salon(centre=centre["centre"], today=datetime.date(2026, 3, 5))
    assert first.theme != second.theme


def test_schedule_exists_and_the_task_drafts_once(centre):
    schedule = Schedule.objects.get(name="lms.draft_next_salons")
    assert schedule.func == "lms.tasks.draft_next_salons"
    assert schedule.schedule_type == Schedule.MONTHLY
    assert len(draft_next_salons()) == 1
    assert draft_next_salons() == []
    assert Salon.objects.count() == 1


def test_publish_opens_check_in_and_closing_credits_ce_hours(centre, district, user_with_role):
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    salon = services.publish_salon(actor=organiser, salon=salon)
    assert salon.status == SalonStatus.PUBLISHED
    session = salon.check_in_session
    people = PersonFactory.create_batch(3, unit=district["panlong"])
    for person in people:
        checkin_services.check_in(session=session, person=person, at=salon.starts_at)
    with time_machine.travel(salon.ends_at, tick=False):
        checkin_services.close_session(actor=organiser, session=session)
    entries = CEHourEntry.objects.filter(source="salon", source_ref=f"salon:{salon.pk}")
    assert entries.count() == 3
    assert {e.hours for e in entries} == {salon.ce_hours}


def test_organiser_of_another_subdistrict_cannot_publish(centre, district, user_with_role):
    outsider = user_with_role(Role.ORGANISER, district["yjp"])
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    with pytest.raises(PermissionDenied):
        services.publish_salon(actor=outsider, salon=salon)
    salon.refresh_from_db()
    assert salon.status == SalonStatus.DRAFT


def _scores(total_fraction):
    return {
        c.pk: Decimal(round(c.max_score * total_fraction)) for c in RubricCriterion.objects.all()
    }


def test_judges_score_and_ranking_orders_by_average(centre):
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    judges = UserFactory.create_batch(2)
    salon.judges.set(judges)
    a, b, c = salon.slots.order_by("order")
    with time_machine.travel(salon.starts_at):
        services.score_slot(judge=judges[0], slot=a, scores=_scores(0.6))
        services.score_slot(judge=judges[1], slot=a, scores=_scores(0.8))
        services.score_slot(judge=judges[0], slot=b, scores=_scores(0.9))
        services.score_slot(judge=judges[0], slot=b, scores=_scores(0.9))  # re-score replaces
    result = ranking(salon)
    assert [(r.slot, r.rank, r.average, r.judges) for r in result] == [
        (b, 1, Decimal("90.0"), 1),
        (a, 2, Decimal("70.0"), 2),
        (c, None, None, 0),
    ]


def test_score_validation(centre):
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    judge = UserFactory()
    slot = salon.slots.first()
    with pytest.raises(PermissionDenied):
        services.score_slot(judge=judge, slot=slot, scores=_scores(0.5))
    salon.judges.add(judge)
    too_high = _scores(0.5)
    first = RubricCriterion.objects.first()
    too_high[first.pk] = Decimal(first.max_score + 1)
    with pytest.raises(ValidationError):
        services.score_slot(judge=judge, slot=slot, scores=too_high)
    missing = _scores(0.5)
    missing.pop(first.pk)
    with pytest.raises(ValidationError):
        services.score_slot(judge=judge, slot=slot, scores=missing)
    assert not slot.scores.exists()


def test_salon_pages(client, centre, district, user_with_role, django_assert_max_num_queries):
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    services.publish_salon(actor=organiser, salon=salon)
    judge = UserFactory()
    salon.judges.add(judge)
    draft = SalonFactory(centre=centre["centre"], title="未发布的沙龙")
    assert client.get(reverse("lms:salon_detail", args=[draft.pk])).status_code == 404
    with django_assert_max_num_queries(8):
        page = client.get(reverse("lms:salon_detail", args=[salon.pk]))
    assert "老年关爱社工室" in page.content.decode()
    client.force_login(judge)
    slot = salon.slots.first()
    url = reverse("lms:salon_score", args=[salon.pk, slot.pk])
    assert client.get(url).status_code == 302  # before the salon starts: back to the salon
    data = {f"c{c.pk}": str(c.max_score) for c in RubricCriterion.objects.all()}
    with time_machine.travel(salon.starts_at):
        client.force_login(judge)  # the login session of weeks ago has expired by then
        assert client.get(url).status_code == 200
        assert client.post(url, data).status_code == 302
    assert slot.scores.count() == RubricCriterion.objects.count()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_calendar_splits_upcoming_and_past_in_constant_queries(centre, django_assert_num_queries):
    def add(n):
        for i in range(n):
            salon = SalonFactory(
                centre=centre["centre"],
                status=SalonStatus.PUBLISHED,
                starts_at=timezone.now() + datetime.timedelta(days=60 * (i % 3 - 1) + i),
            )
            RoadshowSlot.objects.create(salon=salon, order=1, studio=centre["studios"][0])

    add(3)
    with django_assert_num_queries(2):
        small = salon_calendar()
        [list(s.slots.all()) for s in small["upcoming"] + small["past"]]
    add(30)
    with django_assert_num_queries(2):
        big = salon_calendar()
        [list(s.slots.all()) for s in big["upcoming"] + big["past"]]
    assert len(big["upcoming"]) + len(big["past"]) == 33
    assert all(s.ends_at < timezone.now() for s in big["past"])


def test_judges_cannot_score_seven_weeks_before_the_salon(centre, district, user_with_role):
    """False record: judges scored a roadshow seven weeks before the salon."""
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    salon.starts_at = timezone.now() + datetime.timedelta(weeks=7)
    salon.ends_at = salon.starts_at + datetime.timedelta(hours=2)
    salon.save()
    judge = UserFactory()
    salon.judges.add(judge)
    slot = salon.slots.first()
    with pytest.raises(ValidationError, match="评分将于沙龙开始时"):
        services.score_slot(judge=judge, slot=slot, scores=_scores(0.5))
    assert not slot.scores.exists()
    with time_machine.travel(salon.starts_at + datetime.timedelta(minutes=1)):
        services.score_slot(judge=judge, slot=slot, scores=_scores(0.5))
    assert slot.scores.exists()


def test_learners_see_the_ranking_only_after_scoring_closes(
    client, centre, district, user_with_role
):
    """False record: learners saw the roadshow ranking before the salon happened."""
    organiser = user_with_role(Role.ORGANISER, district["jl"])
    salon, _ = services.draft_next_salon(centre=centre["centre"])
    salon = services.publish_salon(actor=organiser, salon=salon)
    judge = UserFactory()
    salon.judges.add(judge)
    RoadshowScore.objects.create(
        slot=salon.slots.first(), judge=judge, criterion=RubricCriterion.objects.first(), score=9
    )  # a score that slipped in: still not shown
    url = reverse("lms:salon_detail", args=[salon.pk])
    page = client.get(url).content.decode()
    assert "平均得分" not in page and "组织者截止评分后公布排名" in page
    with pytest.raises(ValidationError):
        services.close_scoring(actor=organiser, salon=salon)  # not started yet
    with time_machine.travel(salon.ends_at):
        services.close_scoring(actor=organiser, salon=salon)
        with pytest.raises(ValidationError, match="已截止"):
            services.score_slot(judge=judge, slot=salon.slots.first(), scores=_scores(0.5))
    assert "平均得分" in client.get(url).content.decode()
