"""The demo's reports: three and a half years of figures for every grassroots union of the
Ninh Bình tree, written through the report services, so the figures roll up exactly as real
reports would and the dashboards tell a story:

- most units improve year after year and the province meets most targets by 2025;
- the six high schools of the Ninh Bình education union are behind on T2.1b (members briefed
  ~70-80 %) in 2023 and 2024 and catch up in 2025;
- some units submit late (a few habitually), a couple of reports were returned with a comment
  and re-submitted, one approved report was reopened;
- 2026: the first half-year mostly reported (some missing, some drafts, one returned), the
  year's report not due yet (a few drafts started).

The figures counted from records (trainings, events, the cultural standard: T2.2, T2.3a–c,
T2.4a–c) are not on the forms: demo_activities writes the records they come from.

Every figure comes from a random generator seeded by the unit's code and the period, so a unit's
figures do not depend on the order units are visited and the demo is the same on every load.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import EnterpriseKind, OrgUnit, UnitKind
from tuyengiao.reporting.models import DataSet, Period, Report
from tuyengiao.reporting.report_services import (
    report_approve,
    report_reopen,
    report_return,
    report_save_draft,
    report_values_submit,
)
from tuyengiao.reporting.services import period_get

YEARLY, HALF_YEARLY = "BC-NAM-CS", "BC-6T-CS"
# Reports in the order they were made: the half-years, then the year they close.
PERIODS = [
    ("2023-H1", HALF_YEARLY),
    ("2023-H2", HALF_YEARLY),
    ("2023", YEARLY),
    ("2024-H1", HALF_YEARLY),
    ("2024-H2", HALF_YEARLY),
    ("2024", YEARLY),
    ("2025-H1", HALF_YEARLY),
    ("2025-H2", HALF_YEARLY),
    ("2025", YEARLY),
    ("2026-H1", HALF_YEARLY),
    ("2026", YEARLY),
]
# Entry closed for the periods of 2023 and 2024 (there is no service for closing a period yet:
# the demo sets `Period.closed_on` directly, after every figure of those periods is written).
CLOSED_ON = {
    "2023-H1": dt.date(2023, 9, 1),
    "2023-H2": dt.date(2024, 3, 1),
    "2023": dt.date(2024, 3, 1),
    "2024-H1": dt.date(2024, 9, 1),
    "2024-H2": dt.date(2025, 3, 1),
    "2024": dt.date(2025, 3, 1),
}
# Periods ending after this day are the latest: not everyone has reported or been approved.
LATEST = dt.date(2026, 1, 1)
# The sector union whose schools are behind on members briefed until 2025.
BEHIND_UNION = "NB-GD"
BEHIND_UNTIL = dt.date(2024, 12, 31)

# Share of women among members by the enterprise's trade.
WOMEN = {
    "Dệt may": 0.75,
    "Da giày": 0.72,
    "Điện tử": 0.65,
    "Thực phẩm": 0.55,
    "Dịch vụ": 0.5,
    "Ô tô": 0.42,
    "Cơ khí": 0.4,
    "Vật liệu xây dựng": 0.4,
}
# Stories told by named units (codes of the demo tree): a report returned with the upper
# level's comment — what the unit slipped on first —, then corrected and re-submitted (and
# approved, or still awaiting approval).
RETURNED = {
    ("NB-KCN-002", "2024"): (
        "Đề nghị bổ sung số đoàn viên nữ được quán triệt, học tập và số lao động nữ tham gia "
        "học tập nâng cao trình độ.",
        "women",
        True,
    ),
    ("NDI-TP-003", "2025"): (
        "Số người lao động tham gia học tập nâng cao trình độ, kỹ năng nghề chưa khớp với danh "
        "sách của doanh nghiệp, đề nghị rà soát và gửi lại.",
        "learning",
        False,
    ),
    ("HNA-KCN-001", "2025"): (
        "Số cán bộ công đoàn chủ chốt chưa cập nhật sau đại hội công đoàn cơ sở, đề nghị gửi lại.",
        "officials",
        False,
    ),
}
# Approved, then reopened by the province at the unit's request (awaiting its correction).
REOPENED = (
    "NB-YT-002",
    "2025",
    "Đơn vị đề nghị điều chỉnh số đoàn viên sau khi rà soát lại danh sách đoàn viên chuyển "
    "sinh hoạt về công đoàn xã, phường.",
)
# Returned and not corrected yet.
RETURNED_OPEN = (
    "NB-KCN-004",
    "2026-H1",
    "Số đoàn viên được quán triệt, học tập cao hơn số tham gia các buổi sinh hoạt chuyên đề "
    "đã báo cáo, đề nghị kiểm tra lại.",
)
STORIES = {*RETURNED, REOPENED[:2], RETURNED_OPEN[:2]}
# The demo grassroots account's unit has started its 2026 report.
DRAFTS = {("NB-GD-001", "2026")}


@dataclass
class Profile:
    """What a grassroots union is like: its size, its people, how it does."""

    unit: OrgUnit
    school: bool
    workforce: int  # headcount in mid-2026, the enterprise's record
    growth: float  # per year
    coverage: float  # share of the workforce in the union
    women: float
    officials: int
    briefed: float  # members briefed in 2023
    briefed_step: float  # improvement per year
    behind: bool  # one of the schools behind on briefings until 2025
    learning: float
    learning_step: float
    lateness: float  # the chance a report of this unit comes in late


def _profile(unit: OrgUnit, behind: bool) -> Profile:
    rng = random.Random(f"demo-figures:{unit.code}")  # noqa: S311 - demo data, not security
    enterprise = unit.enterprise
    school = enterprise is None or enterprise.kind == EnterpriseKind.AGENCY
    workforce = (enterprise.workforce if enterprise else None) or 40
    if school:
        name = enterprise.name if enterprise else ""
        women = 0.9 if "Mầm non" in name else rng.uniform(0.68, 0.76)
    else:
        women = WOMEN.get(enterprise.sector if enterprise else "", 0.5) + rng.uniform(-0.04, 0.04)
    size = workforce * (0.97 if school else 0.85)
    officials = 3 if size < 80 else 5 if size < 400 else 7 if size < 1500 else 9
    return Profile(
        unit=unit,
        school=school,
        workforce=workforce,
        growth=rng.uniform(0.0, 0.03) if school else rng.uniform(-0.02, 0.08),
        coverage=rng.uniform(0.95, 1.0) if school else rng.uniform(0.76, 0.93),
        women=women,
        officials=max(3, min(9, officials + rng.choice([-1, 0, 0, 1]))),
        briefed=rng.uniform(0.81, 0.92),
        briefed_step=rng.uniform(0.015, 0.04),
        behind=behind,
        learning=rng.uniform(0.5, 0.66),
        learning_step=rng.uniform(0.025, 0.05),
        lateness=0.55 if rng.random() < 0.08 else 0.06,
    )


def _split(total: int, share: float) -> int:
    return max(0, min(total, round(total * share)))


def _of_which(part: int, whole: int, whole_women: int, share: float) -> int:
    """The women among `part` (a part of `whole`, which has `whole_women` women): near
    `share` of the women, never more than the part or the women, never leaving more men in the
    part than in the whole."""
    men = whole - whole_women
    return max(max(0, part - men), min(part, whole_women, round(whole_women * share)))


def _figures(p: Profile, period: Period) -> dict[str, int]:
    """The unit's figures for a period: a half-year or a year. The second half-year's report
    gives the same head counts and briefings as the year's (both are as of 31 December)."""
    code, year = period.code, period.start.year
    first_half = code.endswith("-H1")
    seed = code if first_half else str(year)
    rng = random.Random(f"demo-figures:{p.unit.code}:{seed}")  # noqa: S311 - demo data
    t = (period.end - dt.date(2023, 1, 1)).days / 365.25  # years since the term began
    headcount = round(p.workforce * (1 + p.growth) ** (t - 3.5) * rng.uniform(0.985, 1.015))
    members = _split(headcount, min(0.99, p.coverage + 0.01 * t))
    women = _split(members, p.women)
    if p.behind and year <= BEHIND_UNTIL.year:
        ratio = rng.uniform(0.7, 0.76) if year == 2023 else rng.uniform(0.74, 0.8)
    elif p.behind:
        ratio = rng.uniform(0.91, 0.96)
    else:
        ratio = p.briefed + p.briefed_step * (year - 2023) + rng.uniform(-0.01, 0.01)
    if first_half:  # briefings go on all year: by June not everyone has had theirs
        ratio *= rng.uniform(0.62, 0.8)
    briefed = _split(members, min(0.995, ratio))
    officials = p.officials + (1 if year >= 2025 and p.officials < 9 and p.growth > 0.05 else 0)
    missed = {2023: 0.14, 2024: 0.07}.get(year, 0.0) if not first_half else 0.4
    values = {
        "key_officials": officials,
        "key_officials_briefed": officials
        - (rng.choice([1, 1, 2]) if rng.random() < missed else 0),
        "members": members,
        "members:female": women,
        "members_briefed": briefed,
        "members_briefed:female": _of_which(briefed, members, women, ratio),
    }
    if first_half or code.endswith("-H2") or p.school:
        return values
    learning_share = min(0.9, p.learning + p.learning_step * (year - 2023))
    learning = _split(headcount, learning_share + rng.uniform(-0.01, 0.01))
    headcount_women = _split(headcount, p.women)
    return values | {
        "workers_in_union_enterprises": headcount,
        "workers_in_union_enterprises:female": headcount_women,
        "workers_learning": learning,
        "workers_learning:female": _of_which(learning, headcount, headcount_women, learning_share),
    }


