"""Cases: opened at a grassroots union (by hand or from a situation report), steps recorded on
the timeline, escalated to the level above (which is told), resolved and reopened; two people on
one case, bad input and someone outside the scope are refused and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.voice import case_services as services
from tuyengiao.voice.models import ActionKind, Case, CaseStatus, IssueKind

pytestmark = pytest.mark.usefixtures("forms")


def _data(**changes):
    fields = {
        "kind": IssueKind.WAGES,
        "title": "Công ty chậm trả lương tháng 9",
        "workers_affected": 300,
        "started_on": dt.date(2026, 10, 5),
        "description": "Người lao động phản ánh lương tháng 9 chưa được trả.",
    }
    return services.CaseInput(**(fields | changes))


@pytest.fixture
def case(tree, province_officer):
    return services.case_open(province_officer, unit=tree.garment, data=_data())


def test_open_records_the_enterprise_handler_and_first_step(case, tree):
    assert case.handled_by == tree.garment and case.enterprise.name == "Công ty TNHH May Yên Khánh"
    assert case.status == CaseStatus.OPEN
    assert [a.kind for a in case.actions.all()] == [ActionKind.OPENED]
    assert AuditEntry.objects.filter(action="case.open").count() == 1


def test_bad_input_is_refused_field_by_field(tree, province_officer):
    with pytest.raises(ValidationError) as refused:
        services.case_open(
            province_officer,
            unit=tree.garment,
            data=_data(title="  ", workers_affected=5000, started_on=dt.date(2027, 1, 1)),
        )
    assert set(refused.value.message_dict) == {"title", "workers_affected", "started_on"}
    with pytest.raises(ValidationError):
        services.case_open(province_officer, unit=tree.district, data=_data())
    assert not Case.objects.exists()


def test_a_step_puts_the_case_under_way_and_a_stale_version_is_refused(case, province_officer):
    services.action_add(
        province_officer,
        case=case,
        kind=ActionKind.MEETING,
        done_on=dt.date(2026, 10, 10),
        text="Làm việc với giám đốc nhân sự",
        version=1,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVING and case.version == 2
    with pytest.raises(ValidationError):  # someone else saw version 1
        services.action_add(
            province_officer,
            case=case,
            kind=ActionKind.NOTE,
            done_on=dt.date(2026, 10, 11),
            text="Ghi chú",
            version=1,
        )
    assert case.actions.count() == 2


def test_escalation_moves_the_case_up_and_tells_the_upper_level(
    case, tree, province_officer, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    # The district's officer handles the garment union's cases; escalating hands it to the
    # province, whose accounts are told.
    services.case_escalate(outsider, case=case, reason="Doanh nghiệp không hợp tác", version=1)
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED and case.handled_by == tree.district
    with django_capture_on_commit_callbacks(execute=True):
        services.case_escalate(outsider, case=case, reason="Cần LĐLĐ tỉnh", version=2)
    case.refresh_from_db()
    assert case.handled_by == tree.province
    assert [m.to for m in mailoutbox] == [[province_officer.email]]
    assert f"/voice/cases/{case.pk}/" in mailoutbox[0].body
    with pytest.raises(PermissionDenied):  # the district no longer handles it
        services.case_escalate(outsider, case=case, reason="Lần nữa", version=3)


def test_escalation_outside_the_scope_is_refused(case, upper_officer):
    with pytest.raises(PermissionDenied):
        services.case_escalate(upper_officer, case=case, reason="Không phải của tôi", version=1)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.version == 1


def test_resolve_then_reopen(case, province_officer):
    with pytest.raises(ValidationError) as refused:
        services.case_resolve(
            province_officer, case=case, outcome="", resolved_on=dt.date(2026, 10, 1), version=1
        )
    assert set(refused.value.message_dict) == {"outcome", "resolved_on"}
    services.case_resolve(
        province_officer,
        case=case,
        outcome="Công ty đã trả đủ lương",
        resolved_on=dt.date(2026, 10, 20),
        version=1,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and not case.is_open
    with pytest.raises(ValidationError):
        services.action_add(
            province_officer,
            case=case,
            kind=ActionKind.NOTE,
            done_on=dt.date(2026, 10, 21),
            text="x",
            version=2,
        )
    services.case_reopen(province_officer, case=case, reason="Tái diễn", version=2)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVING and case.resolved_on is None


def test_pages_list_open_step_and_refuse_outsiders(case, tree, province_officer, upper_officer):
    client = client_for(province_officer)
    listing = client.get(reverse("voice:cases"), {"q": "cham tra luong"})
    assert "Công ty chậm trả lương tháng 9" in listing.content.decode()
    empty = client.get(reverse("voice:cases"), {"q": "tai nan"})
    assert "Công ty chậm trả lương tháng 9" not in empty.content.decode()
    page = client.get(reverse("voice:case", args=[case.pk]))
    timeline = page.content.decode().split('class="timeline"')[1].split("</ol>")[0]
    assert page.status_code == 200 and timeline.count("<li") == 1 and "Mở vụ việc" in timeline
    bad = client.post(
        reverse("voice:case_action", args=[case.pk]),
        {"version": "1", "kind": "meeting", "done_on": "32/10/2026"},
    )
    assert bad.status_code == 400 and case.actions.count() == 1
    done = client.post(
        reverse("voice:case_action", args=[case.pk]),
        {"version": "1", "kind": "dialogue", "done_on": "12/10/2026", "text": "Đối thoại"},
    )
    assert done.status_code == 302 and case.actions.count() == 2
    other = client_for(upper_officer)
    assert other.get(reverse("voice:case", args=[case.pk])).status_code == 403
    assert other.get(reverse("voice:cases")).content.decode().count("chậm trả lương") == 0
    refused = other.post(
        reverse("voice:case_escalate", args=[case.pk]),
        {"version": "2", "escalate-reason": "x"},
    )
    assert refused.status_code == 403


def test_a_case_opened_from_a_situation_report(tree, province_officer):
    from tuyengiao.reporting.models import DataSet, Report
    from tuyengiao.reporting.services import period_get

    report = Report.objects.create(
        dataset=DataSet.objects.get(code="BC-THANG-TT"),
        unit=tree.garment,
        period=period_get("2026-10"),
    )
    client = client_for(province_officer)
    form = client.get(reverse("voice:case_new"), {"report": report.pk})
    assert 'value="YK-001"' in form.content.decode()
    response = client.post(
        reverse("voice:case_new"),
        {
            "report": report.pk,
            "unit": "YK-001",
            "kind": "insurance",
            "title": "Nợ bảo hiểm xã hội",
            "workers_affected": "120",
            "started_on": "01/10/2026",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.report == report and case.source == "report"


def test_the_voice_home_counts_cases_escalated_to_the_users_union(case, outsider, province_officer):
    client = client_for(province_officer)
    before = client.get(reverse("voice:home")).content.decode()
    assert "mine=on" not in before
    services.case_escalate(outsider, case=case, reason="Cần cấp trên", version=1)
    services.case_escalate(outsider, case=case, reason="Cần LĐLĐ tỉnh", version=2)
    page = client.get(reverse("voice:home"))
    assert page.status_code == 200
    assert "status=escalated&amp;mine=on" in page.content.decode()
