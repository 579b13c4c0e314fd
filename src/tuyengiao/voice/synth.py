"""Synthetic monthly situation reports and cases for the synthetic national tree (`orgs.synth`),
for benchmarks of the early-warning list.

Every grassroots union that exists at the start of a month submits its situation report for it
(one in thirty misses a month): the report row, submitted, and its workforce. A few show
trouble, as unions do: spells of wages owed (about 4% of unions in a month, the number of
workers owed often rising from one month to the next), longer spells of social insurance owed
(about 5%), workers' mood tense (about 3%, more often where wages are owed); and a few thousand
cases, mostly where something is owed, most of them open, some escalated to the level above.
Only the figures above zero are written besides the workforce: the list reads no other. The
same seed gives the same data. Rows go in with COPY on PostgreSQL and executemany on SQLite;
the rollup cache and the situation notes are not written (the list reads neither), nor the
hotspots: `hotspots.rebuild()` derives them, as after any bulk load."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_key
from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion
from tuyengiao.reporting import services
from tuyengiao.reporting.models import (
    DataElement,
    DataSet,
    DataValue,
    Period,
    PeriodType,
    Report,
)
from tuyengiao.reporting.periods import code_for, months_before
from tuyengiao.voice.models import (
    INSURANCE_ARREARS_ELEMENT,
    SITUATION_FORM,
    TENSE_ELEMENT,
    WAGE_ARREARS_ELEMENT,
    Case,
    CaseSource,
    CaseStatus,
    IssueKind,
)

WORKFORCE_ELEMENT = "situation_workforce"
MISSED = 1 / 30  # a union misses a month's report now and then
# Spells of arrears: the chance one starts in a month, and that it ends the month after.
WAGES_START, WAGES_END = 0.013, 0.3  # steady share 0.013 / (0.013 + 0.3): about 4%
INSURANCE_START, INSURANCE_END = 0.01, 0.2  # about 5%
TENSE, TENSE_OWED = 0.025, 0.25  # mood tense: any union, and one owing wages for a while
# A case's state: open, being resolved, escalated, resolved (the last no longer counts).
CASE_STATES = [
    (CaseStatus.OPEN, 45),
    (CaseStatus.RESOLVING, 25),
    (CaseStatus.ESCALATED, 15),
    (CaseStatus.RESOLVED, 15),
]
CASE_TITLES = {
    IssueKind.WAGES: "Doanh nghiệp chậm trả lương (dữ liệu tổng hợp)",
    IssueKind.INSURANCE: "Doanh nghiệp nợ đóng bảo hiểm xã hội (dữ liệu tổng hợp)",
    IssueKind.LAYOFFS: "Doanh nghiệp cắt giảm lao động (dữ liệu tổng hợp)",
    IssueKind.OVERTIME: "Tăng ca quá giờ quy định (dữ liệu tổng hợp)",
    IssueKind.STOPPAGE: "Người lao động ngừng việc tập thể (dữ liệu tổng hợp)",
}
_REPORT_COLUMNS = [
    "dataset_id", "unit_id", "period_id", "status", "draft", "version", "updated_at",
    "submitted_at", "comment",
]  # fmt: skip
_VALUE_COLUMNS = [
    "element_id",
    "unit_id",
    "period_id",
    "category",
    "value",
    "version",
    "updated_at",
]
_UNITS_PER_BATCH = 5_000  # units whose year goes in at once: bounded memory


class SituationRefused(Exception):
    """The database is not in a state the generator may write to."""


@dataclass
class SituationResult:
    months: list[str] = field(default_factory=list)
    reports: int = 0
    values: int = 0
    cases: int = 0
    open_cases: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Union:
    """One grassroots union as the generator walks its months: what it owes now."""

    pk: int
    valid_from: dt.date
    valid_to: dt.date
    workforce: int
    enterprise_id: int | None
    wages: int = 0
    wage_months: int = 0
    insurance: int = 0


@dataclass(frozen=True)
class _Context:
    """What every row of the load shares: the form, the months, the elements, the stamp."""

    dataset: int
    periods: list[Period]
    elements: dict[str, int]
    stamp: Any


def _wages(rng: random.Random, union: _Union) -> None:
    """A month of the union's wage arrears: a spell starts, goes on (often rising) or ends."""
    workforce = union.workforce
    if not union.wages:
        if rng.random() < WAGES_START:
            union.wages = rng.randint(max(1, workforce // 20), max(2, workforce // 4))
            union.wage_months = 1
        return
    if rng.random() < WAGES_END:
        union.wages, union.wage_months = 0, 0
        return
    union.wage_months += 1
    if rng.random() < 0.5:
        union.wages = min(workforce, union.wages + rng.randint(1, max(1, workforce // 8)))


def _insurance(rng: random.Random, union: _Union) -> None:
    """A month of the union's insurance arrears: longer spells, now and then more workers."""
    workforce = union.workforce
    if not union.insurance:
        if rng.random() < INSURANCE_START:
            union.insurance = rng.randint(min(3, workforce), max(3, workforce // 5))
        return
    if rng.random() < INSURANCE_END:
        union.insurance = 0
    elif rng.random() < 0.3:
        union.insurance = min(workforce, union.insurance + rng.randint(1, max(1, workforce // 10)))


def _month_figures(rng: random.Random, union: _Union) -> dict[str, int]:
    """The union's figures for its next month: its workforce and any signal above zero."""
    _wages(rng, union)
    _insurance(rng, union)
    figures = {WORKFORCE_ELEMENT: union.workforce}
    if union.wages:
        figures[WAGE_ARREARS_ELEMENT] = union.wages
    if union.insurance:
        figures[INSURANCE_ARREARS_ELEMENT] = union.insurance
    tense = TENSE_OWED if union.wage_months >= 2 else TENSE
    if rng.random() < tense:
        figures[TENSE_ELEMENT] = 1
    return figures


def _unions(rng: random.Random) -> list[_Union]:
    rows = (
        OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS)
        .order_by("pk")
        .values_list("pk", "valid_from", "valid_to", "enterprise_id", "enterprise__workforce")
    )
    return [
        # A school, a hospital or an agency without an enterprise: a few dozen people.
        _Union(pk, start, end, workforce or rng.randint(25, 90), enterprise)
        for pk, start, end, enterprise, workforce in rows
    ]


def _union_rows(
    rng: random.Random, union: _Union, context: _Context
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One union's year: its report rows and its figure rows."""
    reports: list[tuple[Any, ...]] = []
    values: list[tuple[Any, ...]] = []
    adapt = connection.ops.adapt_datetimefield_value
    for period in context.periods:
        if not union.valid_from <= period.start < union.valid_to:
            continue
        figures = _month_figures(rng, union)
        if rng.random() < MISSED:
            continue
        sent = dt.datetime.combine(
            period.end + dt.timedelta(days=rng.randint(0, 6)), dt.time(rng.randint(7, 17))
        )
        draft = json.dumps({code: str(value) for code, value in figures.items()})
        reports.append(
            (context.dataset, union.pk, period.pk, "submitted", draft, 1, context.stamp)
            + (adapt(timezone.make_aware(sent)), "")
        )
        values += [
            (context.elements[code], union.pk, period.pk, "", value, 1, context.stamp)
            for code, value in figures.items()
        ]
    return reports, values


def _insert(model: type[Report] | type[DataValue], columns: list[str], rows: list[Any]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _reports(rng: random.Random, unions: list[_Union], context: _Context) -> tuple[int, int]:
    """Every union's year of reports and figures, a batch of unions at a time."""
    made = (0, 0)
    for start in range(0, len(unions), _UNITS_PER_BATCH):
        reports: list[tuple[Any, ...]] = []
        values: list[tuple[Any, ...]] = []
        for union in unions[start : start + _UNITS_PER_BATCH]:
            mine, figures = _union_rows(rng, union, context)
            reports += mine
            values += figures
        _insert(Report, _REPORT_COLUMNS, reports)
        _insert(DataValue, _VALUE_COLUMNS, values)
        made = (made[0] + len(reports), made[1] + len(values))
    return made


def _case(rng: random.Random, union: _Union, parent: int, on: dt.date) -> Case:
    status = rng.choices([s for s, _w in CASE_STATES], [w for _s, w in CASE_STATES])[0]
    if union.wages:
        kind = IssueKind.WAGES
    elif union.insurance:
        kind = IssueKind.INSURANCE
    else:
        kind = rng.choice(list(CASE_TITLES))
    started = on - dt.timedelta(days=rng.randint(3, 300))
    title = CASE_TITLES[kind]
    return Case(
        unit_id=union.pk,
        enterprise_id=union.enterprise_id,
        handled_by_id=parent if status == CaseStatus.ESCALATED else union.pk,
        kind=kind,
        title=title,
        workers_affected=rng.randint(min(5, union.workforce), union.workforce),
        started_on=started,
        status=status,
        resolved_on=on - dt.timedelta(days=1) if status == CaseStatus.RESOLVED else None,
        source=CaseSource.MANUAL,
        search_key=search_key(title),
    )


def _cases(rng: random.Random, unions: list[_Union], count: int, on: dt.date) -> list[Case]:
    """`count` cases, seven in ten at unions owing wages or insurance in the last month (one
    union may have several), the others anywhere; escalated ones handled by the level above."""
    live = {v.unit_id: v.parent_id for v in UnitVersion.objects.filter(**valid_on(on))}
    alive = [u for u in unions if u.pk in live]
    owing = [u for u in alive if u.wages or u.insurance] or alive
    if not alive:
        return []
    chosen = [rng.choice(owing if rng.random() < 0.7 else alive) for _ in range(count)]
    return [_case(rng, union, live[union.pk] or union.pk, on) for union in chosen]


def _context(months: Iterable[str]) -> _Context:
    services.elements_ensure()
    services.datasets_ensure()
    codes = [WORKFORCE_ELEMENT, TENSE_ELEMENT, WAGE_ARREARS_ELEMENT, INSURANCE_ARREARS_ELEMENT]
    return _Context(
        dataset=DataSet.objects.get(code=SITUATION_FORM).pk,
        periods=[services.period_get(code) for code in months],
        elements=dict(DataElement.objects.filter(code__in=codes).values_list("code", "pk")),
        stamp=connection.ops.adapt_datetimefield_value(timezone.now()),
    )


def last_months(count: int, on: dt.date | None = None) -> list[str]:
    """The codes of the `count` months before the month of `on` (today), oldest first."""
    day = on or today()
    return [code_for(PeriodType.MONTH, months_before(day, back)) for back in range(count, 0, -1)]


def synth_situation(*, months: list[str], cases: int = 4_000, seed: int = 1) -> SituationResult:
    """Write the situation reports of every grassroots union for `months` (period codes, in
    order) and `cases` cases as of today. Refuses a database that already has situation
    reports or cases."""
    result = SituationResult(months=list(months))
    started = time.perf_counter()
    context = _context(months)
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    unions = _unions(rng)
    with transaction.atomic():
        if Report.objects.filter(dataset_id=context.dataset).exists() or Case.objects.exists():
            raise SituationRefused("the database already has situation reports or cases")
        result.reports, result.values = _reports(rng, unions, context)
        result.seconds["reports"] = time.perf_counter() - started
        mark = time.perf_counter()
        made = Case.objects.bulk_create(_cases(rng, unions, cases, today()), batch_size=1_000)
        result.cases = len(made)
        result.open_cases = sum(1 for case in made if case.is_open)
        result.seconds["cases"] = time.perf_counter() - mark
    return result
