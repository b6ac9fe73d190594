"""Case submissions and mentor reviews, with notifications both ways."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talent import api as talent

from ..models import CaseCriterionScore, CaseSubmission, CaseTask, Cohort, SubmissionStatus
from ..permissions import require_mentor_of, require_self

ALLOWED_ATTACHMENT_EXTENSIONS = {"pdf", "doc", "docx", "jpg", "jpeg", "png", "xlsx", "pptx", "txt"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _check_attachment(attachment) -> None:
    if not attachment:
        return
    extension = attachment.name.rsplit(".", 1)[-1].lower() if "." in attachment.name else ""
    if extension not in ALLOWED_ATTACHMENT_EXTENSIONS:
        raise ValidationError(_("附件格式不支持，请上传 PDF、Word、图片等常见格式。"))
    if attachment.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("附件不能超过 10 MB。"))


@transaction.atomic
def submit_case(
    *, actor, person: talent.Person, task: CaseTask, text: str, attachment=None
) -> CaseSubmission:
    """A learner hands in a version of their case work. Each resubmission is a
    new version; nothing can be handed in while a version waits for review or
    after one was approved. The learner's cohort mentors are notified."""
    require_self(actor, person)
    text = (text or "").strip()
    if len(text) < 20:
        raise ValidationError(_("案例内容太短，请至少写 20 个字。"))
    _check_attachment(attachment)
    previous = list(
        CaseSubmission.objects.select_for_update()
        .filter(task=task, person=person)
        .only("version", "status")
    )
    statuses = {p.status for p in previous}
    if SubmissionStatus.APPROVED in statuses:
        raise ValidationError(_("该案例任务已通过，无需再次提交。"))
    if SubmissionStatus.SUBMITTED in statuses:
        raise ValidationError(_("上一版本正在等待导师评阅。"))
    version = max((p.version for p in previous), default=0) + 1
    try:
        with transaction.atomic():
            submission = CaseSubmission.objects.create(
                task=task,
                person=person,
                version=version,
                text=text,
                attachment=attachment or "",
                # the download keeps the learner's file name; the stored one is random
                attachment_name=PurePath(attachment.name).name[-200:] if attachment else "",
            )
    except IntegrityError as error:  # a double click racing itself
        raise ValidationError(_("上一版本正在等待导师评阅。")) from error
    talent.record_audit(
        actor=actor,
        action="lms.case.submit",
        obj=submission,
        after={"task": task.title, "version": version},
    )
    url = reverse("lms:review_submission", args=[submission.pk])
    mentors = (
        talent.Person.objects.filter(
            mentored_cohorts__in=Cohort.objects.filter(memberships__person=person),
            user__isnull=False,
        )
        .select_related("user")
        .distinct()
    )
    for mentor in mentors:
        talent.notify(
            recipient=mentor.user,
            title=_("%(name)s 提交了案例《%(task)s》") % {"name": person.name, "task": task.title},
            body=_("第 %(version)d 版，等待您评阅。") % {"version": version},
            url=url,
        )
    return submission


def weighted_total(criteria, scores: dict[int, int]) -> Decimal:
    weight_sum = sum(c.weight for c in criteria)
    total = sum(Decimal(scores[c.pk]) * c.weight for c in criteria) / Decimal(weight_sum)
    return total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@transaction.atomic
def review_submission(
    *,
    actor,
    submission: CaseSubmission,
    approve: bool,
    comment: str,
    scores: dict[int, int] | None = None,
) -> CaseSubmission:
    """A mentor of the learner's cohort returns the work with comments, or
    approves it with a score for every rubric criterion (0–100, weighted).
    Only a version waiting for review can be reviewed."""
    submission = (
        CaseSubmission.objects.select_for_update(of=("self",))
        .select_related("task", "person__user")
        .get(pk=submission.pk)
    )
    require_mentor_of(actor, submission.person)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("该版本已评阅过。"))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(_("退回时请写明修改意见。"))
    criteria = list(submission.task.criteria.all())
    if approve:
        scores = scores or {}
        missing = [c.name for c in criteria if c.pk not in scores]
        if missing:
            raise ValidationError(
                _("请为以下评分维度打分：%(names)s") % {"names": "、".join(missing)}
            )
        if any(not 0 <= scores[c.pk] <= 100 for c in criteria):
            raise ValidationError(_("每个维度的得分应在 0 到 100 之间。"))
        CaseCriterionScore.objects.bulk_create(
            CaseCriterionScore(submission=submission, criterion=c, score=scores[c.pk])
            for c in criteria
        )
        submission.total_score = weighted_total(criteria, scores) if criteria else Decimal("100")
        submission.status = SubmissionStatus.APPROVED
    else:
        submission.status = SubmissionStatus.RETURNED
    submission.reviewer = actor
    submission.reviewed_at = timezone.now()
    submission.comment = comment
    submission.save(update_fields=["status", "reviewer", "reviewed_at", "comment", "total_score"])
    talent.record_audit(
        actor=actor,
        action="lms.case.approve" if approve else "lms.case.return",
        obj=submission,
        after={
            "status": submission.status,
            "total_score": str(submission.total_score or ""),
            "comment": comment,
        },
    )
    if submission.person.user_id:
        title = (_("案例《%(task)s》已通过") if approve else _("案例《%(task)s》被退回修改")) % {
            "task": submission.task.title
        }
        talent.notify(
            recipient=submission.person.user,
            title=title,
            body=comment,
            url=reverse("lms:case_task", args=[submission.task_id]),
        )
    return submission
