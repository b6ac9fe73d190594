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
from talent.forms import EvaluationForm
from talent.models import EvaluationParty, PlacementStatus
from talent.selectors import placements as selectors
from talent.services import placements as services

EVALUABLE = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


def _cards(placements, party: str) -> list[dict]:
    rows = placement_rows(placements)
    for row in rows:
        given = {e.party for e in row["placement"].evaluations.all()}
        row["can_evaluate"] = row["placement"].status in EVALUABLE and party not in given
        row["party"] = party
    return rows


@login_required
def my_placements(request):
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    return render(
        request,
        "cms/my_placements.html",
        {
            "own": _cards(selectors.own_placements(person), EvaluationParty.SELF),
            "supervised": _cards(selectors.supervised_placements(person), EvaluationParty.MENTOR),
            "tab": "me",
        },
    )


@login_required
def evaluate_placement(request, pk: int, party: str):
    """Self or mentor evaluation; anyone else gets a 404 for the placement."""
    if party not in (EvaluationParty.SELF, EvaluationParty.MENTOR):
        raise Http404
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    pool = (
        selectors.own_placements(person)
        if party == EvaluationParty.SELF
        else selectors.supervised_placements(person)
    )
    placement = pool.filter(pk=pk).first()
    if placement is None:
        raise Http404
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(
                actor=request.user,
                placement=placement,
                party=party,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as error:
            texts = error.messages if isinstance(error, ValidationError) else [str(error)]
            for text in texts:
                messages.error(request, text)
        else:
            messages.success(request, _("评价已提交。"))
            return redirect("my_placements")
    return render(
        request,
        "cms/evaluate_placement.html",
        {
            "p": placement,
            "form": form,
            "party_label": EvaluationParty(party).label,
            "summary": selectors.evaluation_summary(placement),
            "tab": "me",
        },
    )
