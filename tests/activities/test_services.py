"""Recording activities: validation in Vietnamese by field, scope, optimistic locking, audit,
and the plan figures they feed (T2.2, T2.4) kept right through create, update and delete."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.activities.conftest import describe
from tuyengiao.activities import figures
from tuyengiao.activities.campaign_services import campaign_create, workers_month_ensure
from tuyengiao.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    EventKind,
    EventLevel,
    TrainingKind,
)
from tuyengiao.activities.services import (
    activity_create,
    activity_delete,
    activity_update,
    attendance_set,
)
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs.people_services import person_create
from tuyengiao.plans.models import Plan, PlanTask
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import DataElement, DataValue, Period, Structure


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def figure(unit, code, year):
    rollup.catch_up()
    element = DataElement.objects.get(code=code)
    period = Period.objects.filter(code=str(year)).first()
    if period is None:
        return None
    cells = rollup.totals([unit.pk], [element.pk], [period.pk], Structure.HISTORICAL)
    return cells.get((unit.pk, element.pk, period.pk, ""))


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def event(unit, **changes):
    defaults = {
        "kind": ActivityKind.SPORTS,
        "event_kind": EventKind.BADMINTON,
        "event_level": EventLevel.LOCAL,
    }
    return describe(unit, **(defaults | changes))


def test_an_event_feeds_t24a_at_every_level_and_is_audited(tree, reference, upper_officer):
    activity = activity_create(upper_officer, data=event(tree.school_a, title="Giải cầu lông"))
    activity_create(upper_officer, data=event(tree.school_b))
    assert figure(tree.school_a, figures.EVENTS, 2025) == 1
    assert figure(tree.education, figures.EVENTS, 2025) == 2
    assert figure(tree.province, figures.EVENTS, 2025) == 2
    entry = AuditEntry.objects.get(action="activity.create", object_id=str(activity.pk))
    assert entry.actor == upper_officer and entry.after["title"] == "Giải cầu lông"
    assert entry.after["topics"] == ["labour_code"]
    assert not rollup.differences()


def test_moving_an_event_to_another_year_and_unit_moves_its_figure(tree, reference, upper_officer):
    activity = activity_create(upper_officer, data=event(tree.school_a))
    changed = event(tree.school_b, start_date=dt.date(2024, 5, 2), end_date=dt.date(2024, 5, 3))
    activity_update(upper_officer, activity=activity, data=changed, version=activity.version)
    assert figure(tree.school_a, figures.EVENTS, 2025) is None
    assert figure(tree.school_b, figures.EVENTS, 2024) == 1
    assert figure(tree.education, figures.EVENTS, 2024) == 1
    assert not rollup.differences()


def test_a_propaganda_session_is_no_event(tree, reference, upper_officer):
    activity_create(upper_officer, data=describe(tree.school_a))
    assert figure(tree.school_a, figures.EVENTS, 2025) is None


def test_deleting_removes_the_activity_and_its_figure(tree, reference, upper_officer):
    activity = activity_create(upper_officer, data=event(tree.school_a))
    activity_delete(upper_officer, activity=activity, version=activity.version)
    assert not Activity.objects.exists()
    assert figure(tree.education, figures.EVENTS, 2025) is None
    assert AuditEntry.objects.filter(action="activity.delete").count() == 1


def test_t22_counts_the_provinces_propaganda_courses_only(tree, reference, province_officer):
    course = {"kind": ActivityKind.TRAINING, "training_kind": TrainingKind.PROPAGANDA_SKILLS}
    activity_create(province_officer, data=describe(tree.province, **course))
    activity_create(province_officer, data=describe(tree.province, **course))
    other = {**course, "training_kind": TrainingKind.REPORTERS}
    activity_create(province_officer, data=describe(tree.province, **other))
    # A sector union's course of the same kind is not a provincial course.
    activity_create(province_officer, data=describe(tree.education, **course))
    assert figure(tree.province, figures.TRAININGS, 2025) == 2
    assert figure(tree.education, figures.TRAININGS, 2025) is None


def test_t24b_and_c_count_provincial_festivals_and_tournaments(tree, reference, province_officer):
    festival = event(tree.province, kind=ActivityKind.ARTS, event_kind=EventKind.ARTS_FESTIVAL)
    festival.event_level = EventLevel.PROVINCIAL
    activity_create(province_officer, data=festival)
    local = event(tree.education, event_kind=EventKind.SPORTS_TOURNAMENT)
    activity_create(province_officer, data=local)
    assert figure(tree.province, figures.FESTIVALS, 2025) == 1
    assert figure(tree.province, figures.TOURNAMENTS, 2025) is None
    assert figure(tree.province, figures.EVENTS, 2025) == 2


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"end_date": dt.date(2025, 3, 9)}, "end_date", "trước ngày bắt đầu"),
        ({"participants_members": 121}, "participants_members", "120"),
        ({"participants_women": 500}, "participants_women", "120"),
        ({"participants": None}, "participants", "tổng số"),
        ({"participants": -3}, "participants", "số nguyên"),
        ({"title": "  "}, "title", ""),
        ({"topics": []}, "topics", "chủ đề"),
        ({"kind": ActivityKind.TRAINING}, "training_kind", "lớp"),
        ({"kind": ActivityKind.ARTS}, "event_kind", ""),
        ({"start_date": dt.date(2030, 1, 1), "end_date": dt.date(2030, 1, 1)}, "start_date", ""),
        ({"links": [("javascript:alert(1)", "x")]}, "links", "javascript"),
    ],
)
def test_bad_input_is_named_by_field_and_saves_nothing(
    tree, reference, upper_officer, changes, field, words
):
    found = errors_of(
        lambda: activity_create(upper_officer, data=describe(tree.school_a, **changes))
    )
    assert field in found and words.lower() in " ".join(found[field]).lower()
    assert not Activity.objects.exists() and not DataValue.objects.exists()


def test_a_task_from_another_plan_is_refused(tree, reference, upper_officer, outsider):
    ours = Plan.objects.create(
        code="KH-NB", title="Kế hoạch", unit=tree.province, start_year=2023, end_year=2028
    )
    theirs = Plan.objects.create(
        code="KH-YK", title="Kế hoạch YK", unit=tree.district, start_year=2023, end_year=2028
    )
    task = PlanTask.objects.create(plan=ours, code="TASK-1", title="Tuyên truyền")
    foreign = PlanTask.objects.create(plan=theirs, code="TASK-1", title="Tuyên truyền")
    assert activity_create(upper_officer, data=describe(tree.school_a, task=task)).task == task
    found = errors_of(
        lambda: activity_create(upper_officer, data=describe(tree.school_a, task=foreign))
    )
    assert "task" in found and "CĐCS Trường THPT Hoa Lư A" in found["task"][0]


def test_an_organiser_outside_scope_is_refused_and_nothing_changes(tree, reference, outsider):
    with pytest.raises(PermissionDenied):
        activity_create(outsider, data=describe(tree.school_a))
    assert (
        not Activity.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="activity").exists()
    )


def test_a_grassroots_officer_records_for_their_own_union_only(tree, reference, grassroots_officer):
    assert activity_create(grassroots_officer, data=describe(tree.school_a)).pk
    with pytest.raises(PermissionDenied):
        activity_create(grassroots_officer, data=describe(tree.school_b))


def test_moving_an_activity_out_of_scope_is_refused(tree, reference, upper_officer):
    activity = activity_create(upper_officer, data=describe(tree.school_a))
    with pytest.raises(PermissionDenied):
        activity_update(upper_officer, activity=activity, data=describe(tree.garment), version=1)
    assert Activity.objects.get().organiser == tree.school_a


def test_the_second_of_two_concurrent_edits_is_told(
    tree, reference, upper_officer, province_officer
):
    activity = activity_create(upper_officer, data=describe(tree.school_a))
    activity_update(
        upper_officer, activity=activity, data=describe(tree.school_a, title="Bản của A"), version=1
    )
    found = errors_of(
        lambda: activity_update(
            province_officer,
            activity=activity,
            data=describe(tree.school_a, title="Bản của B"),
            version=1,
        )
    )
    assert "tải lại trang" in " ".join(found["__all__"])
    assert Activity.objects.get().title == "Bản của A"


def test_a_campaign_takes_activities_of_its_subtree_within_its_dates(
    tree, reference, province_officer
):
    month = workers_month_ensure(province_officer, unit=tree.province, year=2025)
    assert workers_month_ensure(province_officer, unit=tree.province, year=2025) == month
    may = {"start_date": dt.date(2025, 5, 12), "end_date": dt.date(2025, 5, 12), "campaign": month}
    assert activity_create(province_officer, data=describe(tree.school_a, **may)).campaign == month
    found = errors_of(
        lambda: activity_create(province_officer, data=describe(tree.school_a, campaign=month))
    )
    assert "01/05/2025" in found["campaign"][0]
    education = campaign_create(
        province_officer, code="gd-2025", name="Tháng cao điểm ngành Giáo dục", kind="other",
        unit=tree.education, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 31),
    )  # fmt: skip
    assert education.code == "GD-2025"
    found = errors_of(
        lambda: activity_create(province_officer, data=describe(tree.garment, campaign=education))
    )
    assert "campaign" in found


def test_attendance_is_for_courses_and_registered_people(tree, reference, upper_officer):
    course = activity_create(
        upper_officer,
        data=describe(
            tree.education, kind=ActivityKind.TRAINING, training_kind=TrainingKind.REPORTERS
        ),
    )
    lan = person_create(None, full_name="Nguyễn Thị Lan", sex="female", unit=tree.school_a)
    minh = person_create(None, full_name="Trần Văn Minh", sex="male", unit=tree.school_b)
    attendance_set(
        upper_officer,
        activity=course,
        registered=[lan, minh],
        attended=[lan],
        version=course.version,
    )
    assert dict(Attendance.objects.values_list("person__full_name", "attended")) == {
        "Nguyễn Thị Lan": True,
        "Trần Văn Minh": False,
    }
    found = errors_of(
        lambda: attendance_set(
            upper_officer,
            activity=course,
            registered=[lan],
            attended=[minh],
            version=course.version + 1,
        )
    )
    assert "attended" in found
    session = activity_create(upper_officer, data=describe(tree.school_a))
    found = errors_of(
        lambda: attendance_set(
            upper_officer, activity=session, registered=[lan], attended=[], version=1
        )
    )
    assert "people" in found


def test_an_event_that_becomes_a_session_no_longer_counts(tree, reference, upper_officer):
    activity = activity_create(upper_officer, data=event(tree.school_a))
    assert figure(tree.education, figures.EVENTS, 2025) == 1
    activity_update(upper_officer, activity=activity, data=describe(tree.school_a), version=1)
    assert figure(tree.education, figures.EVENTS, 2025) is None
    assert not rollup.differences()
