"""Forms of the monitoring pages: topics, the queue's filters, labels, cases and their steps.
They check shapes (a date, a link, a choice); the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.core.forms import FilterForm, blank_choice
from tuyengiao.media.item_case_selectors import OPEN
from tuyengiao.media.item_case_services import (
    RECORDED_STEPS,
    TEXT_LIMIT,
    Referral,
    StepInput,
)
from tuyengiao.media.item_services import LABEL_VALUES
from tuyengiao.media.models_monitoring import (
    NAME_LIMIT,
    Grievance,
    ItemCaseState,
    LabelField,
    Sentiment,
    Source,
    Topic,
)
from tuyengiao.media.query import MAX_QUERY_CHARS
from tuyengiao.media.queue_selectors import ANY_GRIEVANCE, NO, YES
from tuyengiao.media.topic_services import TopicInput
from tuyengiao.orgs.forms import UnitCodeField
from tuyengiao.voice.models import IssueKind

DUE_FORMAT = "%d/%m/%Y %H:%M"

QUERY_HELP = _(
    "Words and “phrases in quotation marks”; AND (or a space), OR, NOT or - before a word; "
    "brackets to group. A word written without diacritics matches with or without them "
    "(luong: lương, luồng); written with them, only that spelling (lương). Whole words only."
)


class TopicForm(forms.Form):
    unit = UnitCodeField(label=_("Watched for (unit code)"))
    name = forms.CharField(label=_("Name"), max_length=NAME_LIMIT)
    query = forms.CharField(
        label=_("Query"),
        max_length=MAX_QUERY_CHARS,
        help_text=QUERY_HELP,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    active = forms.BooleanField(label=_("Active: matched against new items"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(size=40)

    def data_input(self) -> TopicInput:
        data = self.cleaned_data
        return TopicInput(name=data["name"], query=data["query"], active=data["active"])


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared as one
    field.choices = choices


YES_NO = [("", _("All")), (YES, _("Yes")), (NO, _("No"))]


class QueueFilterForm(FilterForm):
    """The queue's filters; bad values are ignored. The topics and sources offered are the
    reader's."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    source = forms.TypedChoiceField(label=_("Source"), required=False, coerce=int, empty_value=None)
    relevant = forms.ChoiceField(label=_("Relevant"), required=False, choices=YES_NO)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=blank_choice(_("All")) + Sentiment.choices
    )
    toxic = forms.ChoiceField(label=_("Toxic or offensive"), required=False, choices=YES_NO)
    grievance = forms.ChoiceField(
        label=_("Grievance"),
        required=False,
        choices=[("", _("All")), (ANY_GRIEVANCE, _("Any grievance")), *Grievance.choices],
    )
    case = forms.ChoiceField(
        label=_("Case"),
        required=False,
        choices=[("", _("All")), (YES, _("With a case")), (NO, _("Without a case"))],
    )
    dismissed = forms.BooleanField(label=_("Dismissed items"), required=False)

    def __init__(
        self, *args: Any, topics: QuerySet[Topic], sources: QuerySet[Source], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topic", [("", _("All"))] + [(t.pk, t.name) for t in topics])
        _choices(self, "source", [("", _("All"))] + [(s.pk, s.name) for s in sources])
        self.fields["q"].widget.attrs.update(
            type="search", placeholder=_("words, with or without diacritics")
        )


class LabelForm(forms.Form):
    field = forms.ChoiceField(choices=LabelField.choices)
    value = forms.ChoiceField(
        choices=sorted({(v, v) for values in LABEL_VALUES.values() for v in values})
    )


class DueField(forms.DateTimeField):
    """A time as dd/mm/yyyy hh:mm, in the local time of the deployment."""

    widget = forms.DateTimeInput(
        format=DUE_FORMAT, attrs={"placeholder": "dd/mm/yyyy hh:mm", "size": 16}
    )
    default_error_messages = {
        "invalid": _("Enter a time as dd/mm/yyyy hh:mm, e.g. 05/11/2026 17:00.")
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=[DUE_FORMAT], **kwargs)


class AssigneeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        scope = obj.scope_unit.name if obj.scope_unit else ""
        return f"{name} · {obj.get_role_display()} · {scope}"


class AssignForm(forms.Form):
    """Who works on the case and by when (both may stay empty). The people offered are the
    case's candidates; the service decides who may take it, whatever is posted."""

    assigned_to = AssigneeField(
        label=_("Assigned to"), queryset=User.objects.filter(is_active=True), required=False
    )
    due_at = DueField(label=_("Due by"), required=False)

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, AssigneeField)  # noqa: S101 - declared above
        field.choices = [("", _("— nobody yet —"))] + [
            (user.pk, field.label_from_instance(user)) for user in candidates
        ]


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"), choices=ItemCaseState.choices)
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Required to dismiss: say why."),
    )

    def __init__(self, *args: Any, next_states: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if next_states:
            _choices(
                self,
                "to",
                [(state, label) for state, label in ItemCaseState.choices if state in next_states],
            )


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=blank_choice(_("— choose —"))
        + [(kind.value, kind.label) for kind in RECORDED_STEPS],
    )
    link = forms.URLField(
        label=_("Link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("Where the correction or rebuttal was published, or the platform's report."),
    )
    text = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
    )
    refer_unit = forms.CharField(
        label=_("Open a workers' case at the grassroots union (code)"),
        max_length=32,
        required=False,
        help_text=_("With a referral: the union gets a case with the item's address."),
    )
    refer_kind = forms.ChoiceField(
        label=_("Kind of issue"),
        choices=blank_choice(_("— choose —")) + IssueKind.choices,
        required=False,
    )
    refer_workers_affected = forms.IntegerField(
        label=_("Workers affected"), min_value=0, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refer_unit"].widget.attrs.update(size=12, autocapitalize="characters")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("refer_unit") and not data.get("refer_kind"):
            self.add_error("refer_kind", _("Choose the kind of issue."))
        return data

    def step_input(self) -> StepInput:
        data = self.cleaned_data
        referral = None
        if data["refer_unit"]:
            referral = Referral(
                unit_code=data["refer_unit"],
                kind=data["refer_kind"],
                workers_affected=data["refer_workers_affected"] or 0,
            )
        return StepInput(kind=data["kind"], text=data["text"], link=data["link"], referral=referral)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_LIMIT
    )


class OpenCaseForm(AssignForm):
    """Opening a case from its item: who and by when may be said at once."""


class CaseFilterForm(FilterForm):
    state = forms.ChoiceField(
        label=_("Case state"),
        required=False,
        choices=[("", _("All")), (OPEN, _("Not yet closed")), *ItemCaseState.choices],
    )
    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), required=False, coerce=int, empty_value=None
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, assignees: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assignees is None:
            del self.fields["assignee"]
        else:
            _choices(
                self,
                "assignee",
                [("", _("All"))]
                + [(user.pk, user.get_full_name() or user.username) for user in assignees],
            )
