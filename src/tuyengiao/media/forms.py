"""Forms of the media pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.activities.models import Activity
from tuyengiao.core.forms import FilterForm, VNDateField, blank_choice
from tuyengiao.media.models import ADDRESS_LIMIT, TITLE_LIMIT, Channel, NewsKind
from tuyengiao.media.news_services import NewsInput
from tuyengiao.orgs.forms import UnitCodeField

REACH_LIMIT = 2_000_000_000  # a count a PositiveIntegerField holds


class NewsForm(forms.Form):
    unit = UnitCodeField(label=_("Union that published it (code)"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=blank_choice(_("— choose —")) + Channel.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=blank_choice(_("— choose —")) + NewsKind.choices
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    address = forms.URLField(
        label=_("Address"),
        assume_scheme="https",
        max_length=ADDRESS_LIMIT,
        required=False,
        help_text=_("The page where it can be read or watched; empty for radio or television."),
    )
    published_on = VNDateField(label=_("Published on"))
    activity = forms.IntegerField(
        label=_("Activity reported on (number)"),
        min_value=1,
        required=False,
        help_text=_("The number in the address of the activity's page, if the item reports one."),
    )
    views = forms.IntegerField(label=_("Views"), min_value=0, max_value=REACH_LIMIT, required=False)
    reactions = forms.IntegerField(
        label=_("Reactions"), min_value=0, max_value=REACH_LIMIT, required=False
    )
    shares = forms.IntegerField(
        label=_("Shares"), min_value=0, max_value=REACH_LIMIT, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update(size=60)

    def clean_activity(self) -> Activity | None:
        number = self.cleaned_data.get("activity")
        if number is None:
            return None
        activity = Activity.objects.filter(pk=number).first()
        if activity is None:
            raise forms.ValidationError(_("There is no activity with this number."))
        return activity

    def data_input(self) -> NewsInput:
        data = self.cleaned_data
        return NewsInput(
            channel=data["channel"],
            title=data["title"],
            kind=data["kind"],
            published_on=data["published_on"],
            address=data["address"],
            activity=data["activity"],
            views=data["views"],
            reactions=data["reactions"],
            shares=data["shares"],
        )


class NewsFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=blank_choice(_("All")) + Channel.choices
    )
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("title, address"))
        self.fields["unit"].widget.attrs.update(size=10)
