"""我的团队: a community head's phone page for their own team — who is certified,
whose registration is due, who is behind on CE hours, and each member's programme
stage. Who counts as a head is ``talent.api.headed_unit`` (ADR 0017)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from lms import api as lms
from talent import api as talent


@login_required
def my_team(request):
    unit = talent.headed_unit(talent.person_for_user(request.user))
    if unit is None:
        raise Http404  # only a 社区正职 has a team page, and only for their community
    today = timezone.localdate()
    members = talent.team_of(unit, today)
    stages = lms.current_stages([m.person for m in members])
    for member in members:
        member.stage = stages.get(member.person.pk, "")
        member.due_soon = member.registration_due(today)
    attention = [m for m in members if m.behind or m.due_soon]
    certified = sum(1 for m in members if m.level)
    return render(
        request,
        "cms/team.html",
        {
            "unit": unit,
            "members": members,
            "attention": attention,
            "today": today,
            "count": len(members),
            "certified": certified,
            "rate": round(certified * 100 / len(members)) if members else 0,
            "behind": sum(1 for m in members if m.behind),
            "due": sum(1 for m in members if m.due_soon),
            "tab": "me",
        },
    )
