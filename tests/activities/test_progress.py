"""Plan progress by task: each task of the unit's plan with the activities recorded under it
year by year (an adopted plan's task matched to the province's by code, an activity counted in
every year it runs), the units directly under it for one year and task with those that have
nothing first, links to the activity list, scope, the audited export and a fixed number of
queries whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.activities.conftest import describe
from tests.conftest import START, client_for
from tuyengiao.activities import progress
from tuyengiao.activities.services import activity_create
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.models import UnitKind
from tuyengiao.plans.models import PlanTask
from tuyengiao.plans.services import plan_adopt, plan_load, task_add
from tuyengiao.plans.spec import SEED_PLAN, parse_plan

YEARS = [2023, 2024, 2025, 2026, 2027, 2028]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plans(tree, reference):
    """The province's plan; the education union adopted it and added a task of its own."""
    province = plan_load(
        None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province
    )[0]
    education = plan_adopt(None, parent=province, unit=tree.education)
    task_add(None, plan=education, code="GD-1", title="Xây dựng trường học an toàn")
    return province, education


def _task(plan, code):
    return PlanTask.objects.get(plan=plan, code=code)


def _on(unit, task, start, end=None, participants=100, **changes):
    data = describe(
        unit,
        task=task,
        start_date=start,
        end_date=end or start,
        participants=participants,
        participants_members=None,
        participants_women=None,
        **changes,
    )
    return activity_create(None, data=data)


@pytest.fixture
def recorded(plans, tree):
    province, education = plans
    _on(tree.school_a, _task(province, "TASK-1"), dt.date(2025, 3, 10), participants=120)
    # The adopted plan's copy of TASK-1: the same task.
    _on(tree.school_a, _task(education, "TASK-1"), dt.date(2026, 3, 10), participants=80)
    _on(tree.school_b, _task(education, "GD-1"), dt.date(2026, 4, 1), participants=40)
    _on(tree.garment, _task(province, "TASK-5"), dt.date(2026, 5, 5), participants=200)
    _on(tree.education, None, dt.date(2026, 6, 1), participants=30)
    # Over the new year: in 2024 and in 2025, once over the term.
    _on(
        tree.school_a,
        _task(province, "TASK-3"),
        dt.date(2024, 12, 30),
        dt.date(2025, 1, 2),
        participants=60,
    )
    return plans


def _cells(row):
    return {
        cell.year: (cell.activities, cell.participants) for cell in row.years if cell.activities
    }


def test_each_task_of_the_plan_counts_its_activities_by_year(recorded, province_officer):
    data = progress.progress_for_user(province_officer, "NB")
    assert data.plan == recorded[0]
    assert data.years == YEARS
    rows = {row.code: row for row in data.tasks}
    assert [row.code for row in data.tasks] == [f"TASK-{n}" for n in range(1, 9)]
    assert _cells(rows["TASK-1"]) == {2025: (1, 120), 2026: (1, 80)}
    assert (rows["TASK-1"].term.activities, rows["TASK-1"].term.participants) == (2, 200)
    assert _cells(rows["TASK-3"]) == {2024: (1, 60), 2025: (1, 60)}
    assert rows["TASK-3"].term.activities == 1
    assert _cells(rows["TASK-5"]) == {2026: (1, 200)}
    assert _cells(rows["TASK-2"]) == {}
    extra = {row.code: _cells(row) for row in data.extra}
    assert extra == {progress.OTHER_TASKS: {2026: (1, 40)}, progress.NO_TASK: {2026: (1, 30)}}


def test_an_adopted_plan_shows_its_own_task_beside_the_inherited_ones(recorded, upper_officer):
    data = progress.progress_for_user(upper_officer, "GD", year="2026", task="GD-1")
    assert data.plan == recorded[1]
    assert [row.code for row in data.tasks][-1] == "GD-1"
    rows = {row.code: row for row in data.tasks}
    assert rows["GD-1"].own and not rows["TASK-1"].own
    assert _cells(rows["TASK-1"]) == {2025: (1, 120), 2026: (1, 80)}
    assert _cells(rows["GD-1"]) == {2026: (1, 40)}
    # The breakdown for GD-1 in 2026: school A has nothing and comes first.
    assert data.task.code == "GD-1"
    assert [(c.unit.code, c.cell.activities) for c in data.children] == [
        ("GD-001", 0),
        ("GD-002", 1),
    ]
    assert data.nothing_count == 1


def test_the_breakdown_puts_the_units_with_nothing_first(recorded, province_officer):
    data = progress.progress_for_user(province_officer, "NB", year="2026", task="task-1")
    assert (data.year, data.task.code) == (2026, "TASK-1")
    assert data.reference_date == dt.date(2026, 11, 20)  # the year is not over: today's tree
    assert [(c.unit.code, c.cell.activities, c.cell.participants) for c in data.children] == [
        ("YK", 0, 0),
        ("GD", 1, 80),
    ]
    assert data.others.activities == 0


def test_the_year_and_task_default_to_this_year_and_the_first_task(recorded, province_officer):
    data = progress.progress_for_user(province_officer, "NB", year="nam nay", task="KHONG")
    assert (data.year, data.task.code) == (2026, "TASK-1")
    assert progress.progress_for_user(province_officer, "NB", year="2031").year == 2028


