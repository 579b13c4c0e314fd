"""Forms of the campaign and plan-progress pages: search boxes, a new campaign, the choice of
unit, year and task. Dates as dd/mm/yyyy; the services' errors go next to the fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tuyengiao.activities.models import Campaign, CampaignKind
from tuyengiao.core.forms import VNDateField


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name or code")}),
    )

    def query(self) -> str:
        return str(self.cleaned_data["q"]).strip() if self.is_valid() else ""


class CampaignDetailsForm(forms.Form):
    """What can change in a campaign: its name, dates and description."""

    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        error_messages={"required": _("Enter the campaign's name.")},
    )
    start_date = VNDateField(
        label=_("Start date"), error_messages={"required": _("Enter the start date.")}
    )
    end_date = VNDateField(
        label=_("End date"), error_messages={"required": _("Enter the end date.")}
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "start_date", "end_date", "description")}


class CampaignForm(CampaignDetailsForm):
    """A new campaign run by the user's unit or one under it."""

    field_order = ["code", "name", "kind", "unit", "start_date", "end_date", "description"]
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short and unique, e.g. ATVSLD-GD-2026."),
        error_messages={"required": _("Enter a code.")},
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Use letters without diacritics, digits, dots and hyphens only."),
            )
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CampaignKind.choices,
        initial=CampaignKind.OTHER,
        error_messages={"required": _("Choose the kind of campaign.")},
    )
    unit = forms.CharField(
        label=_("Run by (unit code)"),
        max_length=32,
        help_text=_("Your unit or one under it; the units under it take part."),
        error_messages={"required": _("Enter the code of the unit running the campaign.")},
    )

    def service_kwargs(self) -> dict[str, Any]:
        """What campaign_create takes besides the unit (resolved by its gate)."""
        return {"code": self.cleaned_data["code"], "kind": self.cleaned_data["kind"]} | (
            self.details()
        )


class CampaignEditForm(CampaignDetailsForm):
    """A campaign's details as loaded, with the version they were loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        names = ("name", "start_date", "end_date", "description", "version")
        return {name: getattr(campaign, name) for name in names}


class CampaignDeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    """Which unit, and for the breakdown which year and task; choices come from the plan."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    year = forms.ChoiceField(label=_("Year"), required=False)
    task = forms.ChoiceField(label=_("Task"), required=False)

    def __init__(
        self,
        *,
        unit: str,
        year: int,
        task: str,
        years: Sequence[int],
        tasks: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(initial={"unit": unit, "year": str(year), "task": task}, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(str(y), str(y)) for y in years]
        cast(forms.ChoiceField, self.fields["task"]).choices = [
            (code, f"{code} – {_short(title)}") for code, title in tasks
        ]


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
