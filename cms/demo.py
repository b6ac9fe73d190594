"""Site pages the demo (and a flushed test database) needs."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission, Locale, Page, Site

from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from talent import api as talent

HOME_TITLE = "社工人才学院"
HOME_INTRO = (
    "<p>九龙坡区社区工作者分层培养平台：理论培训、案例实操、导师帮带，"
    "双月能力提升沙龙、高校实践基地与轮岗实训，助力社工职业资格考试。</p>"
)

NEWS = [
    (
        datetime.date(2026, 11, 6),
        "九龙街道第六期双月能力提升沙龙举行",
        "来自五个社工室的团队围绕“活动策划”进行路演，评委现场打分点评。",
    ),
    (
        datetime.date(2026, 10, 20),
        "2026 年社会工作者职业水平考试成绩公布",
        "九龙街道社区工作者持证率持续提升，考试专班学员通过率显著高于往年。",
    ),
    (
        datetime.date(2026, 9, 12),
        "西南大学社会工作实践基地迎来新一批实习生",
        "18 名社会工作专业学生进入九龙社工中心及各社区开展为期十六周的实习。",
    ),
]


@transaction.atomic
def ensure_site() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            locale = Locale.objects.get_or_create(language_code="zh-hans")[0]
            root = Page.add_root(title="Root", locale=locale)
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _grant_page_permissions(home: Page) -> None:
    group = Group.objects.get(name=talent.ROLE_GROUP_NAMES[talent.Role.ORGANISER])
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)


@transaction.atomic
def build_demo_pages() -> HomePage:
    home = ensure_site()
    if home.intro != HOME_INTRO:
        home.intro = HOME_INTRO
        home.save_revision().publish()
    _grant_page_permissions(home)
    if not StandardPage.objects.filter(slug="about").exists():
        home.add_child(
            instance=StandardPage(
                title="关于学院",
                slug="about",
                show_in_menus=True,
                intro="社工人才学院由九龙社工中心牵头，联合高校与社会组织共建。",
                body=[
                    ("heading", "分层培养"),
                    (
                        "paragraph",
                        "<p>面向新入职、骨干与领军人才三个层级，每层设理论培训、案例实操、"
                        "导师帮带三个阶段，学时与成果全程记录。</p>",
                    ),
                ],
            )
        )
    news_index = NewsIndexPage.objects.first()
    if news_index is None:
        news_index = home.add_child(
            instance=NewsIndexPage(title="新闻动态", slug="news", show_in_menus=True)
        )
    for date, title, summary in NEWS:
        if not NewsPage.objects.filter(title=title).exists():
            news_index.add_child(
                instance=NewsPage(
                    title=title,
                    date=date,
                    summary=summary,
                    body=[("paragraph", f"<p>{summary}</p>")],
                )
            )
    return home


DEMO_NOTIFICATIONS = [
    ("学时已签核", "导师已签核您 3 小时的导师帮带学时（入户走访）。", "/learn/practice/", 2),
    ("模拟考试成绩", "《社会工作实务》模拟卷已评分，薄弱知识点已更新。", "/learn/exams/", 5),
    ("双月沙龙报名提醒", "本期能力提升沙龙主题“活动策划”，请按时扫码签到。", "/salons/", 9),
]


def build_demo_notifications(username: str = "xueyuan") -> None:
    """A learner's recent messages, as history (no e-mail is sent for them)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None or talent.Notification.objects.filter(recipient=user).exists():
        return
    now = timezone.now()
    for title, body, url, days in DEMO_NOTIFICATIONS:
        note = talent.Notification.objects.create(
            recipient=user, title=title, body=body, url=url, emailed_at=now
        )
        talent.Notification.objects.filter(pk=note.pk).update(
            created_at=now - datetime.timedelta(days=days)
        )


def build() -> None:
    build_demo_pages()
    build_demo_notifications()
