"""Case practice on the phone: the learner's task page and the mentor's review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from talent import api as talent

from ..permissions import is_mentor_of, person_of, require_mentor
from ..selectors import cases as selectors
from ..selectors.progress import mentor_cohorts
from ..services import cases as services
from ..storage import send_private_file
from .learning import learner_or_404


@login_required
def case_task(request, pk: int):
    person = learner_or_404(request)
    task = selectors.task_for_learner(person, pk)
    if request.method == "POST":
        try:
            services.submit_case(
                actor=request.user,
                person=person,
                task=task,
                text=request.POST.get("text", ""),
                attachment=request.FILES.get("attachment"),
            )
        except ValidationError as error:
            talent.flash_error(request, error)
        else:
            messages.success(request, _("已提交，导师评阅后会通知您。"))
            return redirect("lms:case_task", pk=task.pk)
    history = selectors.submission_history(person, task)
    latest = history[0] if history else None
    can_submit = latest is None or latest.status == "returned"
    return render(
        request,
        "lms/case_task.html",
        {
            "task": task,
            "history": history,
            "latest": latest,
            "can_submit": can_submit,
            "draft": request.POST.get("text", latest.text if latest and can_submit else ""),
            "tab": "learn",
        },
    )


@login_required
def mentor_home(request):
    require_mentor(request.user)
    if person_of(request.user) is None:
        raise Http404
    return render(
        request,
        "lms/mentor_home.html",
        {
            "queue": selectors.review_queue(request.user),
            "cohorts": mentor_cohorts(request.user),
            "reviewed": selectors.recently_reviewed(request.user),
            "tab": "mentor",
        },
    )


@login_required
def review_submission(request, pk: int):
    submission = selectors.submission_for_user(request.user, pk)
    can_review = submission.status == "submitted" and is_mentor_of(request.user, submission.person)
    criteria = list(submission.task.criteria.all())
    errors = []
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        approve = request.POST.get("decision") == "approve"
        scores = {}
        for criterion in criteria:
            raw = request.POST.get(f"score_{criterion.pk}", "").strip()
            if raw.isdigit():
                scores[criterion.pk] = int(raw)
        try:
            services.review_submission(
                actor=request.user,
                submission=submission,
                approve=approve,
                comment=request.POST.get("comment", ""),
                scores=scores,
            )
        except ValidationError as error:
            errors = talent.error_texts(error)
        else:
            messages.success(
                request, _("已通过该案例。") if approve else _("已退回，学员会收到通知。")
            )
            return redirect("lms:mentor")
    for criterion in criteria:
        criterion.posted = request.POST.get(f"score_{criterion.pk}", "")
    history = selectors.submission_history(submission.person, submission.task)
    return render(
        request,
        "lms/review_submission.html",
        {
            "submission": submission,
            "criteria": criteria,
            "can_review": can_review,
            "errors": errors,
            "history": [s for s in history if s.pk != submission.pk],
            "tab": "mentor",
        },
    )


def submission_attachment(request, pk: int):
    """A case attachment, downloaded under its original name, to those who may
    see the submission's author's records (404 to anyone else)."""
    submission = selectors.attachment_for_user(request.user, pk)
    return send_private_file(
        request,
        submission.attachment,
        download_name=submission.attachment_name or "attachment",
        attachment=True,
    )
