from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from talent.models import GradeChangeReason, Person
from talent.selectors.access import scope_for


class ScopedPersonForm(WagtailAdminModelForm):
    """Offer only people inside the editing user's scope."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "person" in self.fields:
            self.fields["person"].queryset = (
                scope_for(for_user).people().select_related("unit").order_by("unit__path", "name")
            )


class GradeChangeForm(ScopedPersonForm):
    """Placement, appointment, correction; regular promotion goes through a review."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            c for c in GradeChangeReason.choices if c[0] != GradeChangeReason.PROMOTION
        ]
        self.fields["grade"].label_from_instance = lambda g: f"{g.name}（{g.pay_coefficient}）"


class ApproveForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("批准晋级人员"), queryset=Person.objects.none(), required=True
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["people"].queryset = people


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
