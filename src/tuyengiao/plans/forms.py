"""Forms of the plan pages. Each that offers units or tasks is limited to what the acting user
may choose; the services check everything again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuyengiao.orgs.forms import UnitChoiceField
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Direction, IndicatorKind, Plan, PlanTask, TargetPeriod
from tuyengiao.plans.selectors import Cell, IndicatorRow, TargetKey, plain
from tuyengiao.plans.services import target_key
from tuyengiao.plans.spec import PlanFileError, PlanSpec, parse_plan

MAX_PLAN_FILE = 256 * 1024
YEAR = {"min_value": 2000, "max_value": 2100}


class PlanSearchForm(forms.Form):
    q = forms.CharField(label=_("Code, title or unit"), required=False, max_length=200)
    parent = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {"query": self.cleaned_data["q"], "parent": self.cleaned_data["parent"]}


class UnitForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        error_messages={
            "required": _("Choose the unit."),
            "invalid_choice": _("Choose one of the units in the list: the others are not yours."),
        },
    )

    def __init__(self, units: QuerySet[OrgUnit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UnitChoiceField, self.fields["unit"]).queryset = units


class PlanCreateForm(UnitForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=80,
        help_text=_("Letters without diacritics, digits and “-”, e.g. KH-GD-2026-2030."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    document = forms.CharField(
        label=_("Document"),
        max_length=200,
        required=False,
        help_text=_("E.g. the number and date of the plan or resolution."),
    )
    start_year = forms.IntegerField(label=_("From year"), **YEAR)  # type: ignore[arg-type]
    end_year = forms.IntegerField(label=_("To year"), **YEAR)  # type: ignore[arg-type]


class PlanUploadForm(UnitForm):
    text = ""  # the file's text, once read by clean_file
    file = forms.FileField(
        label=_("Plan file (YAML)"),
        help_text=_("The same format as the province's plan file; UTF-8 text."),
    )

    def clean_file(self) -> PlanSpec:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAN_FILE:
            raise ValidationError(_("The file is too large for a plan (at most 256 KB)."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file must be UTF-8 text.")) from error
        try:
            return parse_plan(self.text)
        except PlanFileError as error:
            raise ValidationError(error.messages) from error


class PlanConfirmForm(forms.Form):
    """Carries the previewed file back; the commit re-plans it and compares fingerprints."""

    unit = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=MAX_PLAN_FILE)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AdoptForm(UnitForm):
    pass


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("E.g. TASK-9."))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


def _element_choices(blank: str) -> list[tuple[str, str]]:
    element = apps.get_model("reporting", "DataElement")
    rows = element._default_manager.order_by("code").values_list("code", "name")
    return [("", blank), *((code, f"{code} · {name}") for code, name in rows)]


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("E.g. T2.5."))
    name = forms.CharField(label=_("Name"), max_length=400)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    numerator = forms.ChoiceField(label=_("Counted data element (numerator)"))
    denominator = forms.ChoiceField(
        label=_("Denominator element"),
        required=False,
        help_text=_("For a percentage only."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.AT_LEAST
    )
    target_period = forms.ChoiceField(
        label=_("Target period"), choices=TargetPeriod.choices, initial=TargetPeriod.YEAR
    )
    task = forms.ModelChoiceField(label=_("Task"), queryset=PlanTask.objects.none(), required=False)

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["numerator"]).choices = _element_choices("—")
        cast(forms.ChoiceField, self.fields["denominator"]).choices = _element_choices(
            str(_("(none: a count)"))
        )
        cast(forms.ModelChoiceField, self.fields["task"]).queryset = plan.tasks.all()  # type: ignore[type-arg]


@dataclass
class CellField:
    cell: Cell
    field: forms.BoundField


@dataclass
class TargetRow:
    row: IndicatorRow
    cells: list[CellField]


def _cell_name(row: IndicatorRow, cell: Cell) -> str:
    return f"t-{row.indicator.pk}-{'term' if cell.year is None else cell.year}"


class TargetsForm(forms.Form):
    """The target table: one box per indicator and year, and one for the whole term."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, rows: list[IndicatorRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.aliases: dict[str, str] = {}
        for row in rows:
            for cell in row.cells:
                name = _cell_name(row, cell)
                placeholder = "" if cell.parent_value is None else plain(cell.parent_value)
                label = f"{row.indicator.code} {cell.year or _('Term')}"
                self.fields[name] = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=Decimal(0),
                    max_digits=12,
                    decimal_places=2,
                    localize=True,
                    widget=forms.TextInput(
                        attrs={
                            "size": 6,
                            "inputmode": "decimal",
                            "placeholder": placeholder,
                            "aria-label": label,
                        }
                    ),
                )
                self.initial.setdefault(name, cell.value)
                self.aliases[target_key(row.indicator.code, cell.year)] = name

    def table(self) -> list[TargetRow]:
        return [
            TargetRow(row, [CellField(c, self[_cell_name(row, c)]) for c in row.cells])
            for row in self.rows
        ]

    def values(self) -> dict[TargetKey, Decimal | None]:
        return {
            (row.indicator.code, cell.year): self.cleaned_data[_cell_name(row, cell)]
            for row in self.rows
            for cell in row.cells
        }


class RemoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[("task", "task"), ("indicator", "indicator")])
    item = forms.CharField(max_length=20)
    version = forms.IntegerField()