def test_the_page_links_each_figure_to_the_activity_list(recorded, province_officer):
    response = client_for(province_officer).get(
        reverse("activities_progress:home"), {"year": "2025", "task": "TASK-3"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/activities/?unit=NB&amp;task=TASK-1&amp;year=2025"' in html
    assert 'href="/activities/?unit=NB&amp;task=TASK-3&amp;year=2024"' in html
    assert 'href="/activities/?unit=GD&amp;task=TASK-3&amp;year=2025"' in html
    assert 'class="nothing"' in html  # Yên Khánh did nothing on TASK-3 in 2025
    assert "2.025" not in html  # years are not written as numbers
    form = response.context["form"]
    assert form["year"].value() == "2025" and form["task"].value() == "TASK-3"


def test_a_unit_without_a_plan_of_its_own_follows_the_one_above(recorded, outsider):
    data = progress.progress_for_user(outsider, "YK")
    assert data.plan == recorded[0]
    rows = {row.code: row for row in data.tasks}
    assert _cells(rows["TASK-5"]) == {2026: (1, 200)}
    assert _cells(rows["TASK-1"]) == {}
    assert [c.unit.code for c in data.children] == ["YK-001"]


def test_without_any_plan_the_page_says_so(tree, reference, province_officer):
    day = dt.date(2026, 3, 1)
    activity_create(None, data=describe(tree.school_a, start_date=day, end_date=day))
    response = client_for(province_officer).get(reverse("activities_progress:home"))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.plan is None and data.tasks == [] and data.task is None
    assert _cells(data.extra[0]) == {2026: (1, 120)}
    assert 'class="note"' in response.content.decode()


def test_the_default_unit_is_the_users_scope(recorded, upper_officer, admin_user):
    response = client_for(upper_officer).get(reverse("activities_progress:home"))
    assert response.context["data"].unit.code == "GD"
    response = client_for(admin_user).get(reverse("activities_progress:home"))
    assert response.context["data"].unit.code == "VN"


def test_an_outsider_is_refused_another_branch_and_its_export(recorded, outsider):
    client = client_for(outsider)
    assert client.get(reverse("activities_progress:home"), {"unit": "GD"}).status_code == 403
    assert client.get(reverse("activities_progress:export"), {"unit": "GD"}).status_code == 403
    assert client.get(reverse("activities_progress:home"), {"unit": "XX"}).status_code == 404
    assert not AuditEntry.objects.filter(action="progress.export").exists()
    # Their own page shows nothing of the education union's.
    response = client.get(reverse("activities_progress:home"))
    html = response.content.decode()
    assert "Công đoàn ngành Giáo dục" not in html and "GD-001" not in html


def test_the_export_holds_both_tables_and_is_audited(recorded, province_officer):
    response = client_for(province_officer).get(
        reverse("activities_progress:export"), {"unit": "NB", "year": "2026", "task": "TASK-1"}
    )
    assert response.status_code == 200
    assert 'filename="tien-do-nhiem-vu-NB-TASK-1-2026.xlsx"' in response["Content-Disposition"]
    tasks, units = load_workbook(io.BytesIO(response.content)).worksheets
    lines = [[c.value for c in row] for row in tasks.iter_rows(min_row=3)]
    first = lines[0]
    assert first[0] == "TASK-1"
    # Code, title, then activities and participants per year 2023–2028, then the term.
    assert first[2:] == [0, 0, 0, 0, 1, 120, 1, 80, 0, 0, 0, 0, 2, 200]
    assert len(lines) == 8 + 2  # the tasks, other plans' tasks, no task
    assert [[c.value for c in row] for row in units.iter_rows(min_row=3)] == [
        ["YK", "Liên đoàn Lao động huyện Yên Khánh", 0, 0],
        ["GD", "Công đoàn ngành Giáo dục", 1, 80],
    ]
    entry = AuditEntry.objects.get(action="progress.export")
    assert entry.actor == province_officer and entry.unit.code == "NB"
    assert entry.after["task"] == "TASK-1" and entry.after["year"] == 2026


def test_the_page_takes_the_same_queries_whatever_the_subtree(
    recorded, province_officer, tree, django_assert_num_queries
):
    province_officer.scope_unit  # noqa: B018
    task = _task(recorded[0], "TASK-1")
    with django_assert_num_queries(11) as small:
        progress.progress_for_user(province_officer, "NB", year="2026", task="TASK-1")
    for n in range(5):
        district = org_services.unit_create(
            None,
            code=f"H{n}",
            name=f"Liên đoàn Lao động huyện số {n}",
            kind=UnitKind.DISTRICT,
            parent=tree.province,
            valid_from=START,
            reason="Thử nghiệm",
        )
        unit = org_services.unit_create(
            None,
            code=f"H{n}-001",
            name=f"CĐCS Công ty số {n}",
            kind=UnitKind.GRASSROOTS,
            parent=district,
            valid_from=START,
            reason="Thử nghiệm",
        )
        _on(unit, task, dt.date(2026, 2, n + 1))
    with django_assert_num_queries(len(small.captured_queries)):
        data = progress.progress_for_user(province_officer, "NB", year="2026", task="TASK-1")
    assert len(data.children) == 7
    assert {c.cell.activities for c in data.children if c.unit.code.startswith("H")} == {1}
