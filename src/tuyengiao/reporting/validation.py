"""What a form asks for and what is wrong with what was typed: fields, parsing of Vietnamese
numbers, the part ≤ whole rules, and the warning for a figure far above the previous period's.
Pure: the same checks serve the browser form, the Excel upload and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tuyengiao.reporting.models import Category, DataElement, DataSet, ElementSource

# A figure this many times the previous period's asks the user to confirm it.
JUMP_FACTOR = 10
MAX_VALUE = 10**12
# Digits grouped by dots or spaces as Vietnamese write them: 1.234.567 or 1 234 567.
_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")


@dataclass(frozen=True)
class Field:
    """One input of a form: an element's total, or the women among it."""

    element: DataElement
    category: str

    @staticmethod
    def key_for(code: str, category: str) -> str:
        return f"{code}:{category}" if category else code

    @property
    def key(self) -> str:
        return self.key_for(self.element.code, self.category)

    @property
    def slug(self) -> str:
        """The key as an HTML id."""
        return self.key.replace(":", "-")

    @property
    def label(self) -> str:
        if self.category == Category.FEMALE:
            return _("of which women")
        return self.element.name

    @property
    def readonly(self) -> bool:
        return self.element.source == ElementSource.RECORDS


@dataclass
class Checked:
    """The outcome of checking a form: parsed values by key (None: left empty), errors that
    block saving the figures, and warnings the user must confirm."""

    values: dict[str, int | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def fields_of(dataset: DataSet) -> list[Field]:
    fields = []
    for item in dataset.items.select_related("element"):
        fields.append(Field(item.element, Category.TOTAL))
        if item.element.by_sex:
            fields.append(Field(item.element, Category.FEMALE))
    return fields


def parse(text: object) -> int | None:
    """A whole number as typed ("1.234", "1 234", "1234"), None if empty; ValueError with a
    message for anything else."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError(_("Enter a whole number, 0 or more."))
    if isinstance(text, int):
        value = text
    elif isinstance(text, float) and text.is_integer():
        value = int(text)
    else:
        raw = str(text).strip().replace("\u00a0", " ")
        if not raw:
            return None
        if raw.startswith("-"):
            raise ValueError(_("A count cannot be negative."))
        if not (raw.isdigit() or _GROUPED.match(raw)):
            raise ValueError(_("Enter a whole number, 0 or more."))
        value = int(raw.replace(".", "").replace(" ", ""))
    if value < 0:
        raise ValueError(_("A count cannot be negative."))
    if value > MAX_VALUE:
        raise ValueError(_("This number is too large."))
    return value


def check(
    dataset: DataSet,
    fields: list[Field],
    typed: dict[str, object],
    previous: dict[str, int],
) -> Checked:
    """Check what was typed for every field of the form; `previous` holds the same unit's
    figures of the previous period, by key, for the jump warning."""
    checked = Checked()
    for f in fields:
        try:
            checked.values[f.key] = parse(typed.get(f.key))
        except ValueError as error:
            checked.errors[f.key] = str(error)
    _check_women(fields, checked)
    _check_rules(dataset, checked)
    for key, value in checked.values.items():
        before = previous.get(key)
        if value is not None and before and value > JUMP_FACTOR * before:
            checked.warnings[key] = _(
                "%(value)s is more than %(factor)s times the previous period's %(before)s."
            ) % {"value": _number(value), "factor": JUMP_FACTOR, "before": _number(before)}
    return checked


def _number(value: int | None) -> str:
    return number_format(str(value or 0), force_grouping=True)


def _exceeds(checked: Checked, part: str, whole: str) -> bool:
    small, large = checked.values.get(part), checked.values.get(whole)
    return small is not None and large is not None and small > large


def _check_women(fields: list[Field], checked: Checked) -> None:
    for f in fields:
        if f.category == Category.FEMALE and _exceeds(checked, f.key, f.element.code):
            checked.errors.setdefault(f.key, _("Women cannot exceed the total."))


def _check_rules(dataset: DataSet, checked: Checked) -> None:
    for rule in dataset.rules.select_related("part", "whole"):
        for suffix in ("", ":female"):
            part, whole = rule.part.code + suffix, rule.whole.code + suffix
            if _exceeds(checked, part, whole):
                checked.errors.setdefault(
                    part,
                    _("Cannot exceed “%(whole)s” (%(value)s).")
                    % {"whole": rule.whole.name, "value": _number(checked.values[whole])},
                )
