from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lms.models import CaseSubmission, SubmissionStatus
from lms.services.cases import review_submission, submit_case
from talent.models import Notification

pytestmark = pytest.mark.django_db

TEXT = "服务对象为独居老人，行动不便，我在两次入户走访后完成了需求评估并链接了助餐服务。"


def scores_for(task, *values):
    return {c.pk: v for c, v in zip(task.criteria.all(), values, strict=True)}


def test_submission_notifies_the_cohort_mentor(
    cohort, learner_user, learner, programme, mentor_user
):
    submission = submit_case(actor=learner_user, person=learner, task=programme["task"], text=TEXT)
    assert (submission.version, submission.status) == (1, SubmissionStatus.SUBMITTED)
    note = Notification.objects.get(recipient=mentor_user)
    assert learner.name in note.title and str(submission.pk) in note.url


def test_no_second_version_while_one_waits_or_after_approval(
    cohort, learner_user, learner, programme, mentor_user
):
    task = programme["task"]
    submission = submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    with pytest.raises(ValidationError):
        submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    review_submission(
        actor=mentor_user,
        submission=submission,
        approve=True,
        comment="",
        scores=scores_for(task, 90, 80),
    )
    with pytest.raises(ValidationError):
        submit_case(actor=learner_user, person=learner, task=task, text=TEXT)


def test_return_needs_a_comment_and_keeps_history(
    cohort, learner_user, learner, programme, mentor_user
):
    task = programme["task"]
    first = submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    with pytest.raises(ValidationError):
        review_submission(actor=mentor_user, submission=first, approve=False, comment=" ")
    review_submission(
        actor=mentor_user, submission=first, approve=False, comment="请补充风险评估。"
    )
    assert Notification.objects.filter(recipient=learner_user, title__contains="退回").exists()
    second = submit_case(
        actor=learner_user, person=learner, task=task, text=TEXT + "已补充风险评估。"
    )
    assert second.version == 2
    review_submission(
        actor=mentor_user,
        submission=second,
        approve=True,
        comment="很好",
        scores=scores_for(task, 90, 75),
    )
    second.refresh_from_db()
    assert second.total_score == Decimal("84.0")  # 90×60% + 75×40%
    assert list(
        CaseSubmission.objects.filter(person=learner)
        .order_by("version")
        .values_list("status", flat=True)
    ) == ["returned", "approved"]
    assert Notification.objects.filter(recipient=learner_user, title__contains="已通过").exists()


def test_approval_needs_every_criterion_scored_in_range(
    cohort, learner_user, learner, programme, mentor_user
):
    task = programme["task"]
    submission = submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    first = task.criteria.first()
    with pytest.raises(ValidationError):
        review_submission(
            actor=mentor_user,
            submission=submission,
            approve=True,
            comment="",
            scores={first.pk: 90},
        )
    with pytest.raises(ValidationError):
        review_submission(
            actor=mentor_user,
            submission=submission,
            approve=True,
            comment="",
            scores=scores_for(task, 90, 101),
        )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not submission.scores.exists()


def test_a_version_is_reviewed_once(cohort, learner_user, learner, programme, mentor_user):
    submission = submit_case(actor=learner_user, person=learner, task=programme["task"], text=TEXT)
    review_submission(actor=mentor_user, submission=submission, approve=False, comment="再改改")
    with pytest.raises(ValidationError):
        review_submission(actor=mentor_user, submission=submission, approve=False, comment="再改改")


def test_only_the_cohort_mentor_reviews(
    cohort, learner_user, learner, other_learner, programme, stranger_mentor
):
    submission = submit_case(actor=learner_user, person=learner, task=programme["task"], text=TEXT)
    for actor in (stranger_mentor, learner_user, other_learner.user):
        with pytest.raises(PermissionDenied):
            review_submission(actor=actor, submission=submission, approve=False, comment="不行")


def test_nobody_submits_for_someone_else(cohort, learner_user, other_learner, programme):
    with pytest.raises(PermissionDenied):
        submit_case(actor=learner_user, person=other_learner, task=programme["task"], text=TEXT)


def test_too_short_or_unsafe_uploads_are_refused(cohort, learner_user, learner, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        submit_case(actor=learner_user, person=learner, task=programme["task"], text="太短")
    with pytest.raises(ValidationError):
        submit_case(
            actor=learner_user,
            person=learner,
            task=programme["task"],
            text=TEXT,
            attachment=SimpleUploadedFile("x.exe", b"MZ"),
        )


def test_who_sees_a_submission(
    client,
    cohort,
    learner_user,
    learner,
    other_learner,
    programme,
    mentor_user,
    stranger_mentor,
    organiser,
    yjp_organiser,
):
    submission = submit_case(actor=learner_user, person=learner, task=programme["task"], text=TEXT)
    url = f"/learn/mentor/submissions/{submission.pk}/"
    for user, status in (
        (learner_user, 200),
        (mentor_user, 200),
        (organiser, 200),
        (other_learner.user, 404),
        (stranger_mentor, 404),
        (yjp_organiser, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    # The learner's task page is theirs; a task outside their cohorts is a 404.
    client.force_login(other_learner.user)
    assert client.get(f"/learn/cases/{programme['task'].pk}/").status_code == 200
    body = client.get(f"/learn/cases/{programme['task'].pk}/").content.decode()
    assert TEXT not in body


def test_review_through_the_mentor_page(
    client, cohort, learner_user, learner, programme, mentor_user, stranger_mentor
):
    task = programme["task"]
    submission = submit_case(actor=learner_user, person=learner, task=task, text=TEXT)
    client.force_login(stranger_mentor)
    form = {"decision": "approve", "comment": "好"} | {
        f"score_{c.pk}": "90" for c in task.criteria.all()
    }
    assert client.post(f"/learn/mentor/submissions/{submission.pk}/", form).status_code == 404
    client.force_login(mentor_user)
    assert learner.name in client.get("/learn/mentor/cases/").content.decode()
    response = client.post(f"/learn/mentor/submissions/{submission.pk}/", form)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.reviewer == mentor_user
    # a reviewed version cannot be posted to again
    assert client.post(f"/learn/mentor/submissions/{submission.pk}/", form).status_code == 403
