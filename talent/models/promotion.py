"""A promotion round 晋级评审: HR drafts the list of people to promote, it is
published as a 公示 notice to the unit's staff for a number of working days
(objections are raised and answered), and a second approver holding another
role approves it after the period; only then are GradeChanges written.
See docs/decisions (promotion rounds and separation of duties)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ladder import Post
from .org import OrgUnit
from .people import Person


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    NOTICE = "notice", _("公示中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


def _user_fk(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class PromotionReview(models.Model):
    """A promotion round for a unit's subtree on a reference date 评审基准日 (the
    date rules are evaluated on and promotions take effect)."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("评审单位"), on_delete=models.PROTECT, related_name="+"
    )
    review_date = models.DateField(_("评审基准日"))
    title = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    created_by = _user_fk(_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    notice_days = models.PositiveSmallIntegerField(_("公示工作日数"), null=True, blank=True)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    published_by = _user_fk(_("发布公示人"))
    published_at = models.DateTimeField(_("发布公示时间"), null=True, blank=True)
    decided_by = _user_fk(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("晋级评审")
        verbose_name_plural = _("晋级评审")
        ordering = ["-review_date", "-id"]
        permissions = [("approve_promotionreview", _("可审批晋级评审（第二审批人）"))]
        constraints = [
            # Rounds approved before 公示 existed (migration 0008) have no period.
            models.CheckConstraint(
                condition=~models.Q(status="notice")
                | models.Q(notice_starts_on__isnull=False, notice_ends_on__isnull=False),
                name="review_notice_has_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CandidateStatus(models.TextChoices):
    LISTED = "listed", _("拟晋级")
    WITHDRAWN = "withdrawn", _("已移出名单")


class PromotionCandidate(models.Model):
    """One person on a round's list, with the grade they move from and to as
    evaluated when listed (what the 公示 notice shows)."""

    review = models.ForeignKey(
        PromotionReview,
        verbose_name=_("晋级评审"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.PROTECT)
    from_grade = models.PositiveSmallIntegerField(_("现等级"))
    to_grade = models.PositiveSmallIntegerField(_("拟晋等级"))
    status = models.CharField(
        _("状态"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.LISTED
    )
    withdrawn_reason = models.CharField(_("移出原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("拟晋级人员")
        verbose_name_plural = _("拟晋级人员")
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="candidate_once_per_review"),
            models.CheckConstraint(
                condition=models.Q(to_grade__gt=models.F("from_grade")),
                name="candidate_moves_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.from_grade}→{self.to_grade}"


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("异议成立，移出名单")
    DISMISSED = "dismissed", _("异议不成立，维持名单")
    NOTED = "noted", _("已说明情况")


class PromotionObjection(models.Model):
    """An objection 异议 a member of the unit's staff raised during the 公示
    period, about one person on the list or the round, and HR's answer."""

    review = models.ForeignKey(
        PromotionReview,
        verbose_name=_("晋级评审"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    candidate = models.ForeignKey(
        PromotionCandidate,
        verbose_name=_("涉及人员"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
    )
    raised_by = models.ForeignKey(
        Person, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("异议内容"), max_length=1000)
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), max_length=1000, blank=True)
    outcome = models.CharField(
        _("处理结果"), max_length=20, choices=ObjectionOutcome.choices, blank=True
    )
    answered_by = _user_fk(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", answered_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(answered_at__isnull=False)),
                name="objection_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.raised_by.name}"

    @property
    def is_answered(self) -> bool:
        return bool(self.outcome)
