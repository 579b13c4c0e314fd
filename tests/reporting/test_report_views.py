"""The report page: autosave keeps what was typed, errors appear next to their field, unlikely
figures ask for confirmation, the upper level decides, outsiders and read-only users are
refused and nothing changes."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.reporting.models import DataValue, Period, Report, ReportStatus
from tuyengiao.reporting.services import datasets_ensure, elements_ensure, period_get

pytestmark = pytest.mark.usefixtures("forms")
KWARGS = {"dataset": "BC-NAM-CS", "period": "2025", "code": "GD-001"}


@pytest.fixture
def forms(db):
    elements_ensure()
    datasets_ensure()
    with time_machine.travel("2026-03-01"):
        yield


def _url(name="report", **kwargs):
    return reverse(f"reports:{name}", kwargs=KWARGS | kwargs)


def test_autosave_keeps_typing_and_answers_with_checks(tree, grassroots_officer):
    client = client_for(grassroots_officer)
    page = client.get(_url())
    assert page.status_code == 200 and "Đoàn viên, người lao động" in page.content.decode()
    saved = client.post(_url("draft"), {"version": "0", "members": "100", "members_briefed": "120"})
    body = saved.content.decode()
    assert 'id="report-version" value="2"' in body
    assert 'id="check-members_briefed"' in body and "120" not in body.split("check-members")[0]
    assert Report.objects.get().draft == {"members": "100", "members_briefed": "120"}
    stale = client.post(_url("draft"), {"version": "0", "members": "5"})
    assert "error" in stale.content.decode()
    assert Report.objects.get().draft["members"] == "100"


def test_submit_with_error_shows_it_next_to_the_field(tree, grassroots_officer):
    client = client_for(grassroots_officer)
    response = client.post(_url(), {"version": "0", "members": "100", "members_briefed": "12x"})
    assert response.status_code == 400
    html = response.content.decode()
    field = html.split('id="f-members_briefed"')[1].split("</div>")[0]
    assert 'role="alert"' in field
    assert Report.objects.get().status == ReportStatus.DRAFT
    assert not DataValue.objects.exists()


def test_submit_then_upper_level_approves(tree, grassroots_officer, upper_officer):
    client = client_for(grassroots_officer)
    response = client.post(_url(), {"version": "0", "members": "100", "members_briefed": "90"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert (
        client.post(_url("decide"), {"action": "approve", "version": report.version}).status_code
        == 403
    )
    upper = client_for(upper_officer)
    refused = upper.post(
        _url("decide"), {"action": "return", "version": report.version, "text": ""}
    )
    assert refused.status_code == 400
    assert Report.objects.get().status == ReportStatus.SUBMITTED
    upper.post(_url("decide"), {"action": "approve", "version": report.version})
    assert Report.objects.get().status == ReportStatus.APPROVED
    locked = client.post(_url(), {"version": report.version + 1, "members": "1"})
    assert locked.status_code == 400
    assert DataValue.objects.get(element__code="members").value == 100


def test_outsider_and_leader_cannot_write(tree, outsider, leader, grassroots_officer):
    for user in (outsider, leader):
        client = client_for(user)
        for name in ("report", "draft"):
            response = client.post(_url(name), {"version": "0", "members": "1"})
            assert response.status_code == 403, (user, name)
    assert not Report.objects.exists()
    assert client_for(leader).get(_url()).status_code == 200  # reads, cannot write


def test_provincial_staff_close_a_period_and_entry_stops(
    tree, province_officer, upper_officer, grassroots_officer
):
    period_get("2025")
    url = reverse("reports:periods")
    assert client_for(upper_officer).get(url).status_code == 403
    staff = client_for(province_officer)
    bad = staff.post(url, {"period": "2025", "2025-closed_on": "31/13/2026"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    early = staff.post(url, {"period": "2025", "2025-closed_on": "01/01/2025"})
    assert 'role="alert"' in early.content.decode()
    assert Period.objects.get(code="2025").closed_on is None
    staff.post(url, {"period": "2025", "2025-closed_on": "15/02/2026"})
    assert Period.objects.get(code="2025").closed_on.isoformat() == "2026-02-15"
    response = client_for(grassroots_officer).post(_url(), {"version": "0", "members": "1"})
    assert response.status_code == 400 and "15/02/2026" in response.content.decode()
    assert not DataValue.objects.exists()
