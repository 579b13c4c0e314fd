"""Forms of the legal questions: the public ask form (with its honeypot and its signed fill
time), the FAQ's and the inbox's filters, and the officer's answer and publish forms."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import FilterForm
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.voice.models import TEXT_LIMIT, QuestionStatus, QuestionTopic
from tuyengiao.voice.question_services import (
    CONTACT_LIMIT,
    NAME_LIMIT,
    QUESTION_LIMIT,
    QuestionInput,
    setting,
)

STAMP_SALT = "tuyengiao.voice.question.form"
STAMP_MAX_AGE = 24 * 3600  # a form left open for a day is sent again with a fresh stamp
YES, NO = "yes", "no"


def new_stamp(at: float | None = None) -> str:
    """When the form was handed out, signed so that it cannot be forged."""
    return signing.dumps(int(at if at is not None else time.time()), salt=STAMP_SALT)


def unit_choices(units: list[OrgUnit]) -> list[tuple[str, Any]]:
    """The unions to ask, grouped by kind (the provinces on their own at the top)."""
    choices: list[tuple[str, Any]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        if unit.kind == UnitKind.PROVINCE:
            choices.append((unit.code, unit.name))
        else:
            groups.setdefault(unit.kind, []).append((unit.code, unit.name))
    for kind, members in groups.items():
        choices.append((str(UnitKind(kind).label), members))
    return choices


class AskForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is your question about?"),
        choices=QuestionTopic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your question is about.")},
    )
    unit = forms.ChoiceField(
        label=_("Union to ask"),
        help_text=_("The provincial federation, or the union of your sector, zone or commune."),
    )
    text = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=QUESTION_LIMIT,
        error_messages={
            "required": _("Write your question."),
            "max_length": _(
                "Your question is too long: at most %(limit_value)s characters (it has "
                "%(show_value)s). Shorten it and send it again."
            ),
        },
        help_text=_("Do not write your name or phone number here if you want to stay anonymous."),
    )
    anonymous = forms.ChoiceField(
        label=_("Who is asking"),
        choices=[
            (YES, _("Ask anonymously: you read the answer with the code you will be given")),
            (NO, _("Leave my name and a phone number or email for the answer")),
        ],
        widget=forms.RadioSelect,
        initial=YES,
    )
    asker_name = forms.CharField(label=_("Your name"), max_length=NAME_LIMIT, required=False)
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=CONTACT_LIMIT,
        required=False,
        help_text=_("Seen only by the union officers answering you."),
    )
    # A field people never see (hidden by the stylesheet) and robots fill in.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("stamp", new_stamp())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = unit_choices(units)
        self.fields["contact"].widget.attrs.update(inputmode="email", autocomplete="tel email")
        self.fields["asker_name"].widget.attrs.update(autocomplete="name")

    def clean_stamp(self) -> str:
        stamp: str = self.cleaned_data.get("stamp") or ""
        try:
            handed_out = signing.loads(stamp, salt=STAMP_SALT)
        except signing.BadSignature:
            self._fresh_stamp()
            raise forms.ValidationError(
                _("The form could not be read. Send your question again."), code="bad_stamp"
            ) from None
        elapsed = time.time() - int(handed_out)
        if elapsed > STAMP_MAX_AGE:
            self._fresh_stamp()
            raise forms.ValidationError(
                _("The form was open too long. Check your question and send it again."),
                code="expired",
            )
        if elapsed < setting("QUESTION_MIN_FILL_SECONDS", 3):
            raise forms.ValidationError(
                _("The form was sent too fast. Check your question and send it again."),
                code="too_fast",
            )
        return stamp

    def _fresh_stamp(self) -> None:
        """Shown again with a new stamp, so that sending it again can succeed."""
        data = dict(self.data.items())
        data["stamp"] = new_stamp()
        self.data = data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(
                _("Your question could not be sent. Send it again."), code="honeypot"
            )
        if "stamp" in self.errors:  # not a field people see: its message goes above the form
            self.add_error(None, self.errors.pop("stamp"))
        return data

    def data_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            unit_code=data["unit"],
            topic=data["topic"],
            text=data["text"],
            anonymous=data["anonymous"] != NO,
            asker_name=data["asker_name"],
            contact=data["contact"],
        )


def _all(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class FaqFilterForm(FilterForm):
    """The FAQ's search; bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=_all(QuestionTopic.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            type="search", placeholder=_("e.g. bao hiem that nghiep")
        )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            placeholder="XXXX-XXXX-XXXX", autocapitalize="characters", spellcheck="false"
        )


class InboxFilterForm(FilterForm):
    """The inbox's filters; bad values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_all(QuestionStatus.choices)
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=_all(QuestionTopic.choices))
    unit = forms.ChoiceField(label=_("Union asked"), required=False)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = _all([(unit.code, unit.name) for unit in units])
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("words of the question"))

    def values(self) -> dict[str, Any]:
        found = super().values()
        return {**found, "unit": self.units.get(found["unit"])} if found else {}


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 10}), max_length=TEXT_LIMIT
    )


class PublishForm(forms.Form):
    public_question = forms.CharField(
        label=_("Question as published"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=QUESTION_LIMIT,
        help_text=_("Remove names, phone numbers, addresses and anything that tells who asked."),
    )
    public_answer = forms.CharField(
        label=_("Answer as published"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
    )
    confirm = forms.BooleanField(
        label=_("I have checked: what is left is not personal"), required=False
    )
