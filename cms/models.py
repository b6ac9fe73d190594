from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock


class HomePage(Page):
    """The public front page of the academy."""

    intro = RichTextField(_("简介"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = [
        "cms.StandardPage",
        "cms.NewsIndexPage",
        "lms.CourseIndexPage",
        "lms.SalonCalendarPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news_index = NewsIndexPage.objects.live().child_of(self).first()
        context["latest_news"] = (
            NewsPage.objects.live().descendant_of(news_index).order_by("-date")[:4]
            if news_index
            else []
        )
        return context


class StandardPage(Page):
    intro = models.CharField(_("导语"), max_length=250, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = _("普通页面")


class NewsIndexPage(Page):
    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("新闻列表")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.live().child_of(self).order_by("-date", "-pk")
        context["news"] = Paginator(items, 10).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField(_("发布日期"))
    summary = models.CharField(_("摘要"), max_length=250, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]

    class Meta:
        verbose_name = _("新闻")


class TaskReceipt(models.Model):
    """One background job's effect, written in the same transaction as the
    effect itself: a job delivered twice (its worker was killed before the
    broker heard back) finds the receipt and does nothing (cms.tasks.run_once)."""

    key = models.CharField(_("任务键"), max_length=200, unique=True)
    done_at = models.DateTimeField(_("完成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("后台任务回执")
        verbose_name_plural = _("后台任务回执")

    def __str__(self) -> str:
        return self.key
