"""Phone pages about a worker's own place on the ladder: My career 我的职业发展,
and the 公示 notices of promotion rounds in their unit, where they may object."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import api as lms
from talent import api as talent


def _own_person(request) -> talent.Person:
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    return person


@login_required
def my_career(request):
    person = _own_person(request)
    today = timezone.localdate()
    career = talent.career_for(person, today)
    held = max((line.certificate.level for line in career.certificates if line.held), default=0)
    readiness = lms.person_readiness(person, today) if held < talent.CertLevel.SENIOR else None
    return render(
        request,
        "cms/my_career.html",
        {
            "career": career,
            # the certificate still to earn: readiness for the level prepared for
            "readiness": readiness,
            "today": today,
            "tab": "me",
        },
    )


@login_required
def notices(request):
    person = _own_person(request)
    today = timezone.localdate()
    rounds = list(talent.notices_for(person, today))
    return render(
        request,
        "cms/promotion_notices.html",
        {
            "running": [r for r in rounds if talent.notice_open(r, today)],
            "ended": [r for r in rounds if not talent.notice_open(r, today)],
            "tab": "me",
        },
    )


@login_required
def notice(request, pk: int):
    """One 公示 notice: the list, and (while it runs) an objection form with a
    confirm step. A round outside the person's unit answers 404."""
    person = _own_person(request)
    review = talent.notice_for(person, pk)
    if review is None:
        raise Http404
    today = timezone.localdate()
    listed = list(talent.listed_candidates(review))
    refusal = talent.objection_refusal(person, review, today)
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect("promotion_notice", pk=review.pk)
        text = request.POST.get("text", "").strip()
        about = request.POST.get("candidate", "")
        candidate = next((c for c in listed if str(c.pk) == about), None)
        if not text:
            messages.error(request, _("请填写异议内容。"))
        elif request.POST.get("confirm") != "1":
            return render(
                request,
                "cms/objection_confirm.html",
                {"review": review, "text": text, "candidate": candidate, "tab": "me"},
            )
        else:
            try:
                talent.raise_objection(
                    actor=request.user, review=review, text=text, candidate=candidate
                )
            except (ValidationError, PermissionDenied) as error:
                talent.flash_error(request, error)
            else:
                messages.success(request, _("异议已提交，人事专员答复后会通知您。"))
            return redirect("promotion_notice", pk=review.pk)
    return render(
        request,
        "cms/promotion_notice.html",
        {
            "review": review,
            "listed": listed,
            "can_object": refusal is None,
            "is_open": talent.notice_open(review, today),
            "mine": talent.own_objections(review, person),
            "tab": "me",
        },
    )
