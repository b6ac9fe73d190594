"""Bimonthly salons: drafting with fair presenter rotation, publishing, scoring."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.models import (
    RoadshowScore,
    RoadshowSlot,
    RubricCriterion,
    Salon,
    SalonStatus,
    SalonTheme,
    SessionKind,
)
from talent import api as talent

from .checkin import open_session

SLOTS_PER_SALON = 3
SALON_START = datetime.time(14, 30)
SALON_LENGTH = datetime.timedelta(hours=2, minutes=30)


def cycle_of(day: datetime.date) -> str:
    """The two-month cycle a day falls in, named by its first (odd) month."""
    month = day.month if day.month % 2 else day.month - 1
    return f"{day.year}-{month:02d}"


def next_cycle(day: datetime.date) -> datetime.date:
    """First day of the cycle after the one ``day`` falls in."""
    month = (day.month if day.month % 2 else day.month - 1) + 2
    year = day.year + (month > 12)
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def salon_day(cycle_start: datetime.date) -> datetime.date:
    """Salons meet on the third Thursday of a cycle's first month."""
    first_thursday = cycle_start + datetime.timedelta(days=(3 - cycle_start.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=2)


def studios_in_rotation(centre: talent.OrgUnit) -> list[talent.OrgUnit]:
    """The centre's active studios, whoever presented longest ago (or never) first.

    One query: each studio is annotated with the start of its latest salon slot.
    """
    studios = talent.OrgUnit.objects.filter(
        path__startswith=centre.path, kind=talent.UnitKind.STUDIO, is_active=True
    ).annotate(last_presented=Max("roadshow_slots__salon__starts_at"))
    never = [s for s in studios if s.last_presented is None]
    presented = [s for s in studios if s.last_presented is not None]
    never.sort(key=lambda s: s.path)
    presented.sort(key=lambda s: (s.last_presented, s.path))
    return never + presented


def _next_theme(centre: talent.OrgUnit) -> SalonTheme:
    themes = list(SalonTheme.objects.filter(is_active=True))
    if not themes:
        raise ValidationError(_("请先在后台添加至少一个启用的沙龙主题。"))
    used = dict(
        Salon.objects.filter(centre=centre)
        .values("theme_id")
        .annotate(last=Max("starts_at"))
        .values_list("theme_id", "last")
    )
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return min(themes, key=lambda t: (used.get(t.pk) or epoch, t.sort_order, t.pk))


def draft_next_salon(
    *, centre: talent.OrgUnit, today: datetime.date | None = None
) -> tuple[Salon, bool]:
    """Draft the salon of the next two-month cycle, once.

    Idempotent: ``(centre, cycle)`` is unique, so a second run (or a second
    worker racing the first) returns the existing salon with ``created=False``.
    Presenting studios rotate fairly; organisers adjust and then publish.
    """
    start = next_cycle(today or timezone.localdate())
    cycle = cycle_of(start)
    existing = Salon.objects.filter(centre=centre, cycle=cycle).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            theme = _next_theme(centre)
            starts_at = timezone.make_aware(
                datetime.datetime.combine(salon_day(start), SALON_START)
            )
            salon = Salon.objects.create(
                centre=centre,
                cycle=cycle,
                title=_("%(year)d年%(month)d月能力提升沙龙 · %(theme)s")
                % {"year": start.year, "month": start.month, "theme": theme.name},
                theme=theme,
                starts_at=starts_at,
                ends_at=starts_at + SALON_LENGTH,
                venue=centre.name,
            )
            studios = studios_in_rotation(centre)[:SLOTS_PER_SALON]
            RoadshowSlot.objects.bulk_create(
                RoadshowSlot(salon=salon, order=i, studio=studio, title=theme.name)
                for i, studio in enumerate(studios, start=1)
            )
            talent.record_audit(
                actor=None,
                action="lms.salon.draft",
                obj=salon,
                after={"cycle": cycle, "studios": [s.name for s in studios]},
            )
    except IntegrityError:
        return Salon.objects.get(centre=centre, cycle=cycle), False
    return salon, True


def _require_organiser(actor, salon: Salon) -> None:
    scope = talent.scope_for(actor, roles=talent.ORGANISER_ROLES)
    if not scope.contains_unit(salon.centre):
        raise PermissionDenied(_("该沙龙不在您的管辖范围内。"))


@transaction.atomic
def publish_salon(*, actor, salon: Salon) -> Salon:
    """Publish a drafted salon and open its attendance check-in session, which
    takes sign-ups 报名 up to the salon's capacity."""
    _require_organiser(actor, salon)
    salon = Salon.objects.select_for_update().get(pk=salon.pk)
    if salon.status == SalonStatus.PUBLISHED:
        return salon
    if not salon.slots.exists():
        raise ValidationError(_("请先安排至少一个路演。"))
    if salon.check_in_session_id is None:
        salon.check_in_session = open_session(
            actor=actor,
            kind=SessionKind.SALON,
            title=salon.title,
            planned_start=salon.starts_at,
            planned_end=salon.ends_at,
            unit=salon.centre,
            signup_enabled=True,
            capacity=salon.capacity,
        )
    salon.status = SalonStatus.PUBLISHED
    salon.organiser = salon.organiser or actor
    salon.save(update_fields=["status", "check_in_session", "organiser"])
    talent.record_audit(
        actor=actor, action="lms.salon.publish", obj=salon, after={"status": "published"}
    )
    return salon


def require_scoring_open(salon: Salon) -> None:
    if salon.scoring_closed:
        raise ValidationError(_("本次沙龙的评分已截止。"))
    if timezone.now() < salon.starts_at:
        raise ValidationError(
            _("评分将于沙龙开始时（%(start)s）开放。")
            % {"start": date_format(timezone.localtime(salon.starts_at), "Y-m-d H:i")}
        )


@transaction.atomic
def close_scoring(*, actor, salon: Salon) -> Salon:
    """The organiser closes scoring; only then do learners see the ranking."""
    _require_organiser(actor, salon)
    salon = Salon.objects.select_for_update().get(pk=salon.pk)
    if salon.scoring_closed:
        return salon
    if timezone.now() < salon.starts_at:
        raise ValidationError(_("沙龙尚未开始，不能截止评分。"))
    salon.scoring_closed_at = timezone.now()
    salon.save(update_fields=["scoring_closed_at"])
    talent.record_audit(
        actor=actor,
        action="lms.salon.close_scoring",
        obj=salon,
        after={"scoring_closed_at": salon.scoring_closed_at.isoformat()},
    )
    return salon


@transaction.atomic
def score_slot(*, judge, slot: RoadshowSlot, scores: dict[int, Decimal]) -> list[RoadshowScore]:
    """A judge of the salon scores one roadshow on every rubric line (re-scoring
    replaces their earlier scores), only from the salon's start until the
    organiser closes scoring."""
    if not slot.salon.judges.filter(pk=judge.pk).exists():
        raise PermissionDenied(_("您不是本次沙龙的评委。"))
    salon = Salon.objects.select_for_update().get(pk=slot.salon_id)
    require_scoring_open(salon)
    criteria = {c.pk: c for c in RubricCriterion.objects.all()}
    if set(scores) != set(criteria):
        raise ValidationError(_("请为每个评分项打分。"))
    result = []
    for criterion_id, value in scores.items():
        value = Decimal(value)
        criterion = criteria[criterion_id]
        if not Decimal(0) <= value <= criterion.max_score:
            raise ValidationError(
                _("“%(name)s”的分数应在 0 到 %(max)d 之间。")
                % {"name": criterion.name, "max": criterion.max_score}
            )
        row, _created = RoadshowScore.objects.update_or_create(
            slot=slot, judge=judge, criterion=criterion, defaults={"score": value}
        )
        result.append(row)
    talent.record_audit(
        actor=judge,
        action="lms.salon.score",
        obj=slot,
        after={str(criteria[k]): str(v) for k, v in scores.items()},
    )
    return result
