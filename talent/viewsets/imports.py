"""A generic Wagtail admin view for spreadsheet imports.

Upload → dry run (every bad cell listed by row and column, or a preview of what will
be written) → confirm → all-or-nothing commit. The uploaded file is kept in a private
directory between the dry run and the confirmation, bound to the user's session.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from talent.imports.base import ImportRejected, ImportSpec, ParsedRow, run_import
from talent.selectors.access import holds_whole_district
from talent.spreadsheets import XLSX_CONTENT_TYPE

SESSION_KEY = "academy_pending_imports"


def pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class SpreadsheetImportView(WagtailAdminTemplateMixin, View):
    """Upload → dry run → all-or-nothing commit, for one ``ImportSpec``.

    Subclass with ``permission_required``, ``url_name`` and either ``spec_factory`` and
    ``apply_rows`` (functions taking ``actor=``) or overrides of ``setup`` (setting
    ``self.spec``) and ``apply`` when the import needs more than the actor.
    """

    spec: ImportSpec
    permission_required: str = ""
    url_name: str = ""
    template_name = "talent/admin/import.html"
    header_icon = "upload"
    preview_rows = 20
    spec_factory = None
    apply_rows = None
    district_wide = False  # a shared catalogue: only those holding the whole district import

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if type(self).spec_factory is not None:
            self.spec = type(self).spec_factory(actor=request.user)

    def apply(self, rows: list[ParsedRow]) -> str:
        """Write the rows (inside the import's transaction); return a summary."""
        return type(self).apply_rows(rows, actor=self.request.user)

    def audit_object(self):
        """The object the import's audit event is attached to (e.g. a unit)."""
        return None

    def describe(self, row: ParsedRow) -> list:
        return [row.values.get(c.key) for c in self.spec.columns]

    # (url name, label) of the list this import feeds, for the breadcrumbs
    parent_crumb: tuple[str, str] | None = None

    def get_page_title(self):
        return self.spec.title

    def get_breadcrumbs_items(self):
        items = list(self.breadcrumbs_items)
        if self.parent_crumb:
            items.append({"url": reverse(self.parent_crumb[0]), "label": self.parent_crumb[1]})
        return items + [{"url": "", "label": self.spec.title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        if self.district_wide and not holds_whole_district(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if request.GET.get("template"):
            response = HttpResponse(self.spec.template(), content_type=XLSX_CONTENT_TYPE)
            filename = f"{self.spec.name}-template.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return self.render(form=UploadForm())

    def post(self, request):
        token = request.POST.get("token")
        if token:
            return self.confirm(request, token)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        try:
            result = run_import(
                self.spec, upload, actor=request.user, commit=False, apply=self.apply
            )
        except ImportRejected as exc:
            form.add_error("file", str(exc))
            return self.render(form=form)
        token = None
        if result.ok:
            token = self.keep(request, upload)
        return self.render(form=UploadForm(), result=result, token=token, file_name=upload.name)

    def confirm(self, request, token: str):
        path = request.session.get(SESSION_KEY, {}).pop(token, None)
        request.session.modified = True
        if not path or not os.path.exists(path):
            messages.error(request, _("导入已过期，请重新上传文件。"))
            return redirect(self.url_name)
        try:
            with open(path, "rb") as handle:
                result = run_import(
                    self.spec,
                    handle,
                    actor=request.user,
                    commit=True,
                    apply=self.apply,
                    audit_obj=self.audit_object(),
                )
        finally:
            os.unlink(path)
        if result.committed:
            messages.success(request, _("导入完成：%(summary)s") % {"summary": result.summary})
            return redirect(self.url_name)
        return self.render(form=UploadForm(), result=result)

    def keep(self, request, upload) -> str:
        token = uuid.uuid4().hex
        path = pending_dir() / f"{token}.xlsx"
        upload.seek(0)
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        pending = request.session.setdefault(SESSION_KEY, {})
        pending[token] = str(path)
        request.session.modified = True
        return token

    def render(self, **context):
        result = context.get("result")
        context.update(
            self.get_context_data(),
            spec=self.spec,
            headers=[c.header for c in self.spec.columns],
            preview=[self.describe(r) for r in result.rows[: self.preview_rows]]
            if result and result.ok
            else [],
        )
        return TemplateResponse(self.request, self.template_name, context)
