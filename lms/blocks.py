from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class KeyPointBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"))
    text = blocks.RichTextBlock(label=_("内容"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "info-circle"
        label = _("要点提示")
        template = "lms/blocks/key_point.html"


class LessonBlock(blocks.StreamBlock):
    """What an editor can put in a lesson: text, video, documents and images."""

    heading = blocks.CharBlock(label=_("小标题"), form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(label=_("正文"))
    video = EmbedBlock(label=_("视频"), icon="media")
    document = DocumentChooserBlock(label=_("课件/文档"))
    image = ImageBlock(label=_("图片"))
    key_point = KeyPointBlock()

    class Meta:
        template = "lms/blocks/lesson_body.html"
