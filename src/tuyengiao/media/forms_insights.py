"""Forms of the monitoring overview and the models page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import FilterForm, VNDateField
from tuyengiao.media.models_monitoring import LabelField


class OverviewFilterForm(FilterForm):
    unit = forms.CharField(label=_("Unit (code)"), max_length=32, required=False)
    start = VNDateField(label=_("From"), required=False)
    end = VNDateField(label=_("To"), required=False)


class RetrainForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=LabelField.choices)
    with_training_set = forms.BooleanField(
        label=_("Learn from the project's own training set too"),
        required=False,
        initial=True,
        help_text=_("Recommended: a few labels then adjust the model rather than replace it."),
    )
