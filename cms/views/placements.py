"""Phone pages for trainees and supervisors: my placements with hours, and the
self and mentor evaluations of the four-party evaluation 四方评估."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cms.views.partner import placement_rows
from talent import api as talent


def _cards(user, placements, party: str) -> list[dict]:
    rows = placement_rows(placements)
    for row in rows:
        row["can_evaluate"] = talent.can_evaluate(user, row["placement"], party)
        row["party"] = party
    return rows


FINISHED = (talent.PlacementStatus.COMPLETED, talent.PlacementStatus.EVALUATED)


def _groups(cards: list[dict]) -> list[dict]:
    """Supervised trainees grouped by where and when they practise (a rotation
    station or an internship term at one unit), so a mentor of forty trainees reads
    a few groups of compact rows, not forty cards."""
    groups: dict[tuple, dict] = {}
    for card in cards:
        p = card["placement"]
        key = (p.host_unit_id, p.kind, p.start, p.end)
        group = groups.setdefault(key, {"placement": p, "cards": [], "to_evaluate": 0})
        group["cards"].append(card)
        group["to_evaluate"] += card["can_evaluate"]
    return list(groups.values())


@login_required
def my_placements(request):
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    supervised = _cards(
        request.user, talent.supervised_placements(person), talent.EvaluationParty.MENTOR
    )
    current = [c for c in supervised if c["placement"].status not in FINISHED]
    finished = [c for c in supervised if c["placement"].status in FINISHED]
    return render(
        request,
        "cms/my_placements.html",
        {
            "own": _cards(request.user, talent.own_placements(person), talent.EvaluationParty.SELF),
            "current_groups": _groups(current),
            "finished_groups": _groups(finished),
            "finished_count": len(finished),
            "supervises": bool(supervised),
            "tab": "me",
        },
    )


@login_required
def evaluate_placement(request, pk: int, party: str):
    """Self or mentor evaluation; anyone else gets a 404 for the placement."""
    if party not in (talent.EvaluationParty.SELF, talent.EvaluationParty.MENTOR):
        raise Http404
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    pool = (
        talent.own_placements(person)
        if party == talent.EvaluationParty.SELF
        else talent.supervised_placements(person)
    )
    placement = pool.filter(pk=pk).first()
    if placement is None:
        raise Http404
    form = talent.EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talent.submit_evaluation(
                actor=request.user,
                placement=placement,
                party=party,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("评价已提交。"))
            return redirect("my_placements")
    return render(
        request,
        "cms/evaluate_placement.html",
        {
            "p": placement,
            "form": form,
            "party_label": talent.EvaluationParty(party).label,
            "summary": talent.evaluation_summary(placement),
            "tab": "me",
        },
    )
