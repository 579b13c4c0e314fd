"""Forms of the Excel round trip of reporting forms: which form, period and unit to download,
and which form and period an uploaded file is meant to be (the preview's commit button is
core.forms.CommitForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.forms import XlsxFileField
from tuyengiao.orgs import access
from tuyengiao.orgs.models import UnitKind
from tuyengiao.orgs.selectors import versions_in_scope
from tuyengiao.reporting import periods
from tuyengiao.reporting.excel_forms import period_label
from tuyengiao.reporting.models import DataSet, PeriodType

# How many periods of each type the period list offers, latest first.
RECENT_PERIODS = 6


def period_choices(kinds: set[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The recent periods of each type, grouped by type (the current one first)."""
    groups = []
    for kind, label in PeriodType.choices:
        if kind in kinds and kind != PeriodType.TERM:
            codes = periods.recent_codes(kind, today(), RECENT_PERIODS)
            groups.append((str(label), [(code, period_label(code)) for code in codes]))
    return groups


def default_period(dataset: DataSet) -> str:
    """The last period of the form's type that has ended (the one being reported on)."""
    return periods.recent_codes(dataset.period_kind, today(), 2)[-1]


def unit_choices(user: User) -> list[tuple[str, str]]:
    """The units whose subtree the user may download: their scope unit first, then the
    upper-level units under it."""
    root_id = access.scope_root_id(user)
    wanted = ~Q(unit__kind=UnitKind.GRASSROOTS)
    if root_id is not None:
        wanted |= Q(unit_id=root_id)
    versions = sorted(
        versions_in_scope(user).filter(wanted), key=lambda v: (v.unit_id != root_id, v.unit.code)
    )
    return [(v.unit.code, f"{v.unit.code} – {v.name}") for v in versions]


class FormAndPeriodForm(forms.Form):
    """A reporting form and one of its recent periods."""

    dataset = forms.ChoiceField(label=_("Reporting form"))
    period = forms.ChoiceField(
        label=_("Period"),
        help_text=_("A period of the form's type: a year, or a half-year for six-month forms."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.datasets = {dataset.code: dataset for dataset in DataSet.objects.all()}
        dataset_field: Any = self.fields["dataset"]
        dataset_field.choices = [(d.code, f"{d.code} – {d.name}") for d in self.datasets.values()]
        period_field: Any = self.fields["period"]
        period_field.choices = period_choices({d.period_kind for d in self.datasets.values()})
        if not self.is_bound and self.datasets:
            first = next(iter(self.datasets.values()))
            self.initial.setdefault("dataset", first.code)
            self.initial.setdefault("period", default_period(first))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dataset = self.datasets.get(cleaned.get("dataset", ""))
        code = cleaned.get("period", "")
        found = periods.bounds(code) if code else None
        if dataset is not None and found is not None and found.kind != dataset.period_kind:
            self.add_error(
                "period",
                _(
                    "The form %(form)s is reported per period of the type “%(kind)s”: "
                    "choose such a period."
                )
                % {"form": dataset.code, "kind": PeriodType(dataset.period_kind).label},
            )
        cleaned["dataset_obj"] = dataset
        return cleaned

    @property
    def chosen_dataset(self) -> DataSet:
        dataset: DataSet = self.cleaned_data["dataset_obj"]
        return dataset

    @property
    def period_code(self) -> str:
        code: str = self.cleaned_data["period"]
        return code


class DownloadForm(FormAndPeriodForm):
    unit = forms.CharField(
        label=_("Unit"),
        max_length=32,
        help_text=_("The file has one row for every unit under it that reports on the form."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices(user)
        self.fields["unit"].widget = forms.Select(choices=choices)
        if not self.is_bound and choices:
            self.initial.setdefault("unit", choices[0][0])

    @property
    def unit_code(self) -> str:
        code: str = self.cleaned_data["unit"]
        return code


class UploadForm(FormAndPeriodForm):
    file = XlsxFileField(
        help_text=_("The file downloaded above, with the figures entered."),
        error_messages={"empty": _("The file is empty: choose the Excel file of the form.")},
    )
