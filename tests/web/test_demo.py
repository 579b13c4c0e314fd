"""The Ninh Bình demo: the 2025 reorganisation as the issue describes it, three and a half
years of reports, and the records of the work itself (activities, Workers' Months, trainings,
cultural-standard records) that make the dashboards tell a story.

The demo is loaded once for the module (it writes some three thousand reports and over a
thousand activities through the services) inside a transaction rolled back at the end; each
test runs in its own savepoint. The clock is the day the demo was written for."""

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
from tuyengiao.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    Campaign,
    CampaignKind,
    CulturalRecord,
    EventKind,
    EventLevel,
    TrainingKind,
)
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import EnterpriseKind, OrgUnit, UnitKind
from tuyengiao.reporting import rollup
from tuyengiao.reporting.indicators import figures_for_user
from tuyengiao.reporting.models import DataValue, ElementSource, Period, Report, ReportStatus
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
    done = Report.objects.filter(
        dataset__code__in=[YEARLY, HALF_YEARLY], period__end__lte=dt.date(2026, 1, 1)
    )
    approved = done.filter(status=ReportStatus.APPROVED)
    assert approved.count() > 0.95 * done.count()
    assert set(approved.values_list("decided_by__username", flat=True)) >= {
        "demo-upper",
        "demo-province",
    }


def _grassroots_values(source: str) -> dict[tuple[str, str], dict[str, int]]:
    """{(unit code, period code): {element[:category]: value}} of the grassroots units, for
    the elements typed on forms or those counted from records."""
    values: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    # The yearly and half-yearly forms' figures (the monthly situation report has its own test).
    for unit, period, element, category, value in (
        DataValue.objects.filter(unit__kind=UnitKind.GRASSROOTS, element__source=source)
        .exclude(period__kind="month")
        .values_list("unit__code", "period__code", "element__code", "category", "value")
    ):
        values[(unit, period)][f"{element}:{category}" if category else element] = value
    return values


def test_figures_are_plausible(demo):
    values = _grassroots_values(ElementSource.FORM)
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
    # Growing, not jumping: a unit's members change by less than a fifth from year to year;
    # the second half-year's report gives the year's head count.
    for unit in {u for u, _p in values}:
        members = [values[(unit, y)]["members"] for y in ("2023", "2024", "2025")]
        assert values[(unit, "2024-H2")]["members"] == members[1]
        for before, after in pairwise(members):
            assert 0.8 < after / before < 1.2, unit
    # The figures counted from the records agree with each other and with the reports: every
    # union of 2023-2025 is in the registry, its families are fewer than its members.
    counted = _grassroots_values(ElementSource.RECORDS)
    for year in ("2023", "2024", "2025"):
        assert {u for u, p in counted if p == year} == {u for u, p in values if p == year}
    for (unit, period), v in counted.items():
        assert v["units_with_union"] == 1, (unit, period)
        assert v.get("enterprises_with_union", 0) <= 1
        if period == "2026":  # no record yet: the registry and the year's events so far
            assert set(v) <= {"units_with_union", "enterprises_with_union", "arts_sports_events"}
            continue
        assert v["units_cultural_standard"] <= v["units_with_union"]
        if "enterprises_with_union" in v:
            assert v["enterprises_cultural_standard"] == v["units_cultural_standard"]
        assert v["families_cultural"] <= v["member_families"] < values[(unit, period)]["members"]
        assert v.get("arts_sports_events", 0) <= 3


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
    typed = DataValue.objects.filter(period__code="2026", element__source=ElementSource.FORM)
    assert not typed.exists()  # counted from records so far: the registry, the year's events
    assert not Report.objects.filter(period__code="2026-H2").exists()


def test_2023_and_2024_are_closed_for_entry(demo):
    for code in ["2023", "2024-H2"]:
        with pytest.raises(ValidationError):
            check_open(Period.objects.get(code=code))
    check_open(Period.objects.get(code="2025"))


def test_rollup_is_consistent(demo):
    assert rollup.differences() == []


