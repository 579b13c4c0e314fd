"""Forms of the report pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import VNDateField


class DecisionForm(forms.Form):
    """The upper level's comment (returning) or reason (reopening)."""

    text = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return or reopen the report: say what must be corrected."),
    )


class ClosingForm(forms.Form):
    closed_on = VNDateField(
        label=_("Entry closes on"),
        required=False,
        help_text=_("From this day on, nobody can enter or change figures of the period."),
    )