@dataclass
class Stamp:
    """When a report was submitted and decided, as the demo's history has it."""

    submitted: dt.datetime | None = None
    decided: dt.datetime | None = None


@dataclass
class Loader:
    """Writes the reports through the services as the demo accounts would, and keeps the
    dates the demo's history gives them."""

    admin: User
    province: User
    upper: User
    grassroots: User
    datasets: dict[str, DataSet]
    upper_units: set[int]  # units the upper-level account approves (under NB-GD today)
    stamps: dict[int, Stamp] = field(default_factory=dict)

    def submitter(self, unit: OrgUnit) -> User:
        return self.grassroots if unit.pk == self.grassroots.scope_unit_id else self.admin

    def approver(self, unit: OrgUnit) -> User:
        return self.upper if unit.pk in self.upper_units else self.province

    def submit(
        self, unit: OrgUnit, dataset: str, code: str, values: Mapping[str, int | None]
    ) -> Report:
        report, _changed = report_values_submit(
            self.submitter(unit),
            dataset=self.datasets[dataset],
            unit=unit,
            period_code=code,
            values=values,
        )
        return report

    def approve(self, report: Report) -> Report:
        return report_approve(self.approver(report.unit), report=report, version=report.version)

    def draft(self, unit: OrgUnit, dataset: str, code: str, values: dict[str, int]) -> None:
        report = Report(dataset=self.datasets[dataset], unit=unit, period=Period(code=code))
        typed = {key: str(value) for key, value in values.items()}
        report_save_draft(self.submitter(unit), report=report, typed=typed, version=0)


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A working-hours moment on `day`, or the Monday after if it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    hour = rng.choice([8, 9, 10, 11, 14, 15, 16])
    moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60)))
    return timezone.make_aware(moment)


