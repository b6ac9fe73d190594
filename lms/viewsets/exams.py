"""Organiser admin: the question bank and mock-paper blueprints."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from talent.api import ScopedModelViewSet

from ..models import ExamBlueprint, Question, QuestionKind
from ..models.exams import OPTION_LETTERS


class QuestionForm(WagtailAdminModelForm):
    """Options are edited one per line; the answer as letters (e.g. B or ACD)."""

    options_text = forms.CharField(
        label=_("选项"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一个选项，依次为 A、B、C、D（最多 5 个）。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = "\n".join(self.instance.options or [])

    def clean(self):
        data = super().clean()
        options = [
            line.strip() for line in data.get("options_text", "").splitlines() if line.strip()
        ]
        if not 2 <= len(options) <= len(OPTION_LETTERS):
            self.add_error("options_text", _("选项应有 2 到 5 个。"))
            return data
        answer = "".join(sorted(set((data.get("answer") or "").upper().replace(" ", ""))))
        allowed = OPTION_LETTERS[: len(options)]
        if not answer or any(c not in allowed for c in answer):
            self.add_error("answer", _("答案只能是 %(letters)s 中的字母。") % {"letters": allowed})
        elif data.get("kind") == QuestionKind.SINGLE and len(answer) != 1:
            self.add_error("answer", _("单项选择题只能有一个正确答案。"))
        elif data.get("kind") == QuestionKind.MULTIPLE and len(answer) < 2:
            self.add_error("answer", _("多项选择题至少有两个正确答案。"))
        data["answer"] = answer
        self.instance.options = options
        self.instance.answer = answer
        return data


class QuestionIndexView(generic.IndexView):
    @property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("lms.add_question"):
            buttons.append(
                HeaderButton(_("导入题库"), url=reverse("lms_question_import"), icon_name="upload")
            )
        return buttons


class QuestionViewSet(ScopedModelViewSet):
    district_wide = True
    model = Question
    icon = "help"
    menu_label = _("题库")
    url_prefix = "lms/questions"
    url_namespace = "lms_question"
    index_view_class = QuestionIndexView
    copy_view_enabled = True
    list_display = ["stem", "subject", "topic", "kind", "level", "answer"]
    list_filter = ["level", "subject", "kind", "is_active"]
    search_fields = ["stem", "topic"]
    search_backend_name = None
    list_per_page = 50
    list_export = ["level", "subject", "topic", "kind", "stem", "options", "answer", "explanation"]
    export_filename = "question-bank"
    edit_handler = ObjectList(
        [
            FieldPanel("level"),
            FieldPanel("subject"),
            FieldPanel("topic"),
            FieldPanel("kind"),
            FieldPanel("stem"),
            FieldPanel("options_text"),
            FieldPanel("answer"),
            FieldPanel("explanation"),
            FieldPanel("is_active"),
        ],
        base_form_class=QuestionForm,
    )


class ExamBlueprintViewSet(ScopedModelViewSet):
    district_wide = True
    model = ExamBlueprint
    icon = "form"
    menu_label = _("模拟试卷")
    url_prefix = "lms/blueprints"
    url_namespace = "lms_blueprint"
    form_fields = [
        "name",
        "level",
        "subject",
        "topic",
        "single_count",
        "single_points",
        "multiple_count",
        "multiple_points",
        "time_limit_minutes",
        "is_active",
    ]
    list_display = [
        "name",
        "level",
        "subject",
        "topic",
        "single_count",
        "multiple_count",
        "time_limit_minutes",
    ]
    list_filter = ["level", "subject"]
    copy_view_enabled = False
