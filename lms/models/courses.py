"""Courses as Wagtail pages, and the plain models that record learning."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import LessonBlock
from .exams import ExamSubject


class CourseFormat(models.TextChoices):
    ONLINE = "online", _("线上自学")
    CLASSROOM = "classroom", _("集中面授")
    BLENDED = "blended", _("线上线下结合")


class CourseIndexPage(Page):
    """The course catalogue, filterable by tier, exam subject and format."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["lms.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("课程目录")

    def get_context(self, request, *args, **kwargs):
        from ..selectors.courses import catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue(index=self, params=request.GET, user=request.user))
        return context


class CoursePage(Page):
    summary = models.CharField(_("课程简介"), max_length=300)
    description = RichTextField(_("课程介绍"), blank=True)
    ce_hours = models.DecimalField(
        _("继续教育学时"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("完成全部课时后一次性计入学员的继续教育学时。"),
    )
    tier = models.ForeignKey(
        "lms.Tier",
        verbose_name=_("适用层级"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exam_subject = models.CharField(
        _("考试科目"),
        max_length=14,
        choices=ExamSubject.choices,
        blank=True,
        help_text=_("与全国社会工作者职业水平考试对应的科目，可不选。"),
    )
    exam_topics = models.CharField(
        _("覆盖的考点"),
        max_length=300,
        blank=True,
        help_text=_("与题库“知识点”一致，用顿号或逗号分隔；学员的薄弱知识点会推荐覆盖它的课程。"),
    )
    course_format = models.CharField(
        _("授课形式"), max_length=12, choices=CourseFormat.choices, default=CourseFormat.ONLINE
    )
    audience = models.CharField(_("适用对象"), max_length=200, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("ce_hours"),
        FieldPanel("tier"),
        FieldPanel("exam_subject"),
        FieldPanel("exam_topics"),
        FieldPanel("course_format"),
        FieldPanel("audience"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["lms.CourseIndexPage"]
    subpage_types = ["lms.LessonPage"]

    class Meta:
        verbose_name = _("课程")

    def topic_list(self) -> list[str]:
        return [
            t.strip()
            for t in self.exam_topics.replace("，", "、").replace(",", "、").split("、")
            if t.strip()
        ]

    def get_context(self, request, *args, **kwargs):
        from ..selectors.courses import course_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(course_detail(course=self, user=request.user))
        return context


class LessonPage(Page):
    duration_minutes = models.PositiveSmallIntegerField(_("建议学习时长（分钟）"), default=30)
    body = StreamField(LessonBlock(), verbose_name=_("课时内容"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("duration_minutes"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["lms.CoursePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("课时")

    def get_context(self, request, *args, **kwargs):
        from ..selectors.courses import lesson_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_detail(lesson=self, user=request.user))
        return context


class EnrollmentSource(models.TextChoices):
    SELF = "self", _("自主报名")
    COHORT = "cohort", _("班级统一报名")


class Enrollment(models.Model):
    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="enrollments"
    )
    source = models.CharField(
        _("报名方式"),
        max_length=10,
        choices=EnrollmentSource.choices,
        default=EnrollmentSource.SELF,
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="enrollment_once"),
        ]
        indexes = [models.Index(fields=["course", "completed_at"], name="enrollment_course_done")]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"


class LessonCompletion(models.Model):
    person = models.ForeignKey(
        "talent.Person",
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        LessonPage, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("完成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("课时完成记录")
        verbose_name_plural = _("课时完成记录")
        constraints = [
            models.UniqueConstraint(fields=["person", "lesson"], name="lesson_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.lesson}"
