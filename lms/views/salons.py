"""Salon pages: one salon's programme and ranking, and the judges' score sheet."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import (
    RoadshowScore,
    RoadshowSlot,
    RubricCriterion,
    SalonCalendarPage,
    SalonStatus,
)
from lms.selectors import salons as selectors
from lms.services import salons as services
from talent import api as talent


def salon_detail(request, pk: int):
    from .signup import signup_context

    salon = get_object_or_404(selectors.published_salons(), pk=pk)
    session = salon.check_in_session
    signup = signup_context(request, session) if session and session.signup_enabled else {}
    is_judge = request.user.is_authenticated and salon.judges.filter(pk=request.user.pk).exists()
    return render(
        request,
        "lms/salons/salon_detail.html",
        {
            "salon": salon,
            # the ranking is public only once the organiser has closed scoring
            "ranking": selectors.ranking(salon) if salon.scoring_closed else None,
            "slots": salon.slots.all(),
            "is_judge": is_judge,
            "can_score": is_judge and salon.scoring_open(timezone.now()),
            "calendar": SalonCalendarPage.objects.live().first(),
            **signup,
        },
    )


@login_required
def score(request, pk: int, slot_pk: int):
    """A judge's rubric form for one roadshow slot."""
    slot = get_object_or_404(
        RoadshowSlot.objects.select_related("salon", "studio", "presenter"),
        pk=slot_pk,
        salon_id=pk,
        salon__status=SalonStatus.PUBLISHED,
    )
    if not slot.salon.judges.filter(pk=request.user.pk).exists():
        raise Http404
    try:
        services.require_scoring_open(slot.salon)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("lms:salon_detail", pk=slot.salon_id)
    criteria = list(RubricCriterion.objects.all())
    mine = dict(
        RoadshowScore.objects.filter(slot=slot, judge=request.user).values_list(
            "criterion_id", "score"
        )
    )
    if request.method == "POST":
        try:
            values = {c.pk: Decimal(request.POST.get(f"c{c.pk}", "")) for c in criteria}
            services.score_slot(judge=request.user, slot=slot, scores=values)
        except InvalidOperation:
            messages.error(request, _("请为每个评分项填写数字分数。"))
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("评分已保存。"))
            return redirect("lms:salon_detail", pk=slot.salon_id)
        mine = {c.pk: request.POST.get(f"c{c.pk}", "") for c in criteria}
    rows = [(c, mine.get(c.pk, "")) for c in criteria]
    return render(request, "lms/salons/score.html", {"slot": slot, "rows": rows})
