"""Who has reported: for one form, period and unit, the units expected to report (those of the
form's kind under the unit on the period's last day), where each report stands, whether it came
on time, and the counts for the unit and for each unit directly under it.

Set-based throughout: a fixed number of queries whatever the size of the subtree (the
national root has about 130,000 units); the counts are grouped in the database, the list is a
queryset the page paginates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitVersion
from tuyengiao.reporting import periods
from tuyengiao.reporting.models import DataSet, Period, PeriodType, ReportStatus

# A unit with no report at all for the form and period.
MISSING = "missing"
RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
STATUSES = (
    MISSING,
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.APPROVED,
)
# The filter for every unit that has not sent a report the upper level can use: no report, a
# draft, or one returned for correction.
OUTSTANDING = "outstanding"
ON_TIME, LATE, OVERDUE = "on_time", "late", "overdue"
TIMINGS = (ON_TIME, LATE, OVERDUE)


def status_label(status: str) -> str:
    if status == MISSING:
        return _("Not started")
    return str(ReportStatus(status).label)


def timing_label(timing: str) -> str:
    labels = {ON_TIME: _("On time"), LATE: _("Late"), OVERDUE: _("Overdue")}
    return labels.get(timing, "")


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass
class Counts:
    """How the expected reports of a set of units stand."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0
    awaiting: int = 0  # submitted, not decided yet
    returned: int = 0
    draft: int = 0
    not_started: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def received(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def received_pct(self) -> float | None:
        return _pct(self.received, self.expected)

    @property
    def on_time_pct(self) -> float | None:
        return _pct(self.on_time, self.expected)

    @property
    def late_pct(self) -> float | None:
        return _pct(self.late, self.expected)

    @property
    def approved_pct(self) -> float | None:
        return _pct(self.approved, self.expected)

    @property
    def missing_pct(self) -> float | None:
        return _pct(self.missing, self.expected)


@dataclass
class ChildCounts:
    """The counts of the units under one child of the unit (a district, a sector union…)."""

    unit: OrgUnit
    name: str
    counts: Counts


@dataclass
class Completeness:
    dataset: DataSet
    period: Period
    unit: OrgUnit
    name: str  # the unit's name on the period's last day
    due_date: dt.date
    counts: Counts
    children: list[ChildCounts] = field(default_factory=list)

    @property
    def reference_date(self) -> dt.date:
        return self.period.reference_date

    @property
    def is_past_due(self) -> bool:
        return today() > self.due_date

    @property
    def has_breakdown(self) -> bool:
        """Whether the units under it group reporters (not when they are the reporters)."""
        return any(c.unit.kind != self.dataset.reporter_kind for c in self.children)


@dataclass
class UnitRow:
    """One expected reporter and where its report stands."""

    unit: OrgUnit
    name: str
    parent_name: str
    status: str
    timing: str  # on_time / late for a report received; overdue; "" otherwise
    submitted_at: dt.datetime | None
    submitted_by: str
    decided_at: dt.datetime | None

    @property
    def received(self) -> bool:
        return self.status in RECEIVED

    @property
    def remindable(self) -> bool:
        return not self.received

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def timing_label(self) -> str:
        return timing_label(self.timing)


def deadline(dataset: DataSet, period: Period) -> dt.datetime:
    """The first instant that is late: midnight (local time) after the due date."""
    after = dataset.due_date(period) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(after, dt.time.min))


def period_of(dataset: DataSet, code: str) -> Period:
    """The period of a code for this form: 404 for a malformed code, one of another type, or
    one that has not started (nobody can have reported on it)."""
    found = periods.bounds(code)
    if found is None or found.kind != dataset.period_kind or found.start > today():
        raise Http404(code)
    stored = Period.objects.filter(code=found.code).first()
    return stored or Period(code=found.code, kind=found.kind, start=found.start, end=found.end)


def _reporters(dataset: DataSet, period: Period, below: Q) -> QuerySet[UnitVersion]:
    """The versions (on the period's last day) of the units of the form's kind matched by
    `below`, each with its report for the form and period joined (absent: no report)."""
    ref = period.reference_date
    return (
        UnitVersion.objects.filter(below, unit__kind=dataset.reporter_kind, **valid_on(ref))
        .annotate(
            report=FilteredRelation(
                "unit__reports",
                condition=Q(
                    unit__reports__dataset_id=dataset.pk,
                    unit__reports__period_id=period.pk or 0,
                ),
            )
        )
        .order_by()
    )


