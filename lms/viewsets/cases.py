"""Organiser admin: case tasks with their rubric, and submissions (read-only)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic

from talent.api import ScopedModelViewSet

from ..models import CaseSubmission, CaseTask


class CaseTaskViewSet(ScopedModelViewSet):
    district_wide = True
    model = CaseTask
    icon = "doc-full"
    menu_label = _("案例任务")
    url_prefix = "lms/case-tasks"
    url_namespace = "lms_casetask"
    list_display = ["title", "stage", "order"]
    list_filter = ["stage__tier"]
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False


class CaseSubmissionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("task", "person", "reviewer")


class CaseSubmissionViewSet(ScopedModelViewSet):
    """Submissions of people in the organiser's scope. Reviews happen on the
    mentor's phone page, so the admin only lists and inspects."""

    model = CaseSubmission
    icon = "clipboard-list"
    menu_label = _("案例提交")
    url_prefix = "lms/case-submissions"
    url_namespace = "lms_casesubmission"
    scope_prefix = "person__unit__"
    read_only = True  # submissions change through lms.services.cases (submit, review)
    index_view_class = CaseSubmissionIndexView
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["person", "task", "version", "status", "submitted_at", "total_score"]
    list_filter = ["status", "task"]
    search_fields = ["person__name", "person__staff_no"]
    search_backend_name = None
    list_export = ["person", "task", "version", "status", "submitted_at", "reviewer", "total_score"]
    export_filename = "case-submissions"
    inspect_view_fields = [
        "person",
        "task",
        "version",
        "status",
        "text",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "comment",
        "total_score",
    ]
    form_fields = ["comment"]
