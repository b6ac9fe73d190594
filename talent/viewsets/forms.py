from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from talent.models import GradeChangeReason, OrgUnit
from talent.selectors.access import scope_for
from talent.selectors.duties import others_only

from .display import name_user_choices


class ScopedUnitFormMixin:
    """Offer only units inside the editing user's scope."""

    unit_field = "unit"

    def limit_units(self, user):
        if user is not None and self.unit_field in self.fields:
            self.fields[self.unit_field].queryset = scope_for(user).units().order_by("path")


class PersonForm(ScopedUnitFormMixin, WagtailAdminModelForm):
    new_national_id = forms.CharField(
        label=_("身份证号"),
        required=False,
        max_length=18,
        help_text=_("出于隐私保护不回显。留空则保持不变。"),
    )
    clear_national_id = forms.BooleanField(label=_("清除已存的身份证号"), required=False)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.limit_units(for_user)
        if self.instance.national_id:
            self.fields["new_national_id"].widget.attrs["placeholder"] = (
                self.instance.masked_national_id
            )

    def clean_new_national_id(self):
        value = self.cleaned_data["new_national_id"].strip().upper()
        if value and (
            len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X"
        ):
            raise forms.ValidationError(_("身份证号应为 18 位，最后一位可以是数字或 X。"))
        return value

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("clear_national_id"):
            self.instance.national_id = ""
        elif self.cleaned_data.get("new_national_id"):
            self.instance.national_id = self.cleaned_data["new_national_id"]


class OrgUnitForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("留空表示顶级单位（仅系统管理员可用）。"),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        units = scope_for(for_user).units().order_by("path") if for_user else None
        if units is not None:
            if self.instance.pk:
                units = units.exclude(path__startswith=self.instance.path)
                self.initial.setdefault("parent", self.instance.get_parent())
            self.fields["parent"].queryset = units


class ScopeGrantForm(ScopedUnitFormMixin, WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.limit_units(for_user)
        name_user_choices(self)


class ScopedPersonForm(WagtailAdminModelForm):
    """Offer only people inside the editing user's scope, never the user's own
    person: every form on this base records a fact about the person, which
    separation of duties (``talent.selectors.duties``) refuses for oneself."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "person" in self.fields:
            self.fields["person"].queryset = others_only(
                scope_for(for_user).people().select_related("unit").order_by("unit__path", "name"),
                for_user,
            )


class GradeChangeForm(ScopedPersonForm):
    """Placement, appointment, correction; regular promotion goes through a review."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            c for c in GradeChangeReason.choices if c[0] != GradeChangeReason.PROMOTION
        ]
        self.fields["grade"].label_from_instance = lambda g: f"{g.name}（{g.pay_coefficient}）"


class ServiceErrorsMixin:
    """Create/edit views whose save is a service: a ValidationError raised by the
    service shows on the form instead of becoming a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
