"""Training courses through the pages: the list in scope with its filters, registering people
from the registry and ticking who attended, the second of two editors told, the outsider
refused, a non-course explained, and a person's courses (page and the registry's section)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tests.activities.conftest import describe
from tests.conftest import Tree, client_for
from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity, ActivityKind, Attendance, TrainingKind
from tuyengiao.activities.services import activity_create, attendance_set
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs.models import OrgUnit, Person
from tuyengiao.orgs.people_services import person_create


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def course(unit: OrgUnit, **changes: Any) -> Activity:
    fields: dict[str, Any] = {
        "title": "Tập huấn kỹ năng cho báo cáo viên",
        "kind": ActivityKind.TRAINING,
        "training_kind": TrainingKind.REPORTERS,
    }
    return activity_create(None, data=describe(unit, **(fields | changes)))


def person(unit: OrgUnit, name: str, sex: str = "female") -> Person:
    return person_create(None, full_name=name, sex=sex, unit=unit)


@pytest.fixture
def people(tree: Tree) -> dict[str, Person]:
    return {
        "lan": person(tree.school_a, "Nguyễn Thị Lan"),
        "minh": person(tree.school_b, "Trần Văn Minh", "male"),
        "hoa": person(tree.school_a, "Lê Thị Hoa"),
        # The same name in the sibling branch: never offered for the education sector's course.
        "lan_yk": person(tree.garment, "Nguyễn Thị Lan"),
    }


def attendance_url(activity: Activity) -> str:
    return reverse("activities_trainings:attendance", kwargs={"activity_id": activity.pk})


def saved(activity: Activity) -> dict[str, bool]:
    return dict(
        Attendance.objects.filter(activity=activity).values_list("person__full_name", "attended")
    )


def post(client: Client, activity: Activity, **data: Any) -> Any:
    payload = {"version": Activity.objects.get(pk=activity.pk).version, "action": "save"}
    payload.update(data)
    return client.post(attendance_url(activity), payload)


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_the_courses_in_scope_with_counts(
    tree: Tree, reference: None, people: dict[str, Person], province_officer: User, upper_officer
) -> None:
    education = course(tree.education)
    course(tree.district, title="Tập huấn cho đội phản bác thông tin xấu độc")
    activity_create(None, data=describe(tree.school_a))  # a propaganda session: not a course
    attendance_set(
        None,
        activity=education,
        registered=[people["lan"], people["minh"]],
        attended=[people["lan"]],
        version=education.version,
    )

    province = client_for(province_officer).get(reverse("activities_trainings:list"))
    upper = client_for(upper_officer).get(reverse("activities_trainings:list"))

    assert province.status_code == upper.status_code == 200
    assert len(province.context["page_obj"].object_list) == 2
    listed = upper.context["page_obj"].object_list
    assert [c.title for c in listed] == ["Tập huấn kỹ năng cho báo cáo viên"]
    assert (listed[0].registered_count, listed[0].attended_count) == (2, 1)
    html = upper.content.decode()
    assert "10/03/2025" in html
    assert attendance_url(education) in html
    assert "Kỹ năng cho báo cáo viên, cộng tác viên" in html


def test_list_filters_by_kind_and_year_and_searches_without_diacritics(
    tree: Tree, reference: None, province_officer: User
) -> None:
    course(tree.education)
    course(
        tree.province,
        title="Lớp nghiệp vụ tuyên giáo",
        training_kind=TrainingKind.PROPAGANDA_SKILLS,
        start_date=dt.date(2026, 4, 2),
        end_date=dt.date(2026, 4, 3),
    )
    client = client_for(province_officer)

    def titles(**query: str) -> list[str]:
        response = client.get(reverse("activities_trainings:list"), query)
        return [c.title for c in response.context["page_obj"].object_list]

    assert titles() == ["Lớp nghiệp vụ tuyên giáo", "Tập huấn kỹ năng cho báo cáo viên"]
    assert titles(training_kind="propaganda_skills") == ["Lớp nghiệp vụ tuyên giáo"]
    assert titles(year="2025") == ["Tập huấn kỹ năng cho báo cáo viên"]
    assert titles(q="bao cao vien") == ["Tập huấn kỹ năng cho báo cáo viên"]
    assert titles(q="nghiep vu", year="2025") == []
    # A bad filter value is ignored, not an error.
    assert len(titles(training_kind="nope")) == 2


def test_list_is_paginated_and_its_queries_do_not_grow_with_the_rows(
    tree: Tree, reference: None, province_officer: User, settings: Any
) -> None:
    settings.PAGE_SIZE = 3
    client = client_for(province_officer)
    course(tree.education)
    client.get(reverse("activities_trainings:list"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("activities_trainings:list"))
    for index in range(4):
        course(tree.education, title=f"Lớp tập huấn số {index}")
    with CaptureQueriesContext(connection) as many:
        first = client.get(reverse("activities_trainings:list"))
    second = client.get(reverse("activities_trainings:list"), {"page": 2})

    assert len(many.captured_queries) == len(one.captured_queries)
    assert len(first.context["page_obj"].object_list) == 3
    assert len(second.context["page_obj"].object_list) == 2
    assert "Trang 1 / 2" in first.content.decode()


# --- attendance -------------------------------------------------------------------------------


def test_officer_finds_people_without_diacritics_registers_them_and_ticks_attendance(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User
) -> None:
    activity = course(tree.education)
    client = client_for(upper_officer)

    page = client.get(attendance_url(activity))
    assert page.status_code == 200
    assert page.context["page"].registered == 0

    found = client.post(
        attendance_url(activity), {"version": activity.version, "action": "search", "q": "nguyen"}
    )
    assert [p.pk for p in found.context["candidates"]] == [people["lan"].pk]  # not YK's Lan
    assert not Attendance.objects.exists()  # searching saves nothing

    added = client.post(
        attendance_url(activity),
        {"version": activity.version, "action": "add", "add": [people["lan"].pk]},
    )
    rows = added.context["rows"]
    assert [(r.person.full_name, r.new) for r in rows] == [("Nguyễn Thị Lan", True)]
    assert "Chưa lưu" in added.content.decode()
    assert not Attendance.objects.exists()

    response = post(
        client,
        activity,
        registered=[people["lan"].pk],
        add=[people["minh"].pk],
        attended=[people["lan"].pk],
    )

    assert response.status_code == 302
    assert saved(activity) == {"Nguyễn Thị Lan": True, "Trần Văn Minh": False}
    page = client.get(attendance_url(activity))
    assert (page.context["page"].registered, page.context["page"].attended) == (2, 1)
    html = page.content.decode()
    assert "Đã lưu điểm danh: 1 trong số 2 người đăng ký có mặt." in html
    entry = AuditEntry.objects.get(action="activity.attendance")
    assert entry.actor == upper_officer
    assert entry.after == {"people": {str(people["lan"].pk): True, str(people["minh"].pk): False}}


def test_the_search_fragment_offers_the_organisers_registry_only(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User
) -> None:
    activity = course(tree.education)
    url = reverse("activities_trainings:candidates", kwargs={"activity_id": activity.pk})
    client = client_for(upper_officer)

    response = client.get(url, {"q": "thi"}, HTTP_HX_REQUEST="true")
    without_listed = client.get(
        url, {"q": "thi", "registered": [people["hoa"].pk]}, HTTP_HX_REQUEST="true"
    )
    nobody = client.get(url, {"q": "khong co ai"}, HTTP_HX_REQUEST="true")

    assert {p.full_name for p in response.context["candidates"]} == {
        "Nguyễn Thị Lan",
        "Lê Thị Hoa",
    }
    assert "<html" not in response.content.decode()
    assert [p.full_name for p in without_listed.context["candidates"]] == ["Nguyễn Thị Lan"]
    assert "Không có ai trong danh sách cán bộ" in nobody.content.decode()


def test_a_person_outside_the_organisers_registry_is_refused_next_to_the_field(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User
) -> None:
    activity = course(tree.education)

    response = post(client_for(upper_officer), activity, add=[people["lan_yk"].pk])

    assert response.status_code == 200
    assert "add" in response.context["form"].errors
    assert "không thuộc danh sách cán bộ của các đơn vị" in response.content.decode()
    assert not Attendance.objects.exists()


def test_removing_and_attending_the_same_person_is_shown_next_to_the_ticks(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User
) -> None:
    activity = course(tree.education)
    attendance_set(
        None, activity=activity, registered=[people["lan"]], attended=[], version=activity.version
    )
    client = client_for(upper_officer)

    response = post(
        client,
        activity,
        registered=[people["lan"].pk],
        remove=[people["lan"].pk],
        attended=[people["lan"].pk],
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["attended"]
    assert errors == ["Chỉ người đã đăng ký mới được đánh dấu có tham dự."]
    assert escape(errors[0]) in response.content.decode()
    assert saved(activity) == {"Nguyễn Thị Lan": False}

    removed = post(client, activity, registered=[people["lan"].pk], remove=[people["lan"].pk])
    assert removed.status_code == 302
    assert saved(activity) == {}


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User, province_officer
) -> None:
    activity = course(tree.education)
    loaded = activity.version
    first, second = client_for(upper_officer), client_for(province_officer)

    ok = first.post(
        attendance_url(activity),
        {
            "version": loaded,
            "action": "save",
            "add": [people["lan"].pk],
            "attended": [people["lan"].pk],
        },
    )
    late = second.post(
        attendance_url(activity),
        {"version": loaded, "action": "save", "add": [people["minh"].pk]},
    )

    assert ok.status_code == 302
    assert late.status_code == 200
    assert "Người khác đã sửa bản ghi này" in late.content.decode()
    assert late.context["form"].non_field_errors()
    assert saved(activity) == {"Nguyễn Thị Lan": True}
    assert AuditEntry.objects.filter(action="activity.attendance").count() == 1


def test_outsider_is_refused_on_every_training_page_and_nothing_changes(
    tree: Tree, reference: None, people: dict[str, Person], outsider: User
) -> None:
    activity = course(tree.education)
    attendance_set(
        None, activity=activity, registered=[people["lan"]], attended=[], version=activity.version
    )
    audited = AuditEntry.objects.count()
    client = client_for(outsider)
    candidates = reverse("activities_trainings:candidates", kwargs={"activity_id": activity.pk})
    person_page = reverse("activities_trainings:person", kwargs={"person_id": people["lan"].pk})

    assert client.get(attendance_url(activity)).status_code == 403
    assert client.get(candidates, {"q": "lan"}).status_code == 403
    assert client.get(person_page).status_code == 403
    assert client.get(person_page, HTTP_HX_REQUEST="true").status_code == 403
    refused = post(client, activity, add=[people["lan_yk"].pk], attended=[people["lan_yk"].pk])
    assert refused.status_code == 403
    listed = client.get(reverse("activities_trainings:list")).context["page_obj"].object_list
    assert list(listed) == []
    assert saved(activity) == {"Nguyễn Thị Lan": False}
    assert AuditEntry.objects.count() == audited


def test_a_read_only_leader_sees_the_list_but_cannot_change_it(
    tree: Tree, reference: None, people: dict[str, Person], leader: User
) -> None:
    activity = course(tree.education)
    client = client_for(leader)

    page = client.get(attendance_url(activity))

    assert page.status_code == 200
    assert not page.context["page"].can_edit
    assert 'name="action"' not in page.content.decode()
    assert post(client, activity, add=[people["lan"].pk]).status_code == 403
    assert not Attendance.objects.exists()


def test_a_non_training_activity_gets_a_clear_message(
    tree: Tree, reference: None, upper_officer: User
) -> None:
    session = activity_create(None, data=describe(tree.school_a))

    response = client_for(upper_officer).get(attendance_url(session))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Điểm danh chỉ áp dụng cho lớp tập huấn" in html
    assert "Buổi tuyên truyền" in html


def test_an_unknown_course_is_404(tree: Tree, reference: None, upper_officer: User) -> None:
    assert (
        client_for(upper_officer).get("/activities/trainings/999999/attendance/").status_code == 404
    )


# --- a person's courses -----------------------------------------------------------------------


def test_a_persons_courses_with_attendance_as_a_page_and_as_the_registrys_section(
    tree: Tree, reference: None, people: dict[str, Person], upper_officer: User
) -> None:
    past = course(tree.education)
    upcoming = course(
        tree.education,
        title="Tập huấn trả lời thông tin sai lệch",
        training_kind=TrainingKind.ONLINE_RESPONSE,
        start_date=dt.date(2026, 12, 5),
        end_date=dt.date(2026, 12, 5),
    )
    missed = course(
        tree.school_a,
        title="Lớp bồi dưỡng cán bộ công đoàn cơ sở",
        start_date=dt.date(2025, 1, 15),
        end_date=dt.date(2025, 1, 16),
    )
    for activity, present in ((past, True), (upcoming, False), (missed, False)):
        attendance_set(
            None,
            activity=activity,
            registered=[people["lan"]],
            attended=[people["lan"]] if present else [],
            version=activity.version,
        )
    client = client_for(upper_officer)
    url = reverse("activities_trainings:person", kwargs={"person_id": people["lan"].pk})

    page = client.get(url)
    section = client.get(url, HTTP_HX_REQUEST="true")
    registry = client.get(reverse("people:detail", kwargs={"person_id": people["lan"].pk}))

    assert page.status_code == section.status_code == 200
    states = [(c.course.title, c.state) for c in page.context["trainings"].courses]
    assert states == [
        ("Tập huấn trả lời thông tin sai lệch", "registered"),
        ("Tập huấn kỹ năng cho báo cáo viên", "attended"),
        ("Lớp bồi dưỡng cán bộ công đoàn cơ sở", "absent"),
    ]
    html = section.content.decode()
    assert "<html" not in html
    assert "Có mặt" in html and "Vắng" in html and "Đã đăng ký" in html
    assert "Đã đăng ký 3 lớp, có mặt 1." in html
    assert attendance_url(past) in html
    assert "<html" in page.content.decode()
    assert page["Vary"] and "HX-Request" in page["Vary"]
    registry_html = registry.content.decode()
    assert f'hx-get="{url}"' in registry_html
    assert 'hx-trigger="load"' in registry_html
    assert f'href="{url}"' in registry_html  # the fallback link without JavaScript


def test_a_course_the_reader_cannot_open_is_listed_without_a_link(
    tree: Tree, reference: None, people: dict[str, Person], grassroots_officer: User
) -> None:
    provincial = course(tree.province, title="Lớp nghiệp vụ của tỉnh")
    attendance_set(
        None,
        activity=provincial,
        registered=[people["lan"]],
        attended=[people["lan"]],
        version=provincial.version,
    )
    url = reverse("activities_trainings:person", kwargs={"person_id": people["lan"].pk})

    response = client_for(grassroots_officer).get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lớp nghiệp vụ của tỉnh" in html
    assert attendance_url(provincial) not in html
    assert client_for(grassroots_officer).get(attendance_url(provincial)).status_code == 403
