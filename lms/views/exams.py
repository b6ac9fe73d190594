"""Mock exams on the phone: papers, taking a timed paper, autosave, review."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talent import api as talent

from ..models import ExamBlueprint
from ..selectors import exams as selectors
from ..selectors import readiness as readiness_selectors
from ..services import exams as services
from .learning import learner_or_404


def _answers_from(data) -> dict[int, str]:
    """``q<position>`` fields (radio: one value, checkboxes: several)."""
    answers = {}
    for key in data:
        if key.startswith("q") and key[1:].isdigit():
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            answers[int(key[1:])] = "".join(values)
    return answers


def _own_attempt(request, pk: int):
    person = learner_or_404(request)
    attempt = selectors.attempt_for_user(request.user, pk)
    if attempt.person_id != person.pk:
        raise Http404  # mentors and organisers read results, never answer
    return attempt


@login_required
def exam_home(request):
    person = learner_or_404(request)
    services.close_expired_attempts(person=person)
    readiness = readiness_selectors.person_readiness(person)
    return render(
        request,
        "lms/exam_home.html",
        {
            "readiness": readiness,
            "plan": readiness_selectors.study_plan(person, readiness),
            "blueprints": selectors.blueprints_for(person),
            "history": selectors.history(person),
            "weak_topics": selectors.weak_topics(person),
            "stats": selectors.exam_stats(person),
            "tab": "learn",
        },
    )


@login_required
@require_POST
def exam_start(request, pk: int):
    person = learner_or_404(request)
    blueprint = get_object_or_404(ExamBlueprint, pk=pk, is_active=True)
    try:
        attempt = services.start_attempt(actor=request.user, person=person, blueprint=blueprint)
    except ValidationError as error:
        talent.flash_error(request, error)
        return redirect("lms:exams")
    return redirect("lms:exam_take", pk=attempt.pk)


@login_required
def exam_take(request, pk: int):
    attempt = _own_attempt(request, pk)
    if attempt.is_submitted or attempt.deadline + services.GRACE < timezone.now():
        if not attempt.is_submitted:
            services.submit_attempt(actor=request.user, attempt=attempt)
        return redirect("lms:exam_result", pk=attempt.pk)
    answers = selectors.paper(attempt)
    return render(
        request,
        "lms/exam_take.html",
        {
            "attempt": attempt,
            "answers": answers,
            "answered": sum(1 for a in answers if a.chosen),
            "seconds_left": max(0, int((attempt.deadline - timezone.now()).total_seconds())),
            "tab": "learn",
        },
    )


@login_required
@require_POST
def exam_save(request, pk: int):
    """Autosave endpoint: JSON ``{"answers": {"3": "B", "61": "ACD"}}``."""
    attempt = _own_attempt(request, pk)
    try:
        payload = json.loads(request.body or b"{}")
        answers = {int(k): str(v) for k, v in (payload.get("answers") or {}).items()}
    except (ValueError, AttributeError):
        return JsonResponse({"ok": False, "error": _("数据格式不正确。")}, status=400)
    try:
        saved = services.save_answers(actor=request.user, attempt=attempt, answers=answers)
    except services.ExamClosed as error:
        return JsonResponse(
            {"ok": False, "closed": True, "error": talent.error_text(error)}, status=409
        )
    except ValidationError as error:
        return JsonResponse({"ok": False, "error": talent.error_text(error)}, status=400)
    seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return JsonResponse({"ok": True, "saved": saved, "seconds_left": seconds_left})


@login_required
@require_POST
def exam_submit(request, pk: int):
    attempt = _own_attempt(request, pk)
    late = timezone.now() > attempt.deadline + services.GRACE
    try:
        services.submit_attempt(
            actor=request.user, attempt=attempt, answers=_answers_from(request.POST)
        )
    except ValidationError as error:
        talent.flash_error(request, error)
        return redirect("lms:exam_take", pk=attempt.pk)
    if late:
        messages.warning(request, _("考试时间已到，已按截止前保存的答案评分。"))
    return redirect("lms:exam_result", pk=attempt.pk)


@login_required
def exam_result(request, pk: int):
    attempt = selectors.attempt_for_user(request.user, pk)
    if not attempt.is_submitted:
        if attempt.deadline + services.GRACE >= timezone.now():
            return redirect("lms:exam_take", pk=attempt.pk)
        services.close_expired_attempts(person=attempt.person)
        attempt.refresh_from_db()
    answers = selectors.paper(attempt)
    mistakes = [a for a in answers if not a.is_correct]
    show = request.GET.get("show", "mistakes")
    topics = selectors.attempt_topics(attempt)
    pass_score = selectors.pass_score(attempt.max_score)
    return render(
        request,
        "lms/exam_result.html",
        {
            "attempt": attempt,
            "pass_score": pass_score,
            "passed": attempt.score is not None and attempt.score >= pass_score,
            # weakest first: what to study next is what a learner opens this page for
            "topics": sorted(topics, key=lambda t: (t.percent, t.topic)),
            "items": mistakes if show == "mistakes" else answers,
            "mistake_count": len(mistakes),
            "show": show,
            "tab": "learn",
        },
    )
