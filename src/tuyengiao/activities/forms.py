"""Forms of the activity pages: the activity itself, the list's filters, the file upload."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors
from tuyengiao.activities.models import (
    Activity,
    ActivityKind,
    EventKind,
    EventLevel,
    TrainingKind,
    Venue,
)
from tuyengiao.activities.services import ActivityInput
from tuyengiao.core.dates import today
from tuyengiao.core.forms import VNDateField, blank_choice
from tuyengiao.orgs.forms import UnitCodeField

FIRST_YEAR = 2023
# The plan's term: its years stay choosable even before they start.
LAST_YEAR = 2028


def _label(name: str) -> str:
    return str(capfirst(getattr(Activity._meta.get_field(name), "verbose_name", name)))


class ActivityForm(forms.Form):
    title = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    kind = forms.ChoiceField(choices=blank_choice(_("— choose —")) + ActivityKind.choices)
    training_kind = forms.ChoiceField(
        required=False, choices=blank_choice("—") + TrainingKind.choices
    )
    event_kind = forms.ChoiceField(required=False, choices=blank_choice("—") + EventKind.choices)
    event_level = forms.ChoiceField(required=False, choices=blank_choice("—") + EventLevel.choices)
    organiser = UnitCodeField(
        help_text=_("The code of the unit that organised it, as shown in the union tree.")
    )
    start_date = VNDateField()
    end_date = VNDateField(required=False, help_text=_("Leave empty for a one-day activity."))
    topics = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    task = forms.ChoiceField(required=False)
    campaign = forms.ChoiceField(required=False)
    venue = forms.ChoiceField(choices=blank_choice(_("— choose —")) + Venue.choices)
    place = forms.CharField(max_length=300, required=False)
    audience = forms.CharField(
        max_length=300, required=False, help_text=_("E.g. workers of the Hoa Lư garment company.")
    )
    participants = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)
    participants_members = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)
    participants_women = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)
    document = forms.CharField(
        max_length=300,
        required=False,
        help_text=_("The plan, programme or document it carries out, e.g. Kế hoạch số 15-KH/LĐLĐ."),
    )
    description = forms.CharField(
        required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    links = forms.CharField(
        label=_("News about it"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the address, then the title if you like."),
    )

    def __init__(self, user: User, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.fields:
            if name != "links":
                self.fields[name].label = _label(name)
        cast(forms.MultipleChoiceField, self.fields["topics"]).choices = [
            (t.code, t.name) for t in selectors.topics()
        ]
        cast(forms.ChoiceField, self.fields["task"]).choices = blank_choice(_("— none —")) + [
            (str(t.pk), f"{t.code} · {t.title[:80]} ({t.plan.code})")
            for t in selectors.tasks_for_choice(user)
        ]
        cast(forms.ChoiceField, self.fields["campaign"]).choices = blank_choice(_("— none —")) + [
            (c.code, f"{c.name} ({c.start_date:%d/%m/%Y} – {c.end_date:%d/%m/%Y})")
            for c in selectors.campaigns_for_user(user)[:50]
        ]
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        for name in ("participants", "participants_members", "participants_women"):
            self.fields[name].widget.attrs.update(size=8, inputmode="numeric")
            self.fields[name].error_messages.update(
                invalid=_("Enter a whole number, 0 or more."),
                min_value=_("Enter a whole number, 0 or more."),
            )

    @classmethod
    def initial_for(cls, activity: Activity) -> dict[str, Any]:
        initial = {
            name: getattr(activity, name)
            for name in (
                "title", "kind", "training_kind", "event_kind", "event_level", "start_date",
                "end_date", "venue", "place", "audience", "participants", "participants_members",
                "participants_women", "document", "description", "version",
            )
        }  # fmt: skip
        initial["organiser"] = activity.organiser.code
        initial["topics"] = [t.code for t in activity.topics.all()]
        initial["task"] = str(activity.task_id or "")
        initial["campaign"] = activity.campaign.code if activity.campaign else ""
        initial["links"] = "\n".join(
            f"{link.url} {link.title}".strip() for link in activity.links.all()
        )
        return initial

    def _links(self) -> list[tuple[str, str]]:
        found = []
        for line in str(self.cleaned_data.get("links") or "").splitlines():
            url, _space, title = line.strip().partition(" ")
            if url:
                found.append((url, title.strip()))
        return found

    def to_input(self) -> ActivityInput:
        """What the service records; assumes is_valid()."""
        data = self.cleaned_data
        topics = list(selectors.topics().filter(code__in=data["topics"]))
        task = selectors.tasks_for_choice(self.user).filter(pk=data["task"] or 0).first()
        campaign = selectors.campaigns_for_user(self.user).filter(code=data["campaign"]).first()
        start: dt.date = data["start_date"]
        return ActivityInput(
            title=data["title"],
            kind=data["kind"],
            organiser=data["organiser"],
            venue=data["venue"],
            start_date=start,
            end_date=data["end_date"] or start,
            topics=topics,
            task=task,
            campaign=campaign,
            audience=data["audience"],
            place=data["place"],
            participants=data["participants"],
            participants_members=data["participants_members"],
            participants_women=data["participants_women"],
            document=data["document"],
            description=data["description"],
            training_kind=data["training_kind"],
            event_kind=data["event_kind"],
            event_level=data["event_level"],
            links=self._links(),
        )


def year_choices() -> list[tuple[str, str]]:
    last = max(today().year + 1, LAST_YEAR)
    return [(str(y), str(y)) for y in range(last, FIRST_YEAR - 1, -1)]


class ActivityFilterForm(forms.Form):
    """The list's (and the calendar's, the export's) filters; bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    task = forms.CharField(label=_("Plan task"), required=False, max_length=20)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=40)
    year = forms.ChoiceField(label=_("Year"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("title, audience, place, document")}
        )
        self.fields["unit"].widget.attrs.update(size=10)
        self.fields["task"].widget.attrs.update(size=8, placeholder="TASK-1")
        self.fields["campaign"].widget.attrs.update(size=12)
        cast(forms.ChoiceField, self.fields["kind"]).choices = (
            blank_choice(_("All")) + ActivityKind.choices
        )
        cast(forms.ChoiceField, self.fields["topic"]).choices = blank_choice(_("All")) + [
            (t.code, t.name) for t in selectors.topics()
        ]
        cast(forms.ChoiceField, self.fields["year"]).choices = (
            blank_choice(_("All")) + year_choices()
        )
        cast(forms.ChoiceField, self.fields["month"]).choices = blank_choice(_("All")) + [
            (str(m), str(m)) for m in range(1, 13)
        ]

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: str(v).strip() for k, v in self.cleaned_data.items() if v}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented way)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)]


class FilesForm(forms.Form):
    upload = MultipleFileField(
        label=_("Photos and documents"),
        help_text=_("Photos (.jpg, .png, .webp) and documents (.pdf, .docx, .xlsx, .pptx)."),
        error_messages={"required": _("Choose at least one file.")},
    )


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
