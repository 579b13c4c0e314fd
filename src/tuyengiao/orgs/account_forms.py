"""Forms for managing accounts: roles limited to what the user may grant, the scope unit typed
by its code (a select of every unit would not scale) and checked against the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import Role, User
from tuyengiao.orgs.account_selectors import scope_choices


class ScopeUnitField(forms.ModelChoiceField):  # type: ignore[type-arg]
    widget = forms.TextInput(attrs={"placeholder": "NB-GD", "size": 16})
    default_error_messages = {
        "invalid_choice": _(
            "No unit with this code in your scope. Check the code on the unit's page."
        )
    }

    def prepare_value(self, value: Any) -> Any:
        return getattr(value, "code", value)

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class AccountFields(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Surname and middle name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Work email"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    scope_unit = ScopeUnitField(
        label=_("Scope (unit code)"),
        queryset=User.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("The account sees and changes this unit and the units under it."),
    )

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if value in actor.grantable_roles
        ]
        self.fields["scope_unit"].queryset = scope_choices(actor)  # type: ignore[attr-defined]


class PasswordFields(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class AccountCreateForm(AccountFields, PasswordFields):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={"invalid": _("Use letters without accents, digits, dots, dashes.")},
    )
    field_order = [
        "username",
        "last_name",
        "first_name",
        "email",
        "role",
        "scope_unit",
        "password1",
        "password2",
    ]


class AccountEditForm(AccountFields):
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PasswordForm(PasswordFields):
    pass