def _sent(rng: random.Random, dataset: DataSet, period: Period, late: bool) -> dt.datetime:
    """When a report was sent: within the days allowed after the period, or past the due date."""
    if late:
        day = dataset.due_date(period) + dt.timedelta(days=rng.randint(1, 30))
    else:
        day = period.end + dt.timedelta(days=rng.randint(0, dataset.due_days - 2))
    return _moment(rng, day)


def _after(rng: random.Random, moment: dt.datetime, low: int, high: int) -> dt.datetime:
    """A working-hours moment `low` to `high` days after `moment`."""
    later = _moment(rng, moment.date() + dt.timedelta(days=rng.randint(low, high)))
    return max(later, moment + dt.timedelta(hours=2))


def _timeline(
    rng: random.Random, dataset: DataSet, period: Period, late: bool, decided: bool
) -> Stamp:
    submitted = _sent(rng, dataset, period, late)
    return Stamp(submitted, _after(rng, submitted, 1, 10) if decided else None)


def _returned_timeline(
    rng: random.Random, dataset: DataSet, period: Period, approved: bool
) -> Stamp:
    """Sent on time, returned a few days later, re-sent (perhaps past the due date), then
    approved — or not decided yet, when the last decision is still the return."""
    returned = _after(rng, _sent(rng, dataset, period, late=False), 1, 10)
    resubmitted = _after(rng, returned, 1, 5)
    return Stamp(resubmitted, _after(rng, resubmitted, 1, 6) if approved else returned)


def _exists(unit: OrgUnit, period: Period) -> bool:
    """Whether the unit existed at the end of the period (what its report is made under)."""
    return unit.valid_from <= period.reference_date < unit.valid_to


def _grassroots(loader: Loader, profiles: list[Profile], now: dt.date) -> None:
    for code, dataset_code in PERIODS:
        dataset = loader.datasets[dataset_code]
        period = period_get(code)
        if period.start > now:
            continue
        for p in profiles:
            if _exists(p.unit, period):
                _report(loader, p, dataset, period, now)


