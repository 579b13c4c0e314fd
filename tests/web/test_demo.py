"""The Ninh Bình demo: the 2025 reorganisation as the issue describes it, and three and a half
years of reports that make the dashboards tell a story.

The demo is loaded once for the module (it writes some three thousand reports through the
report services) inside a transaction rolled back at the end; each test runs in its own
savepoint. The clock is the day the demo was written for."""

import datetime as dt
from collections import defaultdict
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from tuyengiao.accounts.models import User
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting import rollup
from tuyengiao.reporting.indicators import figures_for_user
from tuyengiao.reporting.models import DataValue, Period, Report, ReportStatus
from tuyengiao.reporting.report_services import check_open

TODAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
YEARLY, HALF_YEARLY = "BC-NAM-CS", "BC-6T-CS"
DONE = [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with time_machine.travel(TODAY, tick=False), django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _grassroots() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(is_demo=True, kind=UnitKind.GRASSROOTS))


def _figure(username: str, unit_code: str, year: int, indicator: str):
    user = User.objects.get(username=username)
    unit = OrgUnit.objects.get(code=unit_code)
    return next(f for f in figures_for_user(user, unit, year) if f.indicator.code == indicator)


def test_demo_loads_a_few_hundred_units_and_one_account_per_role(demo):
    assert 250 <= OrgUnit.objects.filter(is_demo=True).count() <= 600
    assert set(User.objects.filter(is_demo=True).values_list("role", flat=True)) == {
        "admin",
        "province_staff",
        "upper_officer",
        "grassroots_officer",
        "collaborator",
        "leader",
    }
    assert User.objects.get(username="demo-upper").scope_unit.kind in {"sector", "commune"}


def test_provinces_merge_on_1_july_2025(demo):
    nb, ha_nam = OrgUnit.objects.get(code="NB"), OrgUnit.objects.get(code="HNA")
    phu_ly = OrgUnit.objects.get(code="HNA-PL")
    assert ha_nam.valid_to == dt.date(2025, 7, 1) and ha_nam.successor == nb
    assert hierarchy.is_under(ha_nam.pk, phu_ly.pk, dt.date(2025, 6, 30))
    assert hierarchy.is_under(nb.pk, phu_ly.pk, dt.date(2025, 7, 1))


def test_district_federations_are_gone_and_communes_exist_after_september_2025(demo):
    today = dt.date(2026, 1, 1)
    nb = OrgUnit.objects.get(code="NB")
    kinds = set(
        OrgUnit.objects.filter(id__in=hierarchy.descendant_ids(nb.pk, today)).values_list(
            "kind", flat=True
        )
    )
    assert UnitKind.DISTRICT not in kinds
    assert UnitKind.COMMUNE in kinds
    vu_ban = OrgUnit.objects.get(name="Công đoàn xã Vụ Bản")
    assert vu_ban.valid_from == dt.date(2025, 9, 1)
    assert OrgUnit.objects.filter(name="Công đoàn xã Yên Khánh").exists()


def test_grassroots_units_keep_their_history(demo):
    unit = OrgUnit.objects.get(code="NDI-VB-001")
    assert hierarchy.version_on(unit.pk, dt.date(2024, 1, 1)).parent.code == "NDI-VB"
    assert hierarchy.version_on(unit.pk, dt.date(2025, 10, 1)).parent.name == "Công đoàn xã Vụ Bản"