def test_dashboards_tell_the_story(demo):
    # One propaganda-skills course a year (the records of the trainings): 3 of the 5 the term
    # asks for after 4 of its 6 years.
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
    # A growing share of units, enterprises and member families reaches the cultural standard
    # (from the cultural-standard records over the registry), all targets met by 2025.
    for code in ("T2.3a", "T2.3b", "T2.3c"):
        shares = [_figure("demo-province", "NB", y, code) for y in (2023, 2024, 2025)]
        assert 55 <= shares[0].value < shares[1].value < shares[2].value <= 95, code
        assert shares[0].status == "not_met" and shares[2].status == "met", code
    # A few enterprises never reach the cultural standard.
    never = DataValue.objects.filter(
        element__code="enterprises_cultural_standard", period__code__in=["2023", "2024", "2025"]
    )
    reached = set(never.filter(value=1).values_list("unit_id", flat=True))
    assert len(set(never.values_list("unit_id", flat=True)) - reached) >= 5
    # The provincial arts festival of 2024 and sports tournament of 2025: the term's one each.
    for code, year in (("T2.4b", 2024), ("T2.4c", 2025)):
        before = _figure("demo-province", "NB", year - 1, code)
        assert before.status != "met", code
        for later in range(year, 2027):
            figure = _figure("demo-province", "NB", later, code)
            assert (figure.value, figure.status) == (1, "met"), (code, later)


# --- the records of the work itself ---------------------------------------------------------


def test_several_hundred_activities_of_every_kind_by_units_that_existed_then(demo):
    activities = Activity.objects.select_related("organiser", "task__plan")
    assert 800 <= activities.count() <= 3000
    assert set(activities.values_list("kind", flat=True)) >= set(ActivityKind.values) - {
        ActivityKind.OTHER
    }
    assert {d.year for d in activities.values_list("start_date", flat=True)} == {
        2023,
        2024,
        2025,
        2026,
    }
    assert activities.filter(start_date__gt=TODAY.date()).count() == 0
    assert activities.filter(topics=None).count() == 0
    for activity in activities:
        organiser, day = activity.organiser, activity.start_date
        assert organiser.valid_from <= day < organiser.valid_to, activity.pk
        if activity.task is not None:  # a task of the plan of the organiser or a unit above it
            assert hierarchy.is_under(activity.task.plan.unit_id, organiser.pk, day), activity.pk
    # Across the tree as it stood: district federations until September 2025, commune and
    # ward unions after; Hà Nam's units served their own federation's plan before the merger.
    kinds_by_year = defaultdict(set)
    for kind, day in activities.values_list("organiser__kind", "start_date"):
        kinds_by_year[day.year].add(kind)
    assert UnitKind.DISTRICT in kinds_by_year[2023] and UnitKind.COMMUNE in kinds_by_year[2026]
    assert UnitKind.DISTRICT not in kinds_by_year[2026]
    before = activities.filter(organiser__code__startswith="HNA-", start_date__lt="2025-07-01")
    assert before.exists() and not before.exclude(task=None).exists()
    assert activities.filter(venue="boarding_house").count() >= 20
    assert activities.filter(venue="enterprise").exclude(enterprise=None).count() >= 20
    assert activities.exclude(document="").count() > activities.count() / 3
    linked = Activity.objects.filter(links__url__startswith="https://laodongninhbinh.example.vn/")
    assert linked.distinct().count() >= 50


def test_every_workers_month_has_activities_of_many_units(demo):
    nb = OrgUnit.objects.get(code="NB")
    months = Campaign.objects.filter(kind=CampaignKind.WORKERS_MONTH)
    assert {c.start_date.year for c in months.filter(unit=nb)} == {2023, 2024, 2025, 2026}
    for campaign in months:
        activities = campaign.activities.all()
        organisers = set(activities.values_list("organiser_id", flat=True))
        assert len(organisers) >= 15, campaign.code
        assert all(d.month == 5 for d in activities.values_list("start_date", flat=True))
        kinds = set(OrgUnit.objects.filter(pk__in=organisers).values_list("kind", flat=True))
        assert {UnitKind.PROVINCE, UnitKind.GRASSROOTS} <= kinds, campaign.code


def test_the_province_trained_its_propaganda_officials_once_a_year(demo):
    courses = Activity.objects.filter(
        organiser__code="NB",
        kind=ActivityKind.TRAINING,
        training_kind=TrainingKind.PROPAGANDA_SKILLS,
    )
    assert sorted(d.year for d in courses.values_list("start_date", flat=True)) == [
        2023,
        2024,
        2025,
    ]
    trainings = DataValue.objects.filter(
        unit__code="NB", element__code="propaganda_trainings_provincial"
    )
    assert sorted(trainings.values_list("period__code", "value")) == [
        ("2023", 1),
        ("2024", 1),
        ("2025", 1),
    ]
    nb = OrgUnit.objects.get(code="NB")
    for course in Activity.objects.filter(kind=ActivityKind.TRAINING):
        attendance = Attendance.objects.filter(activity=course).select_related("person")
        came = attendance.filter(attended=True)
        assert attendance.count() >= 20 and came.count() >= 0.75 * attendance.count(), course
        assert course.participants == came.count()
        if course.organiser_id == nb.pk:  # officials of units then under the federation
            for row in attendance:
                assert hierarchy.is_under(nb.pk, row.person.unit_id, course.start_date)
    assert set(
        Activity.objects.filter(kind=ActivityKind.TRAINING).values_list("training_kind", flat=True)
    ) == set(TrainingKind.values) - {TrainingKind.OTHER}


