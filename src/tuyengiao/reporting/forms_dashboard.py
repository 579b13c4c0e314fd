"""The filters of the dashboard pages: year, indicator, search. Choices come from the plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.plans.models import Indicator


class DashboardFilterForm(forms.Form):
    """Year (the plan's years), and on the breakdown and drill-down pages the indicator and a
    search box. The structure travels as a hidden field; it is switched by links."""

    year = forms.ChoiceField(label=_("Year"))
    structure = forms.CharField(widget=forms.HiddenInput, required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    q = forms.CharField(
        label=_("Find a unit"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name or code")}),
    )

    def __init__(
        self,
        *,
        year: int,
        structure: str,
        years: Sequence[int],
        indicators: Sequence[Indicator] = (),
        indicator: Indicator | None = None,
        query: str = "",
        with_indicator: bool = False,
        **kwargs: Any,
    ) -> None:
        initial = {
            "year": str(year),
            "structure": structure,
            "indicator": indicator.code if indicator else "",
            "q": query,
        }
        super().__init__(initial=initial, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(str(y), str(y)) for y in years]
        if with_indicator:
            cast(forms.ChoiceField, self.fields["indicator"]).choices = [
                (i.code, f"{i.code} – {_short(i.name)}") for i in indicators
            ]
        else:
            del self.fields["indicator"]
            del self.fields["q"]


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
