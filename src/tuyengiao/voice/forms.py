"""Forms of the voice pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import FilterForm, VNDateField, blank_choice
from tuyengiao.orgs.forms import UnitCodeField
from tuyengiao.voice.case_services import CaseInput
from tuyengiao.voice.hotspot_services import ThresholdsInput
from tuyengiao.voice.models import (
    RECORDED_ACTIONS,
    TEXT_LIMIT,
    CaseStatus,
    IssueKind,
    Mood,
    WarningThresholds,
)


class SituationNoteForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("Workers' mood"),
        choices=Mood.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    thoughts = forms.CharField(
        label=_("What workers are thinking about"),
        help_text=_("Their concerns, what they talk about, rumours going round."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
    )
    requests = forms.CharField(
        label=_("What workers ask for"),
        help_text=_("Their wishes and proposals to the employer, the union and the authorities."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
    )


class CaseForm(forms.Form):
    unit = UnitCodeField(
        label=_("Grassroots union (code)"),
        help_text=_("The union of the enterprise where the issue is."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of issue"), choices=blank_choice(_("— choose —")) + IssueKind.choices
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, widget=forms.TextInput(attrs={"size": 60})
    )
    workers_affected = forms.IntegerField(label=_("Workers affected"), min_value=0)
    started_on = VNDateField(label=_("Started on"))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        required=False,
    )
    online_address = forms.URLField(
        label=_("Address of the online item"),
        help_text=_("When the issue was seen online: the public address where it was."),
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    def data_input(self) -> CaseInput:
        data = self.cleaned_data
        return CaseInput(
            kind=data["kind"],
            title=data["title"],
            workers_affected=data["workers_affected"],
            started_on=data["started_on"],
            description=data["description"],
        )


class CaseEditForm(CaseForm):
    """The case's own fields: its union and source stay as opened."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["unit"], self.fields["online_address"]


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=blank_choice(_("— choose —")) + [(k.value, k.label) for k in RECORDED_ACTIONS],
    )
    done_on = VNDateField(label=_("Date"))
    text = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
    )


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )
    resolved_on = VNDateField(label=_("Resolved on"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CaseFilterForm(FilterForm):
    """The list's filters; bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Not yet resolved")), *CaseStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=blank_choice(_("All")) + IssueKind.choices
    )
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    mine = forms.BooleanField(label=_("In my union's hands"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            type="search", placeholder=_("title, description, union")
        )
        self.fields["unit"].widget.attrs.update(size=10)


class HotspotFilterForm(FilterForm):
    unit = forms.CharField(label=_("Unit (code)"), max_length=32, required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    min_score = forms.IntegerField(
        label=_("Signals at least"), min_value=1, max_value=8, required=False
    )


class ThresholdsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WarningThresholds
        fields = [
            "report_months",
            "tense_months",
            "arrears_workers",
            "arrears_rise",
            "open_cases",
            "case_workers",
        ]

    def data_input(self) -> ThresholdsInput:
        return ThresholdsInput(**{name: self.cleaned_data[name] for name in self.Meta.fields})