def test_most_grassroots_units_hold_an_arts_or_sports_event_every_year(demo):
    units = len(_grassroots())
    for year in ("2023", "2024", "2025"):
        held = DataValue.objects.filter(
            element__code="arts_sports_events",
            period__code=year,
            unit__kind=UnitKind.GRASSROOTS,
            value__gte=1,
        )
        assert held.count() > 0.7 * units, year
    local = Activity.objects.filter(organiser__kind=UnitKind.GRASSROOTS, event_kind__gt="")
    assert set(local.values_list("event_level", flat=True)) == {EventLevel.LOCAL}
    assert set(local.values_list("event_kind", flat=True)) >= {
        EventKind.BADMINTON,
        EventKind.SOFT_VOLLEYBALL,
        EventKind.BALLROOM_DANCE,
        EventKind.MASS_DANCE,
        EventKind.SINGING_CONTEST,
    }
    provincial = Activity.objects.filter(organiser__code="NB", event_level=EventLevel.PROVINCIAL)
    assert sorted(provincial.values_list("event_kind", "start_date__year")) == [
        (EventKind.ARTS_FESTIVAL, 2024),
        (EventKind.SPORTS_TOURNAMENT, 2025),
    ]


def test_every_grassroots_union_has_a_cultural_record_for_2023_to_2025(demo):
    units = _grassroots()
    records = CulturalRecord.objects.select_related("unit__enterprise")
    for year in (2023, 2024, 2025):
        assert records.filter(year=year).count() == len(units), year
    registered = [records.filter(year=y, registered=True).count() for y in (2023, 2024, 2025)]
    recognised = [records.filter(year=y, recognised=True).count() for y in (2023, 2024, 2025)]
    assert 0.85 * len(units) < registered[0] <= registered[1] <= registered[2]
    assert recognised[0] < recognised[1] < recognised[2] < registered[2]
    assert all(r.decision for r in records.filter(recognised=True))
    families = [(r.families, r.families_cultural) for r in records]
    share = sum(c for _f, c in families) / sum(f for f, _c in families)
    assert 0.85 <= share <= 0.95
    # Those not recognised by 2025 are enterprises: schools and agencies reach it first.
    never = {r.unit_id for r in records} - {r.unit_id for r in records if r.recognised}
    kinds = [r.unit.enterprise.kind for r in records.filter(unit_id__in=never, year=2025)]
    assert len(never) >= 5
    assert kinds.count(EnterpriseKind.ENTERPRISE) >= 0.9 * len(kinds)


def test_a_year_of_situation_reports_and_cases(demo):
    from tuyengiao.voice.models import Case, CaseStatus, SituationNote

    units = _grassroots()
    october = Report.objects.filter(dataset__code="BC-THANG-TT", period__code="2026-10")
    assert 0.85 * len(units) <= october.count() <= len(units)
    months = Report.objects.filter(dataset__code="BC-THANG-TT").values("period").distinct()
    assert months.count() == 12
    assert SituationNote.objects.filter(mood="tense").exists()
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.RESOLVED, CaseStatus.ESCALATED, CaseStatus.RESOLVING} <= statuses
    assert Case.objects.count() >= 10
    from tuyengiao.voice import hotspots
    from tuyengiao.voice.hotspot_selectors import hotspots_under

    assert hotspots.stale() == []  # the bulk load ended with a rebuild
    with time_machine.travel("2026-11-15 09:00 +07:00"):  # October's reports still count
        ranked = list(hotspots_under(OrgUnit.objects.get(code="NB")).rows[:20])
    garment = [u for u in units if u.enterprise and u.enterprise.sector == "Dệt may"][0]
    assert ranked[0].unit == garment and ranked[0].score >= 5  # arrears rising into a stoppage
    assert len(ranked) >= 5  # a few others owe insurance or have cases
