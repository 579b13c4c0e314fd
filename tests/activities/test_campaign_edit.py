"""Changing and removing a campaign: its name, dates and description change with optimistic
locking and an audit entry; dates that would leave its activities outside, a stale form or a
campaign with activities are refused with a message; only an upper level over its unit may."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.activities.conftest import describe
from tests.conftest import client_for
from tuyengiao.activities.campaign_services import campaign_create
from tuyengiao.activities.models import Campaign, CampaignKind
from tuyengiao.activities.services import activity_create
from tuyengiao.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def campaign(tree, reference):
    return campaign_create(
        None,
        code="ATVSLD-GD-2026",
        name="Tháng hành động ATVSLĐ ngành Giáo dục",
        kind=CampaignKind.OTHER,
        unit=tree.education,
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 30),
    )


def _edit_url(code="ATVSLD-GD-2026"):
    return reverse("activities_campaigns:edit", args=[code])


def _delete_url(code="ATVSLD-GD-2026"):
    return reverse("activities_campaigns:delete", args=[code])


def _post(campaign, **changes):
    data = {
        "name": "Tháng hành động về an toàn, vệ sinh lao động 2026",
        "start_date": "25/05/2026",
        "end_date": "30/06/2026",
        "description": "Kéo dài để đón Tháng Công nhân",
        "version": campaign.version,
    }
    return data | changes


def _record(tree, campaign, day):
    data = describe(tree.school_a, campaign=campaign, start_date=day, end_date=day)
    return activity_create(None, data=data)


def test_the_form_shows_the_campaign_as_loaded(campaign, upper_officer):
    response = client_for(upper_officer).get(_edit_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="01/06/2026"' in page and 'value="30/06/2026"' in page
    assert "Tháng hành động ATVSLĐ ngành Giáo dục" in page
    assert "Xóa đợt cao điểm" in page


def test_an_upper_level_changes_its_campaign_and_it_is_audited(campaign, upper_officer):
    response = client_for(upper_officer).post(_edit_url(), _post(campaign))
    assert response.status_code == 302
    assert response["Location"] == reverse("activities_campaigns:dashboard", args=[campaign.code])
    changed = Campaign.objects.get()
    assert changed.name == "Tháng hành động về an toàn, vệ sinh lao động 2026"
    assert (changed.start_date, changed.end_date) == (dt.date(2026, 5, 25), dt.date(2026, 6, 30))
    assert changed.version == campaign.version + 1
    assert "thang hanh dong ve an toan" in changed.search_key
    entry = AuditEntry.objects.get(action="campaign.update")
    assert entry.actor == upper_officer
    assert entry.before["start_date"] == "2026-06-01" and entry.after["start_date"] == "2026-05-25"


def test_a_stale_form_is_refused_and_nothing_is_overwritten(campaign, upper_officer):
    client = client_for(upper_officer)
    client.post(_edit_url(), _post(campaign, name="Lần sửa thứ nhất"))
    response = client.post(_edit_url(), _post(campaign, name="Lần sửa thứ hai"))
    assert response.status_code == 200
    assert "Người khác đã sửa bản ghi này" in response.content.decode()
    assert Campaign.objects.get().name == "Lần sửa thứ nhất"


def test_dates_that_leave_an_activity_outside_are_refused(tree, campaign, upper_officer):
    _record(tree, campaign, dt.date(2026, 6, 3))
    response = client_for(upper_officer).post(_edit_url(), _post(campaign, start_date="05/06/2026"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "start_date": ["1 hoạt động đã ghi trong đợt cao điểm này bắt đầu ngoài khoảng ngày mới."]
    }
    assert Campaign.objects.get().start_date == dt.date(2026, 6, 1)
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Nhập tên đợt cao điểm."),
        ({"end_date": "20/05/2026"}, "end_date", "Ngày kết thúc không được trước ngày bắt đầu."),
        ({"start_date": "31/02/2026"}, "start_date", "Vui lòng nhập ngày theo dạng dd/mm/yyyy"),
    ],
)
def test_a_mistake_is_shown_next_to_its_field(campaign, upper_officer, changes, field, message):
    response = client_for(upper_officer).post(_edit_url(), _post(campaign, **changes))
    errors = response.context["form"].errors
    assert list(errors) == [field] and errors[field][0].startswith(message)
    assert Campaign.objects.get().version == campaign.version


def test_a_campaign_without_activities_is_deleted_and_audited(campaign, upper_officer):
    response = client_for(upper_officer).post(_delete_url(), {"version": campaign.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("activities_campaigns:list")
    assert not Campaign.objects.exists()
    entry = AuditEntry.objects.get(action="campaign.delete")
    assert entry.before["code"] == "ATVSLD-GD-2026" and entry.actor == upper_officer


def test_a_campaign_with_activities_is_not_deleted(tree, campaign, upper_officer):
    _record(tree, campaign, dt.date(2026, 6, 3))
    client = client_for(upper_officer)
    response = client.post(_delete_url(), {"version": campaign.version}, follow=True)
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert (
        "1 hoạt động đã ghi trong đợt cao điểm này: hãy đưa các hoạt động ra khỏi đợt trước khi "
        "xóa." in response.content.decode()
    )
    assert not AuditEntry.objects.filter(action="campaign.delete").exists()


def test_a_stale_delete_is_refused(campaign, upper_officer):
    client = client_for(upper_officer)
    client.post(_edit_url(), _post(campaign))
    client.post(_delete_url(), {"version": campaign.version})
    assert Campaign.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "grassroots_officer"])
def test_those_who_do_not_run_it_are_refused(campaign, persona, request):
    """An officer of another branch, and a grassroots officer who takes part in it."""
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_edit_url()).status_code == 403
    assert client.post(_edit_url(), _post(campaign)).status_code == 403
    assert client.post(_delete_url(), {"version": campaign.version}).status_code == 403
    assert Campaign.objects.get().version == campaign.version


def test_the_dashboard_offers_the_edit_page_to_those_who_run_it(
    campaign, upper_officer, grassroots_officer
):
    dashboard = reverse("activities_campaigns:dashboard", args=[campaign.code])
    assert _edit_url() in client_for(upper_officer).get(dashboard).content.decode()
    assert _edit_url() not in client_for(grassroots_officer).get(dashboard).content.decode()


def test_an_unknown_campaign_is_not_found(tree, upper_officer):
    assert client_for(upper_officer).get(_edit_url("KHONG-CO")).status_code == 404
