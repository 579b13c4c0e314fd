"""Forms of the source pages: the list's filters, a source, an export's upload and its
columns, a submission by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import FilterForm, blank_choice
from tuyengiao.media.models_monitoring import NAME_LIMIT, SourceKind
from tuyengiao.media.source_exports import FIELDS, Columns
from tuyengiao.media.source_selectors import SourceState
from tuyengiao.media.source_services import ADDRESS_LIMIT, POLL_MINUTES, SourceInput
from tuyengiao.media.source_submit import LINK_LIMIT, Submission
from tuyengiao.orgs.forms import UnitCodeField

STATE_CHOICES = [
    (SourceState.FAILING, _("With errors")),
    (SourceState.PAUSED, _("Paused")),
    (SourceState.OK, _("Working")),
]
# What staff create by hand; the source of submissions is made on the first submission.
CREATED_KINDS = [(k.value, k.label) for k in (SourceKind.FEED, SourceKind.PAGE, SourceKind.EXPORT)]


class SourceFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[*blank_choice(_("All")), *SourceKind.choices]
    )
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*blank_choice(_("All")), *STATE_CHOICES]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("name, address"))


class SourceForm(forms.Form):
    unit = UnitCodeField(
        label=_("Watched for (unit code)"),
        help_text=_("Usually the provincial federation."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=NAME_LIMIT, widget=forms.TextInput(attrs={"size": 50})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CREATED_KINDS)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=ADDRESS_LIMIT,
        help_text=_(
            "The feed's address (RSS or Atom), or the web page to read the article from. For an "
            "export, the page or group it comes from (optional)."
        ),
        widget=forms.URLInput(attrs={"size": 60, "inputmode": "url", "spellcheck": "false"}),
    )
    poll_minutes = forms.IntegerField(
        label=_("Check every (minutes)"),
        initial=60,
        min_value=POLL_MINUTES[0],
        max_value=POLL_MINUTES[1],
        help_text=_("From 5 minutes to 1,440 (a day). After errors the server waits longer."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the unit and the kind stay as created
            del self.fields["unit"]
            del self.fields["kind"]

    def data_input(self, kind: str = "") -> SourceInput:
        data = self.cleaned_data
        return SourceInput(
            name=data["name"],
            kind=data.get("kind", kind),
            address=data["address"],
            poll_minutes=data["poll_minutes"],
            active=data["active"],
        )


def _column(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=200)


COLUMN_LABELS = {
    "text": _("Column of the text"),
    "title": _("Column of the title"),
    "address": _("Column of the address (link)"),
    "author": _("Column of the author shown"),
    "date": _("Column of the date"),
}


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export file (CSV or JSON, UTF-8)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.json,.txt,text/csv,application/json"}),
        error_messages={"required": _("Choose the file to import.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in FIELDS:
            self.fields[part] = _column(COLUMN_LABELS[part])
        self.fields["text"].help_text = _(
            "Leave the columns empty to use the usual names (message, text, content, url, "
            "author, date…)."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def columns(self) -> Columns:
        return Columns.from_dict(self.cleaned_data)


class ColumnsForm(forms.Form):
    """The columns of an uploaded file, chosen among those it has."""

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [*blank_choice(_("— none —")), *((name, name) for name in columns)]
        for part in FIELDS:
            self.fields[part] = forms.ChoiceField(
                label=COLUMN_LABELS[part], choices=choices, required=part == "text"
            )

    def columns(self) -> Columns:
        return Columns.from_dict(self.cleaned_data)


def _text_field() -> forms.CharField:
    """The pasted text, its limit read from the settings; the browser is not told the limit
    (it would cut a long paste silently), the server says it."""
    field = forms.CharField(
        label=_("Text of the post"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paste what the post says (public content only)."),
        max_length=settings.MONITOR_SUBMIT_MAX_CHARS,
        error_messages={
            "required": _("Paste the text of the post or article."),
            "max_length": _("At most %(limit_value)s characters (this text has %(show_value)s)."),
        },
    )
    field.widget.attrs.pop("maxlength", None)
    return field


class SubmitForm(forms.Form):
    unit = UnitCodeField(
        label=_("For the unit (code)"),
        required=False,
        help_text=_("Your own unit if left empty."),
    )
    link = forms.CharField(
        label=_("Link to the post"),
        required=False,
        max_length=LINK_LIMIT,
        widget=forms.URLInput(
            attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=_("Copy it from the app's “Share” → “Copy link”."),
    )
    screenshot = forms.ImageField(
        label=_("Screenshot (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, ask_unit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"] = _text_field()
        self.order_fields(["unit", "link", "text", "screenshot"])
        if not ask_unit:
            del self.fields["unit"]

    def clean_screenshot(self) -> Any:
        image = self.cleaned_data.get("screenshot")
        if image and image.size > settings.MONITOR_SCREENSHOT_MAX_BYTES:
            raise ValidationError(
                _("The screenshot is larger than %(size)s MB.")
                % {"size": settings.MONITOR_SCREENSHOT_MAX_BYTES // (1024 * 1024)}
            )
        return image

    def data_input(self) -> Submission:
        image = self.cleaned_data.get("screenshot")
        if image:
            image.seek(0)
        return Submission(
            text=self.cleaned_data["text"],
            link=self.cleaned_data["link"],
            screenshot=image.read() if image else None,
        )