def test_load_demo_refuses_a_database_with_units(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    call_command("load_demo", "--if-empty", verbosity=0)  # prints the accounts, loads nothing


def test_every_grassroots_unit_reported_every_period_of_2023_to_2025(demo):
    units = _grassroots()
    expected = {
        YEARLY: ["2023", "2024", "2025"],
        HALF_YEARLY: ["2023-H1", "2023-H2", "2024-H1", "2024-H2", "2025-H1", "2025-H2"],
    }
    for dataset, codes in expected.items():
        for code in codes:
            reported = Report.objects.filter(
                dataset__code=dataset, period__code=code, status__in=DONE
            )
            assert reported.count() == len(units), (dataset, code)
    # Most are approved, by the education union's officer or by the province.
    done = Report.objects.filter(period__end__lte=dt.date(2026, 1, 1))
    approved = done.filter(status=ReportStatus.APPROVED)
    assert approved.count() > 0.95 * done.count()
    assert set(approved.values_list("decided_by__username", flat=True)) >= {
        "demo-upper",
        "demo-province",
    }
    # The province's own report: one propaganda training a year.
    trainings = DataValue.objects.filter(
        unit__code="NB", element__code="propaganda_trainings_provincial"
    )
    assert sorted(trainings.values_list("period__code", "value")) == [
        ("2023", 1),
        ("2024", 1),
        ("2025", 1),
    ]


def test_figures_are_plausible(demo):
    values = defaultdict(dict)
    for unit, period, element, category, value in DataValue.objects.filter(
        unit__kind=UnitKind.GRASSROOTS
    ).values_list("unit__code", "period__code", "element__code", "category", "value"):
        values[(unit, period)][f"{element}:{category}" if category else element] = value
    assert values
    for (unit, period), v in values.items():
        assert 3 <= v["key_officials"] <= 9
        assert v["key_officials_briefed"] <= v["key_officials"]
        assert v["members_briefed"] <= v["members"]
        assert v["members_briefed:female"] <= min(v["members:female"], v["members_briefed"])
        assert 0.35 <= v["members:female"] / v["members"] <= 0.95, (unit, period)
        if "workers_learning" in v:
            assert v["members"] <= v["workers_in_union_enterprises"]
            assert v["workers_learning"] <= v["workers_in_union_enterprises"]
            assert v["enterprises_cultural_standard"] <= v["units_cultural_standard"]
    # Growing, not jumping: a unit's members change by less than a fifth from year to year;
    # the second half-year's report gives the year's head count.
    for unit in {u for u, _p in values}:
        members = [values[(unit, y)]["members"] for y in ("2023", "2024", "2025")]
        assert values[(unit, "2024-H2")]["members"] == members[1]
        for before, after in pairwise(members):
            assert 0.8 < after / before < 1.2, unit


def test_some_reports_came_in_late_and_are_dated_then(demo):
    late = defaultdict(int)
    now = TODAY
    for report in Report.objects.exclude(submitted_at=None).select_related("dataset", "period"):
        assert report.period.end <= report.submitted_at.date() and report.submitted_at < now
        if report.status == ReportStatus.APPROVED:
            assert report.submitted_at < report.decided_at < now
        if report.submitted_at.date() > report.dataset.due_date(report.period):
            late[report.period.code] += 1
    assert all(late[code] > 0 for code in ["2023", "2024", "2025", "2026-H1"])
    assert sum(late.values()) < 0.2 * Report.objects.exclude(submitted_at=None).count()


def test_some_reports_were_returned_with_a_comment_and_one_reopened(demo):
    returns = AuditEntry.objects.filter(action="report.return")
    assert returns.count() >= 3
    assert all(entry.reason for entry in returns)
    resubmitted = Report.objects.filter(status=ReportStatus.SUBMITTED).exclude(comment="")
    assert resubmitted.count() >= 2  # corrected and sent again: the comment stays with them
    assert all(r.decided_at < r.submitted_at for r in resubmitted)
    reopened = AuditEntry.objects.get(action="report.reopen")
    report = Report.objects.get(pk=reopened.object_id)
    assert report.status == ReportStatus.RETURNED and report.period.code == "2025"
    assert reopened.reason == report.comment != ""


def test_2026_is_partly_reported(demo):
    units = len(_grassroots())
    half = Report.objects.filter(dataset__code=HALF_YEARLY, period__code="2026-H1")
    sent = half.filter(status__in=DONE).count()
    drafts = half.filter(status=ReportStatus.DRAFT).count()
    assert 0.75 * units < sent < units
    assert drafts > 0 and sent + drafts < units  # some have not started
    assert half.filter(status=ReportStatus.APPROVED).count() < sent  # some await approval
    # The year is not over: a few drafts, no figures.
    year = Report.objects.filter(dataset__code=YEARLY, period__code="2026")
    assert 0 < year.count() < 0.1 * units
    assert set(year.values_list("status", flat=True)) == {ReportStatus.DRAFT}
    assert year.filter(unit__code="NB-GD-001").exists()  # the demo grassroots account's
    assert not DataValue.objects.filter(period__code="2026").exists()
    assert not Report.objects.filter(period__code="2026-H2").exists()


def test_2023_and_2024_are_closed_for_entry(demo):
    for code in ["2023", "2024-H2"]:
        with pytest.raises(ValidationError):
            check_open(Period.objects.get(code=code))
    check_open(Period.objects.get(code="2025"))


def test_rollup_is_consistent(demo):
    assert rollup.differences() == []


def test_dashboards_tell_the_story(demo):
    # One propaganda training a year: 3 of the 5 the term asks for after 4 of its 6 years.
    training = _figure("demo-province", "NB", 2026, "T2.2")
    assert (training.value, training.status) == (3, "at_risk")
    # The province improves and meets its target for members briefed in 2025 …
    briefed = [_figure("demo-province", "NB", y, "T2.1b") for y in (2023, 2024, 2025)]
    assert briefed[0].value < briefed[1].value < briefed[2].value
    assert [f.status for f in briefed] == ["not_met", "not_met", "met"]
    # … while the education union's schools lag behind until they catch up in 2025.
    schools = [_figure("demo-upper", "NB-GD", y, "T2.1b") for y in (2023, 2024, 2025)]
    assert 70 <= schools[0].value < schools[1].value <= 80 < 90 <= schools[2].value
    assert schools[1].status == "not_met"
    # A few enterprises never reach the cultural standard.
    never = DataValue.objects.filter(
        element__code="enterprises_cultural_standard", period__code__in=["2023", "2024", "2025"]
    )
    reached = set(never.filter(value=1).values_list("unit_id", flat=True))
    assert len(set(never.values_list("unit_id", flat=True)) - reached) >= 5