def _count_kwargs(
    late_from: dt.datetime, report: str = "report__", unit: str = "unit_id"
) -> dict[str, Any]:
    """Counts of the rows by where their report (the relation `report`) stands."""

    def count(**condition: object) -> Count:
        return Count(unit, filter=Q(**{f"{report}{k}": v for k, v in condition.items()}))

    received = {"status__in": RECEIVED}
    return {
        "expected": Count(unit),
        "on_time": count(**received, submitted_at__lt=late_from),
        "late": count(**received, submitted_at__gte=late_from),
        "approved": count(status=ReportStatus.APPROVED),
        "awaiting": count(status=ReportStatus.SUBMITTED),
        "returned": count(status=ReportStatus.RETURNED),
        "draft": count(status=ReportStatus.DRAFT),
        "not_started": count(id=None),
    }


def _per_child(
    dataset: DataSet, period: Period, children: list[int], late_from: dt.datetime
) -> QuerySet[Any, Any]:
    """The counts of the reporters under each of `children` on the period's last day, from
    the closure rows of that date (one join fewer than through the versions: at national
    scale that is a second saved)."""
    return (
        UnitClosure.objects.filter(
            ancestor_id__in=children,
            descendant__kind=dataset.reporter_kind,
            **valid_on(period.reference_date),
        )
        .annotate(
            report=FilteredRelation(
                "descendant__reports",
                condition=Q(
                    descendant__reports__dataset_id=dataset.pk,
                    descendant__reports__period_id=period.pk or 0,
                ),
            )
        )
        .values("ancestor_id")
        .annotate(**_count_kwargs(late_from, unit="descendant_id"))
        .order_by()
    )


def _under(unit_id: int, ref: dt.date) -> Q:
    return Q(unit_id__in=hierarchy.descendant_ids(unit_id, ref))


def completeness_for_user(
    user: User, *, dataset: DataSet, period: Period, unit: OrgUnit
) -> Completeness:
    """The counts for `unit` and per unit directly under it on the period's last day, worst
    first (lowest share received, then most missing). Four queries besides the gate: the
    unit's name, its children, the counts per child, the unit's own counts."""
    access.require(access.can_read(user, unit))
    ref = period.reference_date
    late_from = deadline(dataset, period)
    version = UnitVersion.objects.filter(unit_id=unit.pk, **valid_on(ref)).first()
    children = {
        v.unit_id: v
        for v in hierarchy.children_versions(unit.pk, ref).select_related("unit").order_by()
    }
    # Each reporter under the unit that day is under exactly one of its children then: the
    # unit's counts are the children's plus its own.
    own = _reporters(dataset, period, Q(unit_id=unit.pk)).aggregate(**_count_kwargs(late_from))
    total = Counts(**own)
    breakdown = []
    for row in _per_child(dataset, period, list(children), late_from):
        counts: dict[str, Any] = dict(row)
        child = children[counts.pop("ancestor_id")]
        breakdown.append(ChildCounts(unit=child.unit, name=child.name, counts=Counts(**counts)))
        total = total + breakdown[-1].counts
    breakdown.sort(
        key=lambda c: (c.counts.received_pct or 0.0, -c.counts.missing, c.name, c.unit.code)
    )
    return Completeness(
        dataset=dataset,
        period=period,
        unit=unit,
        name=version.name if version else unit.name,
        due_date=dataset.due_date(period),
        counts=total,
        children=breakdown,
    )


def status_rows(
    report: Completeness, *, status: str = "", timing: str = "", query: str = ""
) -> QuerySet[UnitVersion]:
    """The expected reporters of `report`'s unit, filtered, by code; turn a page of them into
    UnitRow with `unit_rows`. `status` is one of STATUSES or OUTSTANDING; `timing` one of
    TIMINGS (overdue: not received and the due date has passed)."""
    ref = report.period.reference_date
    late_from = deadline(report.dataset, report.period)
    rows = _reporters(report.dataset, report.period, _under(report.unit.pk, ref))
    if status == MISSING:
        rows = rows.filter(Q(report__id=None))
    elif status == OUTSTANDING:
        rows = rows.exclude(Q(report__status__in=RECEIVED))
    elif status in STATUSES:
        rows = rows.filter(Q(report__status=status))
    received = Q(report__status__in=RECEIVED)
    if timing == ON_TIME:
        rows = rows.filter(received & Q(report__submitted_at__lt=late_from))
    elif timing == LATE:
        rows = rows.filter(received & Q(report__submitted_at__gte=late_from))
    elif timing == OVERDUE:
        rows = rows.exclude(received) if report.is_past_due else rows.none()
    for term in search_terms(query):
        rows = rows.filter(search_key__contains=term)
    return (
        rows.select_related("unit", "parent")
        .annotate(
            report_status=Coalesce(F("report__status"), Value(MISSING)),
            report_submitted_at=F("report__submitted_at"),
            report_submitted_by=F("report__submitted_by__username"),
            report_submitted_by_first=F("report__submitted_by__first_name"),
            report_submitted_by_last=F("report__submitted_by__last_name"),
            report_decided_at=F("report__decided_at"),
        )
        .order_by("unit__code")
    )


