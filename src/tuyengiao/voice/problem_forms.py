"""Forms of the implementation-problem pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import FilterForm
from tuyengiao.orgs.forms import UnitCodeField
from tuyengiao.voice.models import TEXT_LIMIT, ProblemStatus
from tuyengiao.voice.problem_services import FORWARD_LIMIT, TITLE_LIMIT, ProblemInput

# Where the provincial department usually sends what it cannot settle itself (the field
# suggests them; any other recipient can be typed).
FORWARD_SUGGESTIONS = [
    _("Standing Committee of the provincial federation"),
    _("Policy and Law Department"),
    _("Organisation Department"),
    _("Finance Department"),
    _("Office of the provincial federation"),
]


class ProblemForm(forms.Form):
    unit = UnitCodeField(
        label=_("Reporting unit (code)"),
        help_text=_("Your unit, or a unit under it."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_LIMIT, widget=forms.TextInput(attrs={"size": 60})
    )
    text = forms.CharField(
        label=_("The problem"),
        help_text=_("What happened, what was tried, and what the unit needs from the province."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
    )

    def data_input(self) -> ProblemInput:
        return ProblemInput(title=self.cleaned_data["title"], text=self.cleaned_data["text"])


class ProblemEditForm(ProblemForm):
    """The problem's own text: its unit stays as reported."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["unit"]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT_LIMIT
    )


class ForwardForm(forms.Form):
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        help_text=_("The Standing Committee, another department or body that can settle it."),
        max_length=FORWARD_LIMIT,
        widget=forms.TextInput(attrs={"list": "forward-suggestions", "size": 40}),
    )
    note = forms.CharField(
        label=_("Note to the reporting unit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
    )


class ProblemFilterForm(FilterForm):
    """The list's filters; bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ProblemStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("title, text, unit"))
