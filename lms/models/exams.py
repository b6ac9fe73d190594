"""Exam preparation for the national social-worker exam 全国社会工作者职业水平考试."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExamLevel(models.TextChoices):
    ASSISTANT = "assistant", _("助理社会工作师")
    INTERMEDIATE = "intermediate", _("社会工作师")
    SENIOR = "senior", _("高级社会工作师")


class ExamSubject(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合能力")
    PRACTICE = "practice", _("实务")
    LAW = "law", _("法规与政策")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单项选择题")
    MULTIPLE = "multiple", _("多项选择题")


OPTION_LETTERS = "ABCDE"


class Question(models.Model):
    """One question of the bank. ``options`` is a list of texts labelled A, B, C…;
    ``answer`` holds the correct letters in order (``"B"`` or ``"ACD"``)."""

    level = models.CharField(_("级别"), max_length=12, choices=ExamLevel.choices)
    subject = models.CharField(_("科目"), max_length=14, choices=ExamSubject.choices)
    topic = models.CharField(_("知识点"), max_length=60)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.CharField(_("正确答案"), max_length=5)
    explanation = models.TextField(_("解析"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("题库")
        ordering = ["subject", "topic", "pk"]
        indexes = [
            models.Index(fields=["level", "subject", "kind", "is_active"], name="question_pick"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(answer=""), name="question_has_answer"),
        ]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(OPTION_LETTERS, self.options, strict=False))


class ExamBlueprint(models.Model):
    """The recipe of a mock paper, e.g. 60 single (1 point) + 20 multiple (2 points)."""

    name = models.CharField(_("试卷名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=ExamLevel.choices)
    subject = models.CharField(_("科目"), max_length=14, choices=ExamSubject.choices)
    topic = models.CharField(
        _("专项知识点"),
        max_length=60,
        blank=True,
        help_text=_("留空为整卷；填写题库中的知识点则只从该知识点出题（专项练习）。"),
    )
    single_count = models.PositiveSmallIntegerField(_("单选题数"), default=60)
    single_points = models.DecimalField(
        _("单选每题分值"), max_digits=4, decimal_places=1, default=Decimal("1")
    )
    multiple_count = models.PositiveSmallIntegerField(_("多选题数"), default=20)
    multiple_points = models.DecimalField(
        _("多选每题分值"), max_digits=4, decimal_places=1, default=Decimal("2")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(_("考试时长（分钟）"), default=120)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("模拟试卷")
        verbose_name_plural = _("模拟试卷")
        ordering = ["level", "subject", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(single_count__gt=0) | models.Q(multiple_count__gt=0),
                name="blueprint_has_questions",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__gt=0), name="blueprint_has_time_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def max_score(self) -> Decimal:
        return self.single_count * self.single_points + self.multiple_count * self.multiple_points


class ExamAttempt(models.Model):
    """One sitting of a mock paper. The deadline is fixed when it starts; the
    server refuses answers after it."""

    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("考生"),
        on_delete=models.CASCADE,
        related_name="mock_exam_attempts",
    )
    blueprint = models.ForeignKey(
        ExamBlueprint, verbose_name=_("试卷"), on_delete=models.PROTECT, related_name="attempts"
    )
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("模拟考试记录")
        verbose_name_plural = _("模拟考试记录")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "-started_at"], name="attempt_person_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("started_at")),
                name="attempt_deadline_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.blueprint}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AttemptAnswer(models.Model):
    """A question placed on one attempt's paper, and what the candidate chose."""

    attempt = models.ForeignKey(
        ExamAttempt, verbose_name=_("考试"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("试题"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("题号"))
    chosen = models.CharField(_("作答"), max_length=5, blank=True)
    points = models.DecimalField(_("得分"), max_digits=4, decimal_places=1, null=True, blank=True)
    is_correct = models.BooleanField(_("完全正确"), null=True)

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_question_once"),
            models.UniqueConstraint(fields=["attempt", "position"], name="answer_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