def known_count(
    counts: Counts, *, status: str = "", timing: str = "", query: str = ""
) -> int | None:
    """How many rows `status_rows` gives with these filters, when the counts already say so
    (saves counting the whole subtree again); None when they do not."""
    if search_terms(query) or (status and timing):
        return None
    by_status = {
        "": counts.expected,
        MISSING: counts.not_started,
        OUTSTANDING: counts.missing,
        ReportStatus.DRAFT: counts.draft,
        ReportStatus.SUBMITTED: counts.awaiting,
        ReportStatus.RETURNED: counts.returned,
        ReportStatus.APPROVED: counts.approved,
    }
    by_timing = {ON_TIME: counts.on_time, LATE: counts.late}
    if timing:
        return by_timing.get(timing)
    return by_status.get(status)


def _person(username: str | None, first: str | None, last: str | None) -> str:
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


def unit_rows(report: Completeness, versions: Any) -> list[UnitRow]:
    """Rows for display from versions annotated by `status_rows` (a page of them)."""
    late_from = deadline(report.dataset, report.period)
    past_due = report.is_past_due
    rows = []
    for v in versions:
        status = v.report_status
        submitted_at = v.report_submitted_at
        if status in RECEIVED and submitted_at is not None:
            timing = ON_TIME if submitted_at < late_from else LATE
        else:
            timing = OVERDUE if past_due else ""
        rows.append(
            UnitRow(
                unit=v.unit,
                name=v.name,
                parent_name=v.parent.name if v.parent else "",
                status=status,
                timing=timing,
                submitted_at=submitted_at,
                submitted_by=_person(
                    v.report_submitted_by, v.report_submitted_by_first, v.report_submitted_by_last
                ),
                decided_at=v.report_decided_at,
            )
        )
    return rows


# --- the page's choices -----------------------------------------------------------------

# How many periods of each type the period list offers, latest first.
RECENT: dict[str, int] = {
    PeriodType.YEAR: 6,
    PeriodType.HALF: 8,
    PeriodType.QUARTER: 8,
    PeriodType.MONTH: 12,
}


def period_codes(dataset: DataSet) -> list[str]:
    """The periods offered for a form, latest first: recent ones (the current one included)."""
    if dataset.period_kind == PeriodType.TERM:
        return list(
            Period.objects.filter(kind=PeriodType.TERM, start__lte=today())
            .order_by("-start")
            .values_list("code", flat=True)
        )
    return periods.recent_codes(dataset.period_kind, today(), RECENT[dataset.period_kind])


def default_period(codes: list[str]) -> str:
    """The period being collected: the latest that has ended (its reports are due now or
    overdue), else the current one."""
    for code in codes:
        found = periods.bounds(code)
        if found is not None and found.end <= today():
            return code
    return codes[0] if codes else ""


def breadcrumbs(user: User, unit: OrgUnit, period: Period) -> list[UnitVersion]:
    """The units above `unit` on the period's last day that the user may open."""
    chain = hierarchy.ancestors(unit.pk, period.reference_date)
    root_id = access.scope_root_id(user)
    ids = [v.unit_id for v in chain]
    if root_id is not None:
        chain = chain[ids.index(root_id) :] if root_id in ids else []
    return chain


def datasets() -> list[DataSet]:
    """Every reporting form (they are the same for every reader)."""
    return list(DataSet.objects.all())


def dataset_by_code(code: str) -> DataSet | None:
    return DataSet.objects.filter(code=code).first()


def units_by_codes(codes: set[str]) -> list[OrgUnit]:
    """The units of these codes; the reminder service decides which the actor may remind."""
    return list(OrgUnit.objects.filter(code__in=codes))
