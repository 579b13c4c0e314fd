"""Forms of the Excel import and export of units."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import VNDateField


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("One row per unit, with the column headers of the template in row 1."),
        error_messages={
            "required": _("Choose the Excel file to import."),
            "empty": _("The file is empty: choose the Excel file of units."),
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
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

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def content(self) -> bytes:
        data: bytes = self.cleaned_data["file"].read()
        return data


class CommitForm(forms.Form):
    """What the preview's button posts: the file and the plan the user saw."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


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
