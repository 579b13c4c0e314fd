"""Forms of the Excel import and export of units."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import VNDateField, XlsxFileField


class ImportUploadForm(forms.Form):
    file = XlsxFileField(
        help_text=_("One row per unit, with the column headers of the template in row 1."),
        error_messages={
            "required": _("Choose the Excel file to import."),
            "empty": _("The file is empty: choose the Excel file of units."),
        },
    )
    effective_date = VNDateField(
        label=_("Effective date of moves and renames"),
        required=False,
        help_text=_(
            "Needed when the file moves or renames units. New units take the establishment "
            "date of their row."
        ),
    )
    reason = forms.CharField(
        label=_("Reason or decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the number and date of the decision."),
        error_messages={"required": _("Give the reason or the decision behind this import.")},
    )


class PreviewFilterForm(forms.Form):
    SHOW_CHOICES = [
        ("changes", _("Changes")),
        ("unchanged", _("Unchanged rows")),
        ("errors", _("Errors")),
    ]
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def values(self, default_show: str) -> tuple[str, str]:
        if not self.is_valid():
            return default_show, ""
        return self.cleaned_data["show"] or default_show, self.cleaned_data["q"]


class ExportForm(forms.Form):
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=32,
        help_text=_("Empty: the unit you are responsible for, with every unit under it."),
    )
    date = VNDateField(label=_("As of"), required=False)

    def values(self) -> tuple[str, dt.date | None]:
        if not self.is_valid():
            return "", None
        date: dt.date | None = self.cleaned_data["date"]
        return self.cleaned_data["unit"].strip(), date
