"""The rubric form every party of the four-party evaluation fills in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from talent.models import RUBRIC
from talent.models.placements import RUBRIC_MAX


class EvaluationForm(forms.Form):
    """One 1–5 choice per rubric criterion, then a comment."""

    comment = forms.CharField(
        label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i, str(i)) for i in range(1, RUBRIC_MAX + 1)]
        for key, label in RUBRIC:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields([key for key, _label in RUBRIC] + ["comment"])

    def scores(self) -> dict:
        return {key: self.cleaned_data[key] for key, _label in RUBRIC}
