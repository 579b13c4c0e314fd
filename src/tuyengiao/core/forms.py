"""Form pieces shared by every app: dd/mm/yyyy dates, service errors shown next to fields, and
the Excel upload (the file field and the preview's commit button)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.excel import too_large_message
from tuyengiao.core.xlsx import XLSX


def blank_choice(label: Any) -> list[tuple[str, Any]]:
    """The empty first choice of a select ("— choose —", "All")."""
    return [("", label)]


def posted_version(request: HttpRequest) -> int:
    """The record's version the page was showing (optimistic locking); -1 if missing or
    malformed, which no record has, so the service answers with the conflict message."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy: office staff type dates rather than pick them."""

    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})


class VNDateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 01/07/2025.")}


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the fields it names (`aliases` maps a service's name
    for a field to the form's), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


class FilterForm(forms.Form):
    """A list's filters, read from the query string; bad values are ignored."""

    def values(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class AsOfForm(forms.Form):
    """The "as of" date of tree pages; an empty or bad date means today."""

    date = VNDateField(label=_("As of"), required=False)

    def as_of(self, default: dt.date | None) -> dt.date | None:
        if self.is_valid() and self.cleaned_data["date"]:
            value: dt.date = self.cleaned_data["date"]
            return value
        return default


class XlsxFileField(forms.FileField):
    """An Excel file to upload: the file picker offers .xlsx files, and a file larger than
    IMPORT_MAX_BYTES is refused before it is read."""

    default_error_messages = {"required": _("Choose the Excel file to upload.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Excel file (.xlsx)"))
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": f".xlsx,{XLSX}"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(too_large_message())
        return upload


class CommitForm(forms.Form):
    """What an upload's preview posts to commit it: the file and the plan the user saw."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