def _report(loader: Loader, p: Profile, dataset: DataSet, period: Period, now: dt.date) -> None:
    unit, code = p.unit, period.code
    key = (unit.code, code)
    rng = random.Random(f"demo-report:{unit.code}:{code}")  # noqa: S311 - demo data
    values = _figures(p, period)
    if period.end > now:  # not due yet: a few units have started their draft
        if key in DRAFTS or rng.random() < 0.04:
            loader.draft(unit, dataset.code, code, _started(values))
        return
    recent = period.end > LATEST
    roll = rng.random()
    if recent and key not in STORIES:  # the latest half-year: some not reported, some drafts
        if roll < 0.06:
            return
        if roll < 0.12:
            loader.draft(unit, dataset.code, code, _started(values))
            return
    late = rng.random() < p.lateness * (2 if recent else 1)
    if key in RETURNED:
        _returned(loader, unit, dataset, code, values)
        stamp = _returned_timeline(rng, dataset, period, approved=RETURNED[key][2])
        loader.stamps[_report_id(dataset, unit, code)] = stamp
        return
    report = loader.submit(unit, dataset.code, code, values)
    if key == RETURNED_OPEN[:2]:
        report_return(
            loader.approver(unit), report=report, version=report.version, comment=RETURNED_OPEN[2]
        )
        loader.stamps[report.pk] = _timeline(rng, dataset, period, late, decided=True)
        return
    # Every report of 2023-2024 was decided, nearly all of 2025, two thirds of the latest.
    chance = 0.65 if recent else 1.0 if period.end.year <= 2025 else 0.97
    decided = key in STORIES or rng.random() < chance
    if decided:
        report = loader.approve(report)
    stamp = _timeline(rng, dataset, period, late, decided)
    if key == REOPENED[:2] and stamp.decided is not None:  # reopened weeks after approval
        report = report_reopen(
            loader.province, report=report, version=report.version, reason=REOPENED[2]
        )
        stamp.decided = _after(rng, stamp.decided, 25, 40)
    loader.stamps[report.pk] = stamp


def _started(values: dict[str, int]) -> dict[str, int]:
    """What a unit has typed so far on a draft: its head counts."""
    return {k: v for k, v in values.items() if k in ("key_officials", "members", "members:female")}


def _slipped(values: dict[str, int], slip: str) -> dict[str, int | None]:
    """The figures as first sent, with the slip the upper level noticed."""
    first: dict[str, int | None] = dict(values)
    if slip == "women":
        first["members_briefed:female"] = first["workers_learning:female"] = None
    elif slip == "learning":
        first["workers_learning"] = values["workers_in_union_enterprises"]
    elif slip == "officials":
        first["key_officials"] = first["key_officials_briefed"] = values["key_officials"] - 2
    return first


def _returned(
    loader: Loader, unit: OrgUnit, dataset: DataSet, code: str, values: dict[str, int]
) -> None:
    """Submitted with a slip, returned with the upper level's comment, corrected, re-submitted
    (and approved, for the older one)."""
    comment, slip, approved = RETURNED[(unit.code, code)]
    report = loader.submit(unit, dataset.code, code, _slipped(values, slip))
    report = report_return(
        loader.approver(unit), report=report, version=report.version, comment=comment
    )
    report = loader.submit(unit, dataset.code, code, values)
    if approved:
        loader.approve(report)


def _report_id(dataset: DataSet, unit: OrgUnit, code: str) -> int:
    found = Report.objects.filter(dataset=dataset, unit=unit, period__code=code)
    return found.values_list("pk", flat=True).get()


def _backdate(stamps: dict[int, Stamp]) -> None:
    """Demo data fabrication: the report services stamp `timezone.now()`, but the demo's
    reports were made over three years. Their submission and decision times are rewritten here
    with queryset updates, to the history the demo tells (due dates, late reports). Only the
    demo does this; the audit log keeps the true times of the writes."""
    for pk, stamp in stamps.items():
        Report.objects.filter(pk=pk).update(
            submitted_at=stamp.submitted,
            decided_at=stamp.decided,
            updated_at=stamp.decided or stamp.submitted,
        )


def _close_periods() -> None:
    """Entry for 2023 and 2024 is over. There is no service for closing a period yet, so the
    demo sets `Period.closed_on` directly — after every figure of those periods is written."""
    for code, closed_on in CLOSED_ON.items():
        Period.objects.filter(code=code).update(closed_on=closed_on)


def _profiles() -> list[Profile]:
    behind_union = OrgUnit.objects.get(code=BEHIND_UNION)
    behind = set(
        hierarchy.descendant_ids(behind_union.pk, BEHIND_UNTIL).values_list(
            "descendant_id", flat=True
        )
    )
    units = OrgUnit.objects.filter(is_demo=True, kind=UnitKind.GRASSROOTS)
    return [
        _profile(unit, unit.pk in behind)
        for unit in units.select_related("enterprise").order_by("code")
    ]


@transaction.atomic
def load_figures() -> int:
    """Write the demo's reports (the tree, the seed plan and the demo accounts must exist);
    returns how many reports were made."""
    now = today()
    accounts = {u.username: u for u in User.objects.filter(is_demo=True)}
    upper = accounts["demo-upper"]
    upper_units = hierarchy.descendant_ids(upper.scope_unit_id or 0, now)
    loader = Loader(
        admin=accounts["demo-admin"],
        province=accounts["demo-province"],
        upper=upper,
        grassroots=accounts["demo-grassroots"],
        datasets={d.code: d for d in DataSet.objects.all()},
        upper_units=set(upper_units.values_list("descendant_id", flat=True)),
    )
    _grassroots(loader, _profiles(), now)
    _backdate(loader.stamps)
    _close_periods()
    return Report.objects.count()
