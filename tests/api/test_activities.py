"""/api/v1/activities: the list within the caller's scope with the page's filters, and creation
through the same service as the form (checks, scope, the figures it feeds)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.activities.conftest import describe
from tests.api.tokens import api_client
from tuyengiao.activities import figures
from tuyengiao.activities.models import Activity
from tuyengiao.activities.services import activity_create
from tuyengiao.plans.models import Plan, PlanTask
from tuyengiao.reporting.models import DataValue
from tuyengiao.web.reference import load_reference

URL = "/api/v1/activities"


@pytest.fixture(autouse=True)
def reference(db):
    load_reference()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _body(**changes):
    body = {
        "title": "Giải cầu lông công nhân lao động",
        "kind": "sports",
        "organiser": "GD-001",
        "venue": "union",
        "start_date": "2025-04-20",
        "topics": ["cultural_life"],
        "participants": 60,
        "participants_women": 25,
        "event_kind": "badminton",
        "event_level": "local",
        "links": ["https://laodongninhbinh.example.vn/tin/giai-cau-long"],
    }
    return body | changes


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_create_records_the_activity_and_its_figure(tree, upper_officer):
    response = _post(api_client(upper_officer), _body())
    assert response.status_code == 201, response.json()
    out = response.json()
    assert out["organiser"] == "GD-001" and out["end_date"] == "2025-04-20"
    assert out["topics"] == ["cultural_life"] and out["links"] == _body()["links"]
    assert DataValue.objects.get(element__code=figures.EVENTS, unit=tree.school_a).value == 1


def test_the_task_is_found_in_the_organisers_plan(tree, upper_officer):
    province = Plan.objects.create(
        code="KH-NB", title="KH", unit=tree.province, start_year=2023, end_year=2028
    )
    PlanTask.objects.create(plan=province, code="TASK-6", title="Đời sống văn hóa")
    out = _post(api_client(upper_officer), _body(task="task-6")).json()
    assert out["task"] == "TASK-6"
    assert _post(api_client(upper_officer), _body(task="TASK-9")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "status", "where"),
    [
        ({"participants_women": 61}, 422, "participants_women"),
        ({"end_date": "2025-04-01"}, 422, "end_date"),
        ({"kind": "training"}, 422, "training_kind"),
        ({"participants": -1}, 422, "participants"),
        ({"start_date": "20/04/2025"}, 422, "start_date"),
        ({"topics": []}, 422, "topics"),
        ({"topics": ["khong-co"]}, 404, ""),
        ({"organiser": "YK-001"}, 403, ""),
        ({"organiser": "KHONG"}, 404, ""),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(tree, upper_officer, changes, status, where):
    response = _post(api_client(upper_officer), _body(**changes))
    assert response.status_code == status, response.json()
    if where:
        assert any(where in item["loc"] for item in response.json()["detail"])
    assert not Activity.objects.exists()


def test_list_is_scoped_filtered_and_paged(tree, upper_officer, outsider):
    for n in range(3):
        activity_create(None, data=describe(tree.school_a, title=f"Tuyên truyền số {n}"))
    activity_create(
        None, data=describe(tree.garment, title="Đối thoại tại công ty may", kind="seminar")
    )
    mine = api_client(upper_officer).get(URL, {"limit": 2}).json()
    assert mine["count"] == 3 and len(mine["items"]) == 2
    theirs = api_client(outsider).get(URL).json()
    assert [a["title"] for a in theirs["items"]] == ["Đối thoại tại công ty may"]
    assert api_client(outsider).get(URL, {"unit": "GD"}).status_code == 403
    filtered = api_client(upper_officer).get(URL, {"q": "so 1", "year": 2025}).json()
    assert [a["title"] for a in filtered["items"]] == ["Tuyên truyền số 1"]
    assert api_client(upper_officer).get(URL, {"year": 2024}).json()["count"] == 0


def test_a_read_only_leader_cannot_create(tree, leader):
    assert _post(api_client(leader), _body()).status_code == 403
    assert not Activity.objects.exists()
