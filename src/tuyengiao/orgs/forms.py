"""Forms for restructuring the tree. Each knows the acting user and the unit it acts on, so
that its choices are limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.forms import VNDateField
from tuyengiao.orgs import selectors
from tuyengiao.orgs.models import Enterprise, OrgUnit, Ownership, UnitKind


class UnitCodeField(forms.CharField):
    """A unit typed by its code (a province has thousands: no drop-down)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.update(size=12, autocapitalize="characters", spellcheck="false")

    def clean(self, value: Any) -> OrgUnit | None:
        code = str(super().clean(value) or "").strip().upper()
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("There is no unit with the code %(code)s.") % {"code": code})
        return unit


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.code})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.code})"


class ChangeForm(forms.Form):
    """The two things every restructuring needs: when it takes effect and why."""

    effective_date = VNDateField(label=_("Effective date"))
    reason = forms.CharField(
        label=_("Reason or decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the number and date of the decision."),
        max_length=2000,
    )

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.unit = unit

    def upper_units(self) -> Any:
        return selectors.units_for_choice(self.user, today(), upper_only=True).exclude(
            pk=self.unit.pk
        )


class MoveForm(ChangeForm):
    parent = UnitChoiceField(label=_("New upper-level union"), queryset=OrgUnit.objects.none())
    field_order = ["parent", "effective_date", "reason"]

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, unit, *args, **kwargs)
        self.fields["parent"].queryset = self.upper_units()  # type: ignore[attr-defined]


class RenameForm(ChangeForm):
    name = forms.CharField(label=_("New name"), max_length=255)
    field_order = ["name", "effective_date", "reason"]


class DissolveForm(ChangeForm):
    transfer_to = UnitChoiceField(
        label=_("Units under it go to"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Required when the unit still has units under it."),
    )
    field_order = ["transfer_to", "effective_date", "reason"]

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, unit, *args, **kwargs)
        self.fields["transfer_to"].queryset = self.upper_units()  # type: ignore[attr-defined]


class MergeForm(ChangeForm):
    target = UnitChoiceField(label=_("Merge into"), queryset=OrgUnit.objects.none())
    also_merge = UnitMultipleChoiceField(
        label=_("Also merge these units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Other units at the same level that merge into the same target."),
    )
    field_order = ["target", "also_merge", "effective_date", "reason"]

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, unit, *args, **kwargs)
        self.fields["target"].queryset = self.upper_units()  # type: ignore[attr-defined]
        self.fields["also_merge"].queryset = selectors.siblings_for_choice(  # type: ignore[attr-defined]
            user, unit, today()
        )


class SplitForm(ChangeForm):
    """Split into two or three new units; each unit under the old one goes to one of them."""

    PARTS = 3

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, unit, *args, **kwargs)
        for number in range(1, self.PARTS + 1):
            required = number <= 2
            self.fields[f"part{number}_code"] = forms.CharField(
                label=_("Code of new unit %(n)d") % {"n": number},
                max_length=32,
                required=required,
            )
            self.fields[f"part{number}_name"] = forms.CharField(
                label=_("Name of new unit %(n)d") % {"n": number},
                max_length=255,
                required=required,
            )
        self.children = list(selectors.children_units(user, unit, today()))
        part_choices = [(str(n), _("New unit %(n)d") % {"n": n}) for n in range(1, self.PARTS + 1)]
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(
                label=f"{child.name} ({child.code})", choices=part_choices
            )
        self.order_fields([*self.fields][2:] + ["effective_date", "reason"])

    def parts(self) -> list[tuple[str, str, list[OrgUnit]]]:
        data = self.cleaned_data
        result = []
        for number in range(1, self.PARTS + 1):
            if not data.get(f"part{number}_code"):
                continue
            chosen = [c for c in self.children if data.get(f"child_{c.pk}") == str(number)]
            result.append((data[f"part{number}_code"], data[f"part{number}_name"], chosen))
        return result


class CreateForm(ChangeForm):
    """Establish a unit under the current one, with its enterprise or agency if it has one."""

    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    enterprise_name = forms.CharField(
        label=_("Enterprise or agency"), max_length=255, required=False
    )
    tax_code = forms.RegexField(
        label=_("Tax code"),
        regex=r"^\d{10}(-\d{3})?$",
        required=False,
        error_messages={"invalid": _("A tax code has 10 digits, or 10 digits, a dash and 3.")},
    )
    sector = forms.CharField(label=_("Sector"), max_length=120, required=False)
    ownership = forms.ChoiceField(
        label=_("Ownership"), choices=[("", "—"), *Ownership.choices], required=False
    )
    workforce = forms.IntegerField(label=_("Workforce"), min_value=0, required=False)
    field_order = [
        "code",
        "name",
        "kind",
        "effective_date",
        "reason",
        "enterprise_name",
        "tax_code",
        "sector",
        "ownership",
        "workforce",
    ]

    def __init__(self, user: User, unit: OrgUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, unit, *args, **kwargs)
        self.fields["effective_date"].label = _("Established on")
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in UnitKind.choices
            if value not in {UnitKind.NATIONAL, UnitKind.PROVINCE}
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("enterprise_name") and not data.get("ownership"):
            self.add_error("ownership", _("Choose the ownership of the enterprise or agency."))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *UnitKind.choices], required=False
    )
    date = VNDateField(label=_("As of"), required=False)


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    """The enterprise or agency a unit is set up in; `version` guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = ["name", "kind", "tax_code", "sector", "ownership", "workforce", "address"]
