"""What a later app adds to a reporting form beyond its figures (the monthly situation report's
mood and free text, from the voice app): fields shown under the figures on the report page,
kept with every draft save and checked at submission, in the report's own transaction.

An app registers its extra for a form's code in its AppConfig.ready, as record-derived figures
are registered (reporting.derived): the reporting app never imports the later app, and the later
app's writes happen inside the report's transaction, where the audit of the report sees them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from django import forms

from tuyengiao.accounts.models import User
from tuyengiao.reporting.models import DataSet, Report


class ReportExtra(Protocol):
    template: str  # rendered inside the report's form, after the figures, with `extra_form`

    def form(self, report: Report, data: Mapping[str, object] | None) -> forms.Form:
        """The extra fields, bound to what was typed, or to what is stored."""
        ...

    def save(self, actor: User, report: Report, typed: Mapping[str, object]) -> None:
        """Keep what was typed with the draft (a ValidationError keyed by field refuses it)."""
        ...

    def check(self, report: Report) -> None:
        """Before submission: a ValidationError keyed by field says what is still missing."""
        ...

    def submitted(self, actor: User, report: Report) -> None:
        """After the figures were written and the report marked submitted, in the same
        transaction (derived figures, the early-warning signals)."""
        ...


_REGISTRY: dict[str, ReportExtra] = {}


def register(dataset_code: str, extra: ReportExtra) -> None:
    _REGISTRY[dataset_code] = extra


def extra_for(dataset: DataSet) -> ReportExtra | None:
    return _REGISTRY.get(dataset.code)
