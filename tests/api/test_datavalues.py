"""POST /api/v1/datavalues: the form's checks and refusals, through the API."""

from __future__ import annotations

import pytest
import time_machine

from tests.api.tokens import api_client
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import DataValue, Report, ReportStatus
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

URL = "/api/v1/datavalues"


@pytest.fixture(autouse=True)
def forms(db):
    elements_ensure()
    datasets_ensure()
    with time_machine.travel("2026-03-01"):
        yield


def _body(**changes):
    body = {
        "dataset": "BC-NAM-CS",
        "unit": "GD-001",
        "period": "2025",
        "values": [
            {"element": "members", "value": 120},
            {"element": "members", "category": "female", "value": 80},
            {"element": "members_briefed", "value": 110},
        ],
    }
    return body | changes


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_writes_figures_within_scope_and_is_idempotent(tree, grassroots_officer):
    client = api_client(grassroots_officer)
    response = _post(client, _body())
    assert response.status_code == 200, response.content
    assert response.json() | {"version": 0} == {
        "status": "submitted",
        "version": 0,
        "changed": True,
    }
    assert DataValue.objects.count() == 3 and not rollup.differences()
    again = _post(client, _body())
    assert again.json()["changed"] is False
    assert Report.objects.get().status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"values": [{"element": "members", "value": -1}]}, "members"),
        ({"values": [{"element": "members", "value": "nhiều"}]}, "value"),
        (
            {
                "values": [
                    {"element": "members", "value": 5},
                    {"element": "members_briefed", "value": 9},
                ]
            },
            "members_briefed",
        ),
        ({"values": [{"element": "nonsense", "value": 1}]}, ""),
        ({"period": "2027"}, ""),
        ({"period": "2025-H1"}, ""),
        ({"period": "năm ngoái"}, "period"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(tree, grassroots_officer, change, where):
    response = _post(api_client(grassroots_officer), _body(**change))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(where in [str(part) for part in item["loc"]] or not where for item in detail)
    assert not DataValue.objects.exists()


def test_tenfold_jump_needs_confirm(tree, grassroots_officer):
    client = api_client(grassroots_officer)
    _post(client, _body(period="2024", values=[{"element": "members", "value": 10}]))
    response = _post(client, _body(values=[{"element": "members", "value": 500}]))
    assert response.status_code == 422
    assert "confirm" in response.json()["detail"][0]["msg"]
    confirmed = _post(client, _body(values=[{"element": "members", "value": 500}], confirm=True))
    assert confirmed.status_code == 200


def test_outside_scope_and_read_only_are_refused(tree, outsider, leader):
    assert _post(api_client(outsider), _body()).status_code == 403
    assert _post(api_client(leader), _body()).status_code == 403
    assert not DataValue.objects.exists() and not Report.objects.exists()


def test_unit_of_another_kind_is_refused(tree, upper_officer):
    response = _post(api_client(upper_officer), _body(unit="GD"))
    assert response.status_code == 422
    assert not Report.objects.exists()
