"""Forms of the people registry: the person form, the deactivation form, the list filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.orgs.forms import UnitChoiceField
from tuyengiao.orgs.models import OrgUnit, Person, PersonRole, PersonRoleKind, Sex
from tuyengiao.orgs.people_selectors import units_for_person_form

DATE_PLACEHOLDER = "dd/mm/yyyy"


def _label(model: type[Person] | type[PersonRole], name: str) -> str:
    field = model._meta.get_field(name)
    return str(capfirst(getattr(field, "verbose_name", name)))


@dataclass
class RoleRow:
    label: str
    held: forms.BoundField
    since: forms.BoundField


class PersonForm(forms.Form):
    """One person and their roles; each role ticked needs the date it started."""

    full_name = forms.CharField(
        max_length=120,
        error_messages={"required": _("Enter the person's full name.")},
    )
    sex = forms.ChoiceField(
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's sex.")},
    )
    unit = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        error_messages={
            "required": _("Choose the unit the person works in."),
            "invalid_choice": _("Choose one of the units in the list: the others are not yours."),
        },
    )
    position = forms.CharField(max_length=120, required=False)
    phone = forms.CharField(max_length=20, required=False, widget=forms.TelInput)
    email = forms.EmailField(required=False)

    def __init__(self, user: User, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("full_name", "sex", "unit", "position", "phone", "email"):
            self.fields[name].label = _label(Person, name)
        cast(UnitChoiceField, self.fields["unit"]).queryset = units_for_person_form(user)
        since_label = _label(PersonRole, "since")
        for value, label in PersonRoleKind.choices:
            self.fields[f"role_{value}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"since_{value}"] = forms.DateField(
                label=f"{label}: {since_label}",
                required=False,
                widget=forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER}),
            )
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "full_name": person.full_name,
            "sex": person.sex,
            "unit": person.unit_id,
            "position": person.position,
            "phone": person.phone,
            "email": person.email,
            "version": person.version,
        }
        for role in person.roles.all():
            initial[f"role_{role.role}"] = True
            initial[f"since_{role.role}"] = role.since
        return initial

    def main_fields(self) -> list[forms.BoundField]:
        names = ("full_name", "sex", "unit", "position", "phone", "email")
        return [self[name] for name in names]

    def role_rows(self) -> list[RoleRow]:
        return [
            RoleRow(label=str(label), held=self[f"role_{value}"], since=self[f"since_{value}"])
            for value, label in PersonRoleKind.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in PersonRoleKind.values:
            since = f"since_{value}"
            if data.get(f"role_{value}") and not data.get(since) and since not in self.errors:
                self.add_error(since, _("Enter the date the person took this role (dd/mm/yyyy)."))
        return data

    def roles(self) -> dict[str, dt.date]:
        data = self.cleaned_data
        return {
            value: data[f"since_{value}"]
            for value in PersonRoleKind.values
            if data.get(f"role_{value}") and data.get(f"since_{value}")
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "sex": data["sex"],
            "unit": data["unit"],
            "position": data["position"],
            "phone": data["phone"],
            "email": data["email"],
            "roles": self.roles(),
        }


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: retired, moved to another job, left the union."),
        error_messages={
            "required": _("Give the reason, for example retirement or a move to another job.")
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PeopleFilterForm(forms.Form):
    """The list's search and filters; the export takes the same ones."""

    q = forms.CharField(
        label=_("Search by name"), required=False, max_length=120, widget=forms.SearchInput
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    below = forms.BooleanField(label=_("Include the units under it"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [("", _("All roles")), *PersonRoleKind.choices]
        self.fields["q"].widget.attrs.update(placeholder=_("e.g. nguyen van"))

    def filters(self) -> dict[str, Any]:
        """The filters to apply; an invalid value (an unknown role) is ignored, not an error."""
        if not self.is_valid():
            return {"query": "", "role": "", "unit_code": "", "below": False}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "role": data["role"],
            "unit_code": data["unit"],
            "below": data["below"],
        }


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
