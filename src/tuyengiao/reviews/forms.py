"""Forms of the review pages: which review, what people write, a reason to return it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.dates import today
from tuyengiao.core.forms import VNDateField
from tuyengiao.reviews.commendation import Weights
from tuyengiao.reviews.models import NARRATIVE_LIMIT, NARRATIVE_PARTS, Review, ReviewKind
from tuyengiao.reviews.services import PARTICULARS, ReviewInput


class ChooseForm(forms.Form):
    """Which unit, kind and year; the search box filters the units under it."""

    unit = forms.CharField(label=_("Unit code"), max_length=32, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    q = forms.CharField(label=_("Find"), max_length=200, required=False)

    def chosen(self, default_unit: str) -> tuple[str, str, int, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            (data.get("unit") or default_unit).strip().upper(),
            data.get("kind") or ReviewKind.YEARLY,
            data.get("year") or today().year,
            (data.get("q") or "").strip(),
        )


def _narrative_field(label: Any) -> forms.CharField:
    # No max_length here: the service says how long a part is, next to it, and keeps nothing.
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 8}), strip=False
    )


class ReviewForm(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"), max_length=60, required=False, help_text=_("e.g. 25/BC-LĐLĐ")
    )
    place = forms.CharField(label=_("Place name"), max_length=60, required=False)
    issued_on = VNDateField(label=_("Date"), required=False)
    signer_title = forms.CharField(
        label=_("Signing for"),
        max_length=120,
        required=False,
        help_text=_("e.g. TM. Ban Thường vụ"),
    )
    signer_position = forms.CharField(label=_("Position"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Signer"), max_length=120, required=False)
    recipients = forms.CharField(
        label=_("Recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    achievements = _narrative_field(_("1. Strengths"))
    shortcomings = _narrative_field(_("2. Shortcomings and limitations"))
    causes = _narrative_field(_("3. Causes"))
    lessons = _narrative_field(_("4. Lessons learnt"))
    tasks_ahead = _narrative_field(_("Tasks and solutions ahead"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in NARRATIVE_PARTS:
            self.fields[part].help_text = _("Up to %(limit)s characters.") % {
                "limit": f"{NARRATIVE_LIMIT:,}".replace(",", ".")
            }

    @staticmethod
    def initial_for(review: Review) -> dict[str, Any]:
        names = (*PARTICULARS, *NARRATIVE_PARTS)
        return {name: getattr(review, name) for name in names} | {
            "version": review.version if review.pk else 0
        }

    def to_input(self) -> ReviewInput:
        data = self.cleaned_data
        return ReviewInput(**{name: data[name] for name in (*PARTICULARS, *NARRATIVE_PARTS)})

    @property
    def particulars(self) -> list[forms.BoundField]:
        return [self[name] for name in PARTICULARS]

    @property
    def narrative(self) -> list[forms.BoundField]:
        return [self[name] for name in NARRATIVE_PARTS]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("What should be changed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what should be changed.")},
    )


class CommendationForm(forms.Form):
    """Which unit's units to rank, for which year, and how much each criterion weighs."""

    unit = forms.CharField(label=_("Unit code"), max_length=32, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    targets = forms.IntegerField(
        label=_("Weight: targets met"), min_value=0, max_value=100, initial=40, required=False
    )
    reporting = forms.IntegerField(
        label=_("Weight: reports on time"), min_value=0, max_value=100, initial=30, required=False
    )
    activities = forms.IntegerField(
        label=_("Weight: activities per grassroots union"),
        min_value=0,
        max_value=100,
        initial=30,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(name) for name in ("targets", "reporting", "activities")]
        if all(w is not None for w in weights) and not sum(w or 0 for w in weights):
            raise forms.ValidationError(_("Give at least one criterion a weight."))
        return data

    def chosen(self, default_unit: str) -> tuple[str, int, Weights]:
        """The unit, year and weights asked for; the defaults for what is missing or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        defaults = Weights()
        weights = Weights(
            **{
                name: data[name] if data.get(name) is not None else getattr(defaults, name)
                for name in ("targets", "reporting", "activities")
            }
        )
        unit = (data.get("unit") or default_unit).strip().upper()
        return unit, data.get("year") or today().year, weights
