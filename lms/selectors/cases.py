"""Reads for case practice: a learner's own work, a mentor's review queue."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from talent import api as talent

from ..models import CaseCriterionScore, CaseSubmission, CaseTask, SubmissionStatus
from ..permissions import (
    can_see_records_of,
    is_mentor_of,
    mentee_ids_query,
    organiser_scope,
    person_of,
)


def tasks_for(person) -> list[CaseTask]:
    """Case tasks of the learner's cohorts' tiers, each with the learner's
    latest submission attached as ``latest``."""
    tasks = list(
        CaseTask.objects.filter(stage__tier__cohorts__memberships__person=person)
        .select_related("stage__tier")
        .distinct()
        .order_by("stage__tier", "stage__order", "order", "pk")
    )
    latest: dict[int, CaseSubmission] = {}
    for submission in CaseSubmission.objects.filter(
        person=person, task_id__in=[t.pk for t in tasks]
    ).order_by("version"):
        latest[submission.task_id] = submission
    for task in tasks:
        task.latest = latest.get(task.pk)
    return tasks


def task_for_learner(person, pk: int) -> CaseTask:
    """A task the learner's cohorts include; 404 otherwise."""
    task = (
        CaseTask.objects.filter(pk=pk, stage__tier__cohorts__memberships__person=person)
        .select_related("stage__tier")
        .prefetch_related("criteria")
        .first()
    )
    if task is None:
        raise Http404
    return task


def submission_history(person, task: CaseTask) -> list[CaseSubmission]:
    return list(
        CaseSubmission.objects.filter(person=person, task=task)
        .select_related(f"reviewer__{talent.USER_PERSON}")
        .prefetch_related(
            Prefetch("scores", queryset=CaseCriterionScore.objects.select_related("criterion"))
        )
        .order_by("-version")
    )


def review_queue(user) -> list[CaseSubmission]:
    """Submissions waiting for review by this mentor (their cohorts' members)."""
    return list(
        CaseSubmission.objects.filter(
            person_id__in=mentee_ids_query(user), status=SubmissionStatus.SUBMITTED
        )
        .select_related("task", "person__unit")
        .order_by("submitted_at")
    )


def recently_reviewed(user, limit: int = 10) -> list[CaseSubmission]:
    return list(
        CaseSubmission.objects.filter(reviewer=user)
        .select_related("task", "person")
        .order_by("-reviewed_at")[:limit]
    )


def submission_for_user(user, pk: int) -> CaseSubmission:
    """A submission visible to ``user``: their own, a mentee's, or one in an
    organiser's scope. Anything else is a 404 (not 403: no existence leak)."""
    submission = (
        CaseSubmission.objects.select_related(
            "task__stage__tier", "person__unit", f"reviewer__{talent.USER_PERSON}"
        )
        .prefetch_related("task__criteria")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    own = person_of(user)
    if own is not None and own.pk == submission.person_id:
        return submission
    if is_mentor_of(user, submission.person):
        return submission
    if organiser_scope(user).contains_person(submission.person):
        return submission
    raise Http404


def attachment_for_user(user, pk: int) -> CaseSubmission:
    """A submission whose attachment ``user`` may download: whoever may see the
    author's records, and the mentor who reviewed it. Every refusal, anonymous
    included, is the same 404 as an unknown id or a submission without a file."""
    submission = (
        CaseSubmission.objects.select_related("person__unit").filter(pk=pk).exclude(attachment="")
    ).first()
    if submission is None:
        raise Http404
    if user.is_authenticated and submission.reviewer_id == user.pk:
        return submission
    if not can_see_records_of(user, submission.person):
        raise Http404
    return submission
