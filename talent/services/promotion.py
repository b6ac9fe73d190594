"""Promotion-round writes: draft → 公示 (objections raised and answered) →
second approval → GradeChanges. Each step is one transaction that locks the
round, asks the same refusal the screens ask (``talent.selectors.promotion``),
writes an audit event on the round (its history), and sends notices after commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from talent import audit
from talent.checks import require_perm, require_unit_in_scope
from talent.models import (
    CandidateStatus,
    Grade,
    GradeChange,
    GradeChangeReason,
    ObjectionOutcome,
    OrgUnit,
    Person,
    PromotionCandidate,
    PromotionObjection,
    PromotionPolicy,
    PromotionReview,
    RoundStatus,
)
from talent.selectors import promotion as rounds
from talent.selectors.calendar import working_days_from
from talent.selectors.ladder import Evaluation, evaluate_people
from talent.selectors.people import person_for_user
from talent.services.notifications import notify


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(review: PromotionReview) -> PromotionReview:
    return PromotionReview.objects.select_for_update().select_related("unit").get(pk=review.pk)


def _names(people) -> str:
    return "、".join(p.name for p in people)


def _not_eligible(evaluations: list[Evaluation]) -> str:
    return "；".join(
        f"{e.person.name}（{'，'.join(r.reason for r in e.failed)}）"
        for e in evaluations
        if not e.eligible
    )


@transaction.atomic
def create_review(*, actor, unit: OrgUnit, review_date: datetime.date, title: str):
    """HR drafts a round for a unit in their scope."""
    require_perm(actor, "talent.add_promotionreview")
    require_unit_in_scope(actor, unit)
    review = PromotionReview.objects.create(
        unit=unit, review_date=review_date, title=title, created_by=_user(actor)
    )
    audit.record(
        actor=actor, action="talent.review.create", obj=review, after=audit.snapshot(review)
    )
    return review


@transaction.atomic
def list_candidates(
    *, actor, review: PromotionReview, person_ids: list[int]
) -> list[PromotionCandidate]:
    """Put eligible people of the round on its draft list, with the grade they
    move from and to. Refuses all if anyone is not eligible, or is the actor."""
    review = _lock(review)
    if not rounds.may_edit(actor, review):
        raise ValidationError(_("只有本单位的人事专员可以编辑名单。"))
    people = rounds.review_people(review).filter(pk__in=person_ids)
    evaluations = evaluate_people(people, review.review_date)
    if not evaluations or len(evaluations) != len(set(person_ids)):
        raise ValidationError(_("所选人员不属于本次评审范围。"))
    elsewhere = rounds.listed_elsewhere(review, people)
    refusals = [
        rounds.listing_refusal(actor, review, e, elsewhere.get(e.person.pk, ""))
        for e in evaluations
    ]
    _refuse("；".join(r for r in refusals if r) or None)
    existing = {c.person_id: c for c in review.candidates.filter(person__in=people)}
    listed = []
    for e in evaluations:
        candidate = existing.get(e.person.pk) or PromotionCandidate(review=review, person=e.person)
        candidate.post = e.person.post
        candidate.from_grade, candidate.to_grade = e.grade, e.next_grade
        candidate.status, candidate.withdrawn_reason = CandidateStatus.LISTED, ""
        candidate.save()
        listed.append(candidate)
    audit.record(
        actor=actor,
        action="talent.review.list",
        obj=review,
        after={"listed": [c.person.name for c in listed]},
    )
    return listed


@transaction.atomic
def unlist_candidates(*, actor, review: PromotionReview, person_ids: list[int]) -> int:
    """Take people off a draft list (before 公示; afterwards use ``withdraw_candidate``)."""
    review = _lock(review)
    if not rounds.may_edit(actor, review):
        raise ValidationError(_("只有本单位的人事专员可以编辑名单。"))
    if review.status != RoundStatus.DRAFT:
        raise ValidationError(_("名单已公示，移出人员须说明原因。"))
    removed = list(review.candidates.filter(person_id__in=person_ids).select_related("person"))
    review.candidates.filter(pk__in=[c.pk for c in removed]).delete()
    if removed:
        audit.record(
            actor=actor,
            action="talent.review.unlist",
            obj=review,
            after={"removed": [c.person.name for c in removed]},
        )
    return len(removed)


@transaction.atomic
def publish_review(*, actor, review: PromotionReview, today: datetime.date | None = None):
    """Publish the list as a 公示 notice to the unit's staff for the policy's
    number of working days, starting on the first working day from today. The
    list is checked again: everyone still eligible at the same grades."""
    review = _lock(review)
    listed = list(rounds.listed_candidates(review))
    _refuse(rounds.publish_refusal(actor, review, listed))
    _refuse_changed(review, listed)
    today = today or timezone.localdate()
    days = PromotionPolicy.load().notice_working_days
    review.notice_starts_on, review.notice_ends_on = working_days_from(today, days)
    review.notice_days = days
    review.status = RoundStatus.NOTICE
    review.published_by, review.published_at = _user(actor), timezone.now()
    review.save()
    audit.record(
        actor=actor,
        action="talent.review.publish",
        obj=review,
        after={
            "people": len(listed),
            "notice_starts_on": str(review.notice_starts_on),
            "notice_ends_on": str(review.notice_ends_on),
            "working_days": days,
        },
    )
    pk = review.pk
    transaction.on_commit(lambda: async_task("talent.tasks.announce_promotion_notice", pk))
    return review


def _refuse_changed(review: PromotionReview, listed: list[PromotionCandidate]) -> None:
    """Everyone listed is still eligible, from the grade they were listed at."""
    evaluations = evaluate_people(
        Person.objects.filter(pk__in=[c.person_id for c in listed]), review.review_date
    )
    from_grade = {c.person_id: c.from_grade for c in listed}
    gone = _not_eligible(evaluations)
    moved = [e.person for e in evaluations if e.grade != from_grade[e.person.pk]]
    if gone:
        raise ValidationError(
            _("以下人员已不符合晋级条件，请先移出名单：%(names)s") % {"names": gone}
        )
    if moved:
        raise ValidationError(
            _("以下人员列入名单后等级已有变动，请移出后重新列入：%(names)s")
            % {"names": _names(moved)}
        )


@transaction.atomic
def raise_objection(
    *,
    actor,
    review: PromotionReview,
    text: str,
    candidate: PromotionCandidate | None = None,
    today: datetime.date | None = None,
) -> PromotionObjection:
    """A member of the unit's staff objects during the 公示 period, about one
    listed person or the round; HR who run it are told."""
    text = (text or "").strip()
    review = _lock(review)
    person = person_for_user(actor)
    _refuse(rounds.objection_refusal(person, review, today or timezone.localdate()))
    if not text:
        raise ValidationError(_("请填写异议内容。"))
    if candidate is not None and (
        candidate.review_id != review.pk or candidate.status != CandidateStatus.LISTED
    ):
        raise ValidationError(_("所选人员不在本次公示名单中。"))
    objection = PromotionObjection.objects.create(
        review=review, candidate=candidate, raised_by=person, text=text[:1000]
    )
    audit.record(
        actor=actor,
        action="talent.review.objection",
        obj=review,
        after={
            "objection": objection.pk,
            "raised_by": person.name,
            "about": candidate.person.name if candidate else "",
        },
    )
    for user in {review.created_by, review.published_by} - {None}:
        notify(
            recipient=user,
            title=_("晋级公示收到异议：%(title)s") % {"title": review.title},
            body=text[:200],
            url=reverse("talent_review:inspect", args=[review.pk]),
        )
    return objection


@transaction.atomic
def answer_objection(*, actor, objection: PromotionObjection, answer: str, outcome: str):
    """HR answers an objection. Upheld, it takes the person it is about off the
    list; the objector is told the answer."""
    answer = (answer or "").strip()
    _lock(objection.review)
    objection = (
        PromotionObjection.objects.select_for_update(of=("self",))
        .select_related("review__unit", "candidate__person", "raised_by__user")
        .get(pk=objection.pk)
    )
    _refuse(rounds.answer_refusal(actor, objection))
    if not answer:
        raise ValidationError(_("请填写答复内容。"))
    if outcome not in ObjectionOutcome.values:
        raise ValidationError(_("请选择处理结果。"))
    objection.answer, objection.outcome = answer[:1000], outcome
    objection.answered_by, objection.answered_at = _user(actor), timezone.now()
    objection.save()
    candidate = objection.candidate
    upheld = outcome == ObjectionOutcome.UPHELD
    if upheld and candidate is not None and candidate.status == CandidateStatus.LISTED:
        candidate.status = CandidateStatus.WITHDRAWN
        candidate.withdrawn_reason = _("异议成立：%(answer)s") % {"answer": answer[:150]}
        candidate.save(update_fields=["status", "withdrawn_reason"])
    audit.record(
        actor=actor,
        action="talent.review.answer",
        obj=objection.review,
        after={
            "objection": objection.pk,
            "outcome": outcome,
            "answer": answer[:200],
            "withdrawn": candidate.person.name
            if candidate and candidate.status == CandidateStatus.WITHDRAWN
            else "",
        },
    )
    if objection.raised_by.user_id:
        notify(
            recipient=objection.raised_by.user,
            title=_("您对“%(title)s”的异议已答复") % {"title": objection.review.title},
            body=answer[:200],
            url=reverse("promotion_notice", args=[objection.review_id]),
        )
    return objection


@transaction.atomic
def withdraw_candidate(*, actor, candidate: PromotionCandidate, reason: str):
    """HR takes a person off the list with a reason (during the draft or 公示)."""
    reason = (reason or "").strip()
    _lock(candidate.review)
    candidate = (
        PromotionCandidate.objects.select_for_update(of=("self",))
        .select_related("review__unit", "person")
        .get(pk=candidate.pk)
    )
    _refuse(rounds.withdraw_refusal(actor, candidate))
    if not reason:
        raise ValidationError(_("移出名单须填写原因。"))
    candidate.status, candidate.withdrawn_reason = CandidateStatus.WITHDRAWN, reason[:200]
    candidate.save(update_fields=["status", "withdrawn_reason"])
    audit.record(
        actor=actor,
        action="talent.review.withdraw",
        obj=candidate.review,
        after={"person": candidate.person.name, "reason": reason[:200]},
    )
    return candidate


@transaction.atomic
def approve_review(
    *, actor, review: PromotionReview, today: datetime.date | None = None
) -> list[GradeChange]:
    """The second signature. After the 公示 period, with every objection
    answered, a district admin who neither drafted nor published the round
    approves it; everyone on the list moves up one grade, effective on the
    reference date, in one transaction. All or nothing: the people are locked
    and evaluated again, and anyone no longer eligible refuses the whole approval."""
    review = _lock(review)
    listed = list(rounds.listed_candidates(review))
    unanswered = review.objections.filter(outcome="").count()
    today = today or timezone.localdate()
    _refuse(rounds.approval_refusal(actor, review, today, unanswered=unanswered, listed=listed))
    ids = [c.person_id for c in listed]
    list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    _refuse_changed(review, listed)
    if review.grade_changes.exists():
        raise ValidationError(_("本次评审已批准过，不能重复批准。"))
    changes = _promote(actor, review, listed)
    review.status = RoundStatus.APPROVED
    review.decided_by, review.decided_at = _user(actor), timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at"])
    cost = rounds.round_cost(review).total
    audit.record(
        actor=actor,
        action="talent.review.approve",
        obj=review,
        after={
            "promoted": len(changes),
            "monthly_increase": str(cost.increase),
            "yearly_increase": str(cost.increase_per_year),
        },
    )
    return changes


def _promote(actor, review: PromotionReview, listed: list[PromotionCandidate]):
    """Everyone listed up one grade on the reference date: one INSERT for the
    GradeChanges and one for their audit events (the round may list hundreds)."""
    grades = {g.number: g for g in Grade.objects.all()}
    for c in listed:
        if not c.post.allows(c.to_grade) or c.to_grade not in grades:
            raise ValidationError(
                _("%(name)s 的拟晋等级 %(grade)s 不在%(post)s的等级范围内。")
                % {"name": c.person.name, "grade": c.to_grade, "post": c.post.name}
            )
    changes = GradeChange.objects.bulk_create(
        [
            GradeChange(
                person=c.person,
                post=c.post,
                grade=grades[c.to_grade],
                effective_on=review.review_date,
                reason=GradeChangeReason.PROMOTION,
                note=review.title[:200],
                approved_by=_user(actor),
                review=review,
            )
            for c in listed
        ],
        batch_size=500,
    )
    audit.record_many(
        actor=actor,
        action=f"talent.grade.{GradeChangeReason.PROMOTION}",
        entries=[
            (
                change,
                {},
                {
                    "person": change.person.staff_no,
                    "post": change.post.name,
                    "grade": change.grade.number,
                    "effective_on": str(change.effective_on),
                    "reason": change.reason,
                },
            )
            for change in changes
        ],
    )
    return changes


@transaction.atomic
def reject_review(*, actor, review: PromotionReview, reason: str) -> PromotionReview:
    """The second approver declines the round, with a reason; nothing is promoted."""
    reason = (reason or "").strip()
    review = _lock(review)
    _refuse(rounds.approver_refusal(actor, review))
    if not reason:
        raise ValidationError(_("不予批准须填写意见。"))
    review.status = RoundStatus.REJECTED
    review.decided_by, review.decided_at = _user(actor), timezone.now()
    review.decision_note = reason[:500]
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(actor=actor, action="talent.review.reject", obj=review, after={"reason": reason})
    return review


def announce_notice(review_id: int) -> int:
    """Tell every login of the round's unit that its 公示 notice is up (a task)."""
    review = PromotionReview.objects.select_related("unit").get(pk=review_id)
    people = rounds.review_staff(review).exclude(user__isnull=True).select_related("user")
    url = reverse("promotion_notice", args=[review.pk])
    for person in people:
        notify(
            recipient=person.user,
            title=_("晋级公示：%(title)s") % {"title": review.title},
            body=_("公示期 %(start)s 至 %(end)s，如有异议请在公示期内提出。")
            % {"start": review.notice_starts_on, "end": review.notice_ends_on},
            url=url,
        )
    return len(people)
