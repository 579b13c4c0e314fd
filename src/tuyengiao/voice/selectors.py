"""Reads of situation reports for the upper level, scoped to the acting user: for a unit and a
period, how many unions reported and how (the completeness page's counts), the figures of the
unions under it (the rollup engine's sums, as every dashboard reads them), the workers' mood,
each unit directly under it side by side, and the free texts of the period, searchable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, QuerySet, When

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting import completeness, periods, rollup
from tuyengiao.reporting.models import (
    DataElement,
    DataSet,
    Period,
    ReportStatus,
    Structure,
)
from tuyengiao.voice.figures import MOOD_ELEMENTS
from tuyengiao.voice.models import SITUATION_FORM, Mood, SituationNote

# The figures shown per unit under the one viewed (the signals of trouble).
CHILD_FIGURES = (
    "wage_arrears_workers",
    "insurance_arrears_workers",
    "layoff_workers",
    "stoppages",
    "accidents",
)


def situation_form() -> DataSet:
    return DataSet.objects.get(code=SITUATION_FORM)


def default_period_code(dataset: DataSet, day: dt.date | None = None) -> str:
    """The last period that has ended: the one units are reporting on now."""
    current = periods.bounds(periods.code_for(dataset.period_kind, day or today()))
    assert current is not None  # noqa: S101 - code_for gives a valid code
    return periods.code_for(dataset.period_kind, current.start - dt.timedelta(days=1))


@dataclass
class ChildLine:
    unit: OrgUnit
    name: str
    counts: completeness.Counts
    figures: dict[str, int | None]
    tense: int | None


@dataclass
class Situation:
    unit: OrgUnit
    period: Period
    report: completeness.Completeness
    figures: list[tuple[DataElement, int | None]]
    moods: dict[str, int | None]
    children: list[ChildLine] = field(default_factory=list)
    notes: QuerySet[SituationNote] = field(default_factory=SituationNote.objects.none)

    @property
    def child_elements(self) -> list[DataElement]:
        by_code = {e.code: e for e, _v in self.figures}
        return [by_code[c] for c in CHILD_FIGURES if c in by_code]


def _elements(dataset: DataSet) -> list[DataElement]:
    return [i.element for i in dataset.items.select_related("element").order_by("position")]


def situation_for_user(user: User, code: str, period_code: str, query: str = "") -> Situation:
    unit = unit_for_user(user, code.strip().upper())
    dataset = situation_form()
    period = completeness.period_of(dataset, period_code)
    report = completeness.completeness_for_user(user, dataset=dataset, period=period, unit=unit)
    elements = _elements(dataset)
    moods = {e.code: e for e in DataElement.objects.filter(code__in=MOOD_ELEMENTS.values())}
    by_id = {e.pk: e for e in [*elements, *moods.values()]}
    units = [unit.pk, *(c.unit.pk for c in report.children)]
    sums: dict[tuple[int, str], int] = {}
    if period.pk:
        found = rollup.totals(units, by_id, [period.pk], Structure.HISTORICAL)
        sums = {(u, by_id[e].code): t for (u, e, _p, cat), t in found.items() if cat == ""}
    situation = Situation(
        unit=unit,
        period=period,
        report=report,
        figures=[(e, sums.get((unit.pk, e.code))) for e in elements],
        moods={mood: sums.get((unit.pk, code)) for mood, code in MOOD_ELEMENTS.items()},
    )
    tense = MOOD_ELEMENTS["tense"]
    situation.children = [
        ChildLine(
            unit=c.unit,
            name=c.name,
            counts=c.counts,
            figures={f: sums.get((c.unit.pk, f)) for f in CHILD_FIGURES},
            tense=sums.get((c.unit.pk, tense)),
        )
        for c in report.children
    ]
    situation.notes = _notes(unit, period, query)
    return situation


def _notes(unit: OrgUnit, period: Period, query: str) -> QuerySet[SituationNote]:
    """What the unions under `unit` wrote for the period (the reports sent up), tense first."""
    if not period.pk:
        return SituationNote.objects.none()
    below = hierarchy.descendant_ids(unit.pk, period.reference_date)
    notes = (
        SituationNote.objects.filter(
            report__dataset__code=SITUATION_FORM,
            report__period=period,
            report__unit_id__in=below,
            report__status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
        )
        .exclude(thoughts="", requests="")
        .select_related("report__unit")
    )
    for term in search_terms(query):
        notes = notes.filter(search_key__contains=term)
    worst_first = Case(When(mood=Mood.TENSE, then=0), When(mood=Mood.CONCERNED, then=1), default=2)
    return notes.order_by(worst_first, "report__unit__name", "pk")
