"""Campaign pages: the list (search without diacritics, pages, scope), a new campaign with its
errors next to the fields, this year's Workers' Month, the dashboard's counts by kind, topic
and unit (worst first), the grassroots unions with nothing yet, the audited export, and a
fixed number of queries whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.activities.conftest import describe
from tests.conftest import START, client_for
from tuyengiao.activities import campaign_selectors
from tuyengiao.activities.campaign_services import campaign_create
from tuyengiao.activities.models import (
    ActivityKind,
    Campaign,
    CampaignKind,
    EventKind,
    EventLevel,
    Topic,
)
from tuyengiao.activities.services import activity_create
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.models import UnitKind

MAY = dt.date(2026, 5, 1), dt.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _campaign(unit, code="TCN-NB-2026", name="Tháng Công nhân năm 2026", **extra):
    values = {
        "kind": CampaignKind.WORKERS_MONTH,
        "start_date": MAY[0],
        "end_date": MAY[1],
    } | extra
    return campaign_create(None, code=code, name=name, unit=unit, **values)


def _record(campaign, unit, day, **changes):
    changes.setdefault("end_date", dt.date(2026, 5, day))
    data = describe(unit, campaign=campaign, start_date=dt.date(2026, 5, day), **changes)
    return activity_create(None, data=data)


@pytest.fixture
def month(tree, reference):
    """The province's Workers' Month 2026 with four activities: two at school A (one a sports
    event on two topics), one by the education union itself, one at the garment company.
    School B has recorded nothing in it; its one activity belongs to no campaign."""
    campaign = _campaign(tree.province)
    osh = Topic.objects.get(code="osh")
    labour = Topic.objects.get(code="labour_code")
    _record(campaign, tree.school_a, 10)
    _record(
        campaign,
        tree.school_a,
        15,
        title="Giải cầu lông Tháng Công nhân",
        kind=ActivityKind.SPORTS,
        event_kind=EventKind.BADMINTON,
        event_level=EventLevel.LOCAL,
        topics=[labour, osh],
        participants=50,
        participants_members=40,
        participants_women=20,
    )
    _record(
        campaign,
        tree.education,
        20,
        kind=ActivityKind.SEMINAR,
        topics=[osh],
        participants=30,
        participants_members=30,
        participants_women=10,
    )
    _record(
        campaign,
        tree.garment,
        12,
        kind=ActivityKind.LEGAL,
        participants=200,
        participants_members=150,
        participants_women=120,
    )
    day = dt.date(2026, 5, 12)
    activity_create(None, data=describe(tree.school_b, start_date=day, end_date=day))
    return campaign


def _dashboard(user, code="TCN-NB-2026", unit=""):
    return campaign_selectors.campaign_dashboard_for_user(user, code, unit)


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_counts_by_kind_and_topic_with_totals(month, province_officer):
    data = _dashboard(province_officer)
    assert data.totals == campaign_selectors.Figures(4, 400, 320, 220)
    kinds = {row.kind: row.figures for row in data.kinds}
    assert kinds == {
        "propaganda": campaign_selectors.Figures(1, 120, 100, 70),
        "legal": campaign_selectors.Figures(1, 200, 150, 120),
        "seminar": campaign_selectors.Figures(1, 30, 30, 10),
        "sports": campaign_selectors.Figures(1, 50, 40, 20),
    }
    # In the order of ActivityKind, not by count.
    assert [row.kind for row in data.kinds] == ["propaganda", "legal", "seminar", "sports"]
    topics = {row.code: row.figures for row in data.topics}
    # The badminton tournament is on two topics: counted under each.
    assert topics["labour_code"] == campaign_selectors.Figures(3, 370, 290, 210)
    assert topics["osh"] == campaign_selectors.Figures(2, 80, 70, 30)
    assert [row.code for row in data.topics] == ["labour_code", "osh"]  # the plan's order


def test_the_units_directly_under_it_come_worst_first_with_their_idle_unions(
    month, province_officer, tree
):
    data = _dashboard(province_officer)
    rows = [(r.unit.code, r.figures.activities, r.figures.participants) for r in data.children]
    assert rows == [("YK", 1, 200), ("GD", 3, 200)]
    education = data.children[1]
    assert (education.grassroots, education.idle) == (2, 1)
    assert (data.children[0].grassroots, data.children[0].idle) == (1, 0)
    assert (data.grassroots, data.idle) == (3, 1)
    assert data.others.activities == 0


def test_the_grassroots_unions_with_nothing_yet_are_listed_and_searchable(month, province_officer):
    data = _dashboard(province_officer)
    idle = campaign_selectors.idle_units(data)
    assert [v.unit.code for v in idle] == ["GD-002"]
    found = campaign_selectors.idle_units(data, query="dinh tien hoang")
    assert [v.unit.code for v in found] == ["GD-002"]
    assert list(campaign_selectors.idle_units(data, query="hoa lu")) == []


def test_the_page_shows_the_tables_and_links_to_the_activity_list(month, province_officer):
    response = client_for(province_officer).get(
        reverse("activities_campaigns:dashboard", args=["tcn-nb-2026"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng Công nhân năm 2026" in html
    assert "CĐCS Trường THCS Đinh Tiên Hoàng" in html  # idle
    assert "/activities/?campaign=TCN-NB-2026&amp;unit=NB&amp;kind=legal" in html
    assert "/activities/?campaign=TCN-NB-2026&amp;unit=YK" in html
    rows = response.context["data"].children
    assert rows[0].unit.code == "YK"


def test_a_unit_under_the_campaign_opens_its_own_breakdown(month, province_officer):
    response = client_for(province_officer).get(
        reverse("activities_campaigns:dashboard", args=["TCN-NB-2026"]), {"unit": "GD"}
    )
    assert response.status_code == 200
    data = response.context["data"]
    assert data.totals.activities == 3
    # School B has nothing: first, and highlighted. The union's own seminar is apart.
    assert [(r.unit.code, r.figures.activities) for r in data.children] == [
        ("GD-002", 0),
        ("GD-001", 2),
    ]
    assert data.others == campaign_selectors.Figures(1, 30, 30, 10)
    assert [v.unit.code for v in data.breadcrumbs] == ["NB"]
    assert 'class="nothing"' in response.content.decode()


def test_a_sector_sees_the_provinces_campaign_from_its_own_unit(month, upper_officer):
    data = _dashboard(upper_officer)
    assert data.unit.code == "GD"
    assert data.breadcrumbs == []  # nothing above the sector is theirs to open
    assert data.totals.activities == 3
    assert [v.unit.code for v in campaign_selectors.idle_units(data)] == ["GD-002"]
    client = client_for(upper_officer)
    url = reverse("activities_campaigns:dashboard", args=["TCN-NB-2026"])
    assert client.get(url).status_code == 200
    assert client.get(url, {"unit": "YK"}).status_code == 403
    assert client.get(url, {"unit": "NB"}).status_code == 403


def test_an_activity_outside_the_campaign_or_of_another_campaign_is_not_counted(
    month, province_officer, tree
):
    other = _campaign(tree.education, code="ATVSLD-GD-2026", name="An toàn lao động ngành GD")
    _record(other, tree.school_b, 14)
    data = _dashboard(province_officer)
    assert data.totals.activities == 4
    assert [v.unit.code for v in campaign_selectors.idle_units(data)] == ["GD-002"]


def test_a_unit_that_does_not_take_part_is_not_found(month, province_officer, tree):
    _campaign(tree.education, code="ATVSLD-GD-2026", name="An toàn lao động ngành GD")
    response = client_for(province_officer).get(
        reverse("activities_campaigns:dashboard", args=["ATVSLD-GD-2026"]), {"unit": "YK"}
    )
    assert response.status_code == 404


def test_an_unknown_campaign_is_not_found(tree, province_officer):
    client = client_for(province_officer)
    assert client.get(reverse("activities_campaigns:dashboard", args=["KHONG"])).status_code == 404
    assert client.get(reverse("activities_campaigns:export", args=["KHONG"])).status_code == 404


def test_the_dashboard_takes_the_same_queries_whatever_the_subtree(
    month, province_officer, tree, django_assert_num_queries
):
    def count():
        data = _dashboard(province_officer)
        list(campaign_selectors.idle_units(data)[:50])

    # Warm the user's scope unit so that both runs start alike.
    province_officer.scope_unit  # noqa: B018
    with django_assert_num_queries(12) as small:
        count()
    for n in range(6):
        unit = org_services.unit_create(
            None,
            code=f"YK-1{n}",
            name=f"CĐCS Công ty số {n}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.district,
            valid_from=START,
            reason="Thử nghiệm",
        )
        if n % 2:
            _record(month, unit, 11)
    with django_assert_num_queries(len(small.captured_queries)):
        count()
    data = _dashboard(province_officer)
    assert data.totals.activities == 7
    assert (data.grassroots, data.idle) == (9, 4)


# --- the export -----------------------------------------------------------------------------


def test_the_export_holds_the_tables_and_is_audited(month, province_officer):
    response = client_for(province_officer).get(
        reverse("activities_campaigns:export", args=["TCN-NB-2026"])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="dot-cao-diem-TCN-NB-2026-NB.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    kinds, topics, units, idle = book.worksheets
    assert "TCN-NB-2026" in kinds["A1"].value
    lines = [[c.value for c in row] for row in kinds.iter_rows(min_row=3)]
    assert lines[-1][1:] == [4, 400, 320, 220]  # the total
    assert len(lines) == 5
    topic_lines = {row[0].value: row[1].value for row in topics.iter_rows(min_row=3)}
    assert topic_lines["Bộ luật Lao động"] == 3
    unit_lines = [[c.value for c in row] for row in units.iter_rows(min_row=3)]
    assert [line[0] for line in unit_lines] == ["YK", "GD"]
    assert unit_lines[1][2:] == [3, 200, 170, 100, 2, 1]
    assert [[c.value for c in row] for row in idle.iter_rows(min_row=3)] == [
        ["GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng", "Công đoàn ngành Giáo dục"]
    ]
    entry = AuditEntry.objects.get(action="campaign.export")
    assert entry.actor == province_officer
    assert entry.unit.code == "NB"
    assert entry.object_repr == "Tháng Công nhân năm 2026"
    assert entry.after["activities"] == 4 and entry.after["format"] == "xlsx"


def test_the_export_writes_a_typed_formula_as_text(tree, reference, province_officer):
    campaign = _campaign(tree.province, name="=HYPERLINK(1)")
    _record(campaign, tree.school_a, 10)
    response = client_for(province_officer).get(
        reverse("activities_campaigns:export", args=[campaign.code])
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value.startswith("'=HYPERLINK")


# --- scope ----------------------------------------------------------------------------------


@pytest.fixture
def education_campaign(tree, reference):
    campaign = _campaign(
        tree.education, code="ATVSLD-GD-2026", name="An toàn vệ sinh lao động ngành Giáo dục"
    )
    _record(campaign, tree.school_a, 10)
    return campaign


def test_an_outsider_is_refused_every_page_and_export_and_sees_nothing(
    education_campaign, month, outsider
):
    client = client_for(outsider)
    code = education_campaign.code
    assert client.get(reverse("activities_campaigns:dashboard", args=[code])).status_code == 403
    assert client.get(reverse("activities_campaigns:export", args=[code])).status_code == 403
    # The province's campaign is theirs too, but not the education union's part of it.
    url = reverse("activities_campaigns:dashboard", args=["TCN-NB-2026"])
    assert client.get(url, {"unit": "GD"}).status_code == 403
    export = reverse("activities_campaigns:export", args=["TCN-NB-2026"])
    assert client.get(export, {"unit": "GD"}).status_code == 403
    listed = client.get(reverse("activities_campaigns:list"), {"q": "giao duc"})
    assert list(listed.context["page_obj"].object_list) == []
    assert "ngành Giáo dục" not in listed.content.decode()
    assert not AuditEntry.objects.filter(action="campaign.export").exists()
    # From their own district they see the province's campaign, limited to it.
    data = _dashboard(outsider)
    assert data.unit.code == "YK" and data.totals.activities == 1


def test_an_outsider_cannot_start_a_campaign_for_another_branch(tree, outsider):
    response = client_for(outsider).post(reverse("activities_campaigns:list"), _post(unit="GD"))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "GD nằm ngoài phạm vi của bạn: hãy nhập đơn vị của bạn hoặc một đơn vị trực thuộc."
    ]
    assert not Campaign.objects.exists()


def test_the_list_shows_the_campaigns_of_the_users_branch_and_above(
    education_campaign, month, upper_officer, outsider, grassroots_officer
):
    def codes(user):
        response = client_for(user).get(reverse("activities_campaigns:list"))
        return [c.code for c in response.context["page_obj"].object_list]

    assert codes(upper_officer) == ["ATVSLD-GD-2026", "TCN-NB-2026"]
    assert codes(grassroots_officer) == ["ATVSLD-GD-2026", "TCN-NB-2026"]
    assert codes(outsider) == ["TCN-NB-2026"]


def test_the_list_is_searchable_without_diacritics_and_paginated(
    education_campaign, month, province_officer, settings
):
    client = client_for(province_officer)
    url = reverse("activities_campaigns:list")
    found = client.get(url, {"q": "an toan ve sinh"}).context["page_obj"].object_list
    assert [c.code for c in found] == ["ATVSLD-GD-2026"]
    settings.PAGE_SIZE = 1
    second = client.get(url, {"page": "2"}).context["page_obj"]
    assert second.paginator.num_pages == 2
    assert [c.code for c in second.object_list] == ["TCN-NB-2026"]


# --- a new campaign -------------------------------------------------------------------------


def _post(**changes):
    data = {
        "code": "ATVSLD-GD-2026",
        "name": "Tuyên truyền an toàn, vệ sinh lao động ngành Giáo dục",
        "kind": "other",
        "unit": "gd",
        "start_date": "01/06/2026",
        "end_date": "30/06/2026",
        "description": "Hưởng ứng Tháng hành động",
    }
    return data | changes


def test_an_upper_level_creates_a_campaign_for_its_branch(tree, upper_officer):
    response = client_for(upper_officer).post(reverse("activities_campaigns:list"), _post())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities_campaigns:dashboard", args=[campaign.code])
    assert campaign.unit == tree.education
    assert (campaign.start_date, campaign.end_date) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert campaign.description == "Hưởng ứng Tháng hành động"
    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.actor == upper_officer and entry.after["code"] == "ATVSLD-GD-2026"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Nhập tên đợt cao điểm."),
        ({"code": ""}, "code", "Hãy nhập mã."),
        ({"code": "ATVSLĐ 2026"}, "code", None),
        ({"start_date": "31/02/2026"}, "start_date", "Vui lòng nhập ngày theo dạng dd/mm/yyyy"),
        ({"end_date": "31/05/2026"}, "end_date", "Ngày kết thúc không được trước ngày bắt đầu."),
        ({"unit": "XX"}, "unit", "Không có đơn vị nào mang mã XX."),
        ({"unit": "GD-001"}, "unit", None),
        ({"unit": "NB"}, "unit", "NB nằm ngoài phạm vi của bạn"),
    ],
)
def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_created(
    tree, upper_officer, changes, field, message
):
    response = client_for(upper_officer).post(
        reverse("activities_campaigns:list"), _post(**changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field][0].startswith(message)
    assert not Campaign.objects.exists()
    assert 'class="error"' in response.content.decode()


def test_a_duplicate_code_is_refused(tree, upper_officer):
    client = client_for(upper_officer)
    client.post(reverse("activities_campaigns:list"), _post())
    response = client.post(reverse("activities_campaigns:list"), _post(code="atvsld-gd-2026"))
    assert response.context["form"].errors == {"code": ["Đã có đợt cao điểm khác dùng mã này."]}
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize("persona", ["grassroots_officer", "leader"])
def test_those_who_do_not_run_campaigns_get_no_form_and_cannot_post(tree, persona, request):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("activities_campaigns:list"))
    assert page.context["form"] is None and page.context["workers_month"] is None
    assert client.post(reverse("activities_campaigns:list"), _post()).status_code == 403
    assert client.post(reverse("activities_campaigns:workers_month")).status_code == 403
    assert not Campaign.objects.exists()


# --- Workers' Month -------------------------------------------------------------------------


def test_the_province_starts_this_years_workers_month_once(tree, province_officer):
    client = client_for(province_officer)
    offer = client.get(reverse("activities_campaigns:list")).context["workers_month"]
    assert (offer.province, offer.year, offer.campaign) == (tree.province, 2026, None)
    response = client.post(reverse("activities_campaigns:workers_month"))
    campaign = Campaign.objects.get()
    assert campaign.code == "TCN-NB-2026" and campaign.kind == CampaignKind.WORKERS_MONTH
    assert (campaign.start_date, campaign.end_date) == MAY
    assert response["Location"] == reverse("activities_campaigns:dashboard", args=[campaign.code])
    again = client.post(reverse("activities_campaigns:workers_month"))
    assert again["Location"] == response["Location"]
    assert Campaign.objects.count() == 1
    assert AuditEntry.objects.filter(action="campaign.create").count() == 1
    assert client.get(reverse("activities_campaigns:list")).context["workers_month"].campaign


def test_a_sector_cannot_start_the_provinces_workers_month(tree, upper_officer):
    client = client_for(upper_officer)
    assert client.get(reverse("activities_campaigns:list")).context["workers_month"] is None
    assert client.post(reverse("activities_campaigns:workers_month")).status_code == 403
    assert client.get(reverse("activities_campaigns:workers_month")).status_code == 405
    assert not Campaign.objects.exists()
