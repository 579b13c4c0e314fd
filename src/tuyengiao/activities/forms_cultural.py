"""Forms of the cultural-standard pages: the year and unit chosen (with a search on the entry
page), one union's record (a small form per table row), and the Excel upload (the preview's
commit button is core.forms.CommitForm)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import cultural_selectors as selectors
from tuyengiao.activities.cultural_services import CulturalInput
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.core.forms import XlsxFileField
from tuyengiao.reporting.forms_excel import unit_choices

WHOLE_NUMBER = _("Enter a whole number, 0 or more.")


class YearUnitForm(forms.Form):
    """A year and a unit in scope (the user's scope unit by default). The unit is checked by
    the gate, not by the list, so that a unit outside the scope is refused, not ignored."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=32,
        required=False,
        help_text=_("Its grassroots unions on the year's last day are listed."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = cast(forms.TypedChoiceField, self.fields["year"])
        year_field.choices = [(str(y), str(y)) for y in selectors.years()]
        choices = unit_choices(user)
        self.fields["unit"].widget = forms.Select(choices=choices)
        self.default_unit = choices[0][0] if choices else ""
        self.initial.setdefault("year", selectors.default_year())
        self.initial.setdefault("unit", self.default_unit)

    def _value(self, name: str, default: Any) -> Any:
        if not self.is_bound:
            return default
        if self.is_valid():
            return self.cleaned_data[name] or default
        return self.cleaned_data.get(name) or default

    @property
    def chosen_year(self) -> int:
        year: int = self._value("year", selectors.default_year())
        return year

    @property
    def unit_code(self) -> str:
        """The unit asked for (by the gate's rules), or else the user's scope unit."""
        code: str = self._value("unit", self.default_unit)
        return code


class CulturalFilterForm(YearUnitForm):
    q = forms.CharField(
        label=_("Search a union"), required=False, max_length=120, widget=forms.SearchInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder=_("e.g. truong hoa lu"))

    @property
    def query(self) -> str:
        query: str = self._value("q", "")
        return query


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        localize=True,
        error_messages={"invalid": WHOLE_NUMBER, "min_value": WHOLE_NUMBER},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 7}),
    )


class CulturalRowForm(forms.Form):
    """One union's record for a year, as a table row: its inputs name the row's form (`form`
    attribute), so that each row is posted on its own, with or without JavaScript."""

    union = forms.CharField(widget=forms.HiddenInput, max_length=32)
    year = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    registered = forms.BooleanField(label=_("Registered"), required=False)
    recognised = forms.BooleanField(label=_("Recognised"), required=False)
    decision = forms.CharField(
        label=_("Recognition decision"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"size": 18}),
    )
    families = _count_field(_("Member families"))
    families_cultural = _count_field(_("Cultural families"))

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{code}_%s")
        super().__init__(*args, **kwargs)
        self.form_id = f"row-{code}"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.form_id

    @classmethod
    def for_record(cls, code: str, year: int, record: CulturalRecord | None) -> CulturalRowForm:
        initial: dict[str, Any] = {"union": code, "year": year, "version": 0}
        if record is not None:
            initial.update(
                version=record.version,
                registered=record.registered,
                recognised=record.recognised,
                decision=record.decision,
                families=record.families,
                families_cultural=record.families_cultural,
            )
        return cls(initial=initial, code=code)

    def to_input(self) -> CulturalInput:
        data = self.cleaned_data
        return CulturalInput(
            registered=data["registered"],
            recognised=data["recognised"],
            decision=data["decision"],
            families=data["families"],
            families_cultural=data["families_cultural"],
        )

    @property
    def values(self) -> list[forms.BoundField]:
        return [self[name] for name in ("decision", "families", "families_cultural")]


class UploadForm(YearUnitForm):
    file = XlsxFileField(
        help_text=_("The file downloaded above, filled in."),
        error_messages={
            "empty": _("The file is empty: choose the Excel file downloaded from this page.")
        },
    )
