"""The cultural-standard entry page: a unit's grassroots unions on the year's last day, a small
form per union saved with or without htmx, errors next to the fields, the second of two
editors told, the T2.3a–c shares exactly as the dashboard computes them, the outsider refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import Tree, _unit, client_for
from tuyengiao.accounts.models import User
from tuyengiao.activities import figures
from tuyengiao.activities.cultural_services import CulturalInput, cultural_record_set
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs.models import UnitKind
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.indicators import figures_for_user

URL = "/activities/cultural/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def seeded(tree: Tree, reference: None) -> Tree:
    """The province's plan (with T2.3a–c) and the registry's denominators for 2025."""
    plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
    figures.refresh_registry(2025)
    return tree


def row_data(union: str, version: int = 0, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"union": union, "year": 2025, "version": version}
    data.update({k: v for k, v in values.items() if v is not None})
    return data


def codes(response: Any) -> list[str]:
    return [row.unit.code for row, _form in response.context["items"]]


def test_the_page_opens_on_the_users_unit_and_last_year_with_its_unions(
    seeded: Tree, upper_officer: User, province_officer: User, grassroots_officer: User
) -> None:
    upper = client_for(upper_officer).get(URL)
    province = client_for(province_officer).get(URL)
    grassroots = client_for(grassroots_officer).get(URL)

    assert upper.status_code == province.status_code == grassroots.status_code == 200
    assert (upper.context["root"].code, upper.context["year"]) == ("GD", 2025)
    assert codes(upper) == ["GD-001", "GD-002"]
    assert codes(province) == ["GD-001", "GD-002", "YK-001"]
    assert codes(grassroots) == ["GD-001"]
    html = upper.content.decode()
    assert "CĐCS Trường THCS Đinh Tiên Hoàng" in html
    assert "31/12/2025" in html
    assert "2.025" not in html  # years are not numbers to group


def test_unions_are_those_of_the_years_last_day_searchable_and_paginated(
    seeded: Tree, province_officer: User, settings: Any
) -> None:
    _unit("GD-003", "CĐCS Trường Tiểu học Ninh Phong", UnitKind.GRASSROOTS, seeded.education)
    client = client_for(province_officer)
    settings.PAGE_SIZE = 2

    first = client.get(URL, {"unit": "GD", "year": "2025"})
    second = client.get(URL, {"unit": "GD", "year": "2025", "page": "2"})
    found = client.get(URL, {"unit": "GD", "year": "2025", "q": "dinh tien"})

    assert codes(first) == ["GD-001", "GD-002"] and codes(second) == ["GD-003"]
    assert "Trang 1 / 2" in first.content.decode()
    assert codes(found) == ["GD-002"]


def test_a_row_saved_without_javascript_redirects_back_with_its_record(
    seeded: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)
    target = f"{URL}?year=2025&unit=GD&page=1"

    response = client.post(
        target,
        row_data("GD-001", recognised="on", decision="QĐ 12/QĐ-UBND", families="1.240")
        | {"families_cultural": "1.100"},
    )

    assert response.status_code == 302 and response["Location"] == target
    record = CulturalRecord.objects.get(unit=seeded.school_a, year=2025)
    assert (record.registered, record.recognised) == (True, True)  # recognition implies it
    assert (record.families, record.families_cultural) == (1240, 1100)
    assert record.decision == "QĐ 12/QĐ-UBND"
    page = client.get(target)
    assert "Đã lưu hồ sơ của CĐCS Trường THPT Hoa Lư A." in page.content.decode()
    assert 'value="1.240"' in page.content.decode()
    assert AuditEntry.objects.get(action="cultural.set").actor == upper_officer


def test_a_row_saved_with_htmx_answers_with_the_row_and_refreshes_the_shares(
    seeded: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)

    response = client.post(
        f"{URL}?year=2025&unit=GD",
        row_data("GD-002", registered="on", families="60", families_cultural="48"),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="union-GD-002"')
    assert response["HX-Trigger"] == "cultural-saved"
    assert 'name="version" value="1"' in html
    assert "Đã lưu." in html
    shares = client.get(reverse("activities_cultural:shares"), {"year": "2025", "unit": "GD"})
    assert "<html" not in shares.content.decode()
    t23c = next(f for f in shares.context["shares"] if f.indicator.code == "T2.3c")
    assert (t23c.numerator, t23c.denominator, t23c.value) == (48, 60, Decimal("80.0"))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"families": "40", "families_cultural": "41"},
            "families_cultural",
            "Số gia đình văn hóa không được lớn hơn số gia đình đoàn viên, người lao động (40).",
        ),
        ({"families": "bốn mươi"}, "families", "Vui lòng nhập số nguyên, từ 0 trở lên."),
        ({"families": "-3"}, "families", "Vui lòng nhập số nguyên, từ 0 trở lên."),
        (
            {"families_cultural": "5"},
            "families",
            "Hãy nhập số gia đình đoàn viên, người lao động trước.",
        ),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_saved(
    seeded: Tree, upper_officer: User, values: dict[str, str], field: str, message: str, htmx: bool
) -> None:
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(upper_officer).post(
        f"{URL}?year=2025&unit=GD", row_data("GD-001", **values), **extra
    )

    assert response.status_code == 200
    if htmx:
        form = response.context["form"]
        assert response.content.decode().lstrip().startswith("<tr")
    else:
        form = dict((row.unit.code, f) for row, f in response.context["items"])["GD-001"]
    assert form.errors[field] == [message]
    html = response.content.decode()
    cell = html.split(f'id="id_GD-001_{field}"')[1].split("</td>")[0]
    assert escape(message) in cell  # next to its input, in the same cell
    assert not CulturalRecord.objects.exists()


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(
    seeded: Tree, upper_officer: User, province_officer: User
) -> None:
    first, second = client_for(upper_officer), client_for(province_officer)
    target = f"{URL}?year=2025&unit=GD"

    assert first.post(target, row_data("GD-001", families="40")).status_code == 302
    # The second loaded the page before the record existed (version 0).
    late = second.post(target, row_data("GD-001", families="99"))
    # And a third edit from the version the first saw, after it was changed again.
    assert first.post(target, row_data("GD-001", version=1, families="42")).status_code == 302
    stale = second.post(target, row_data("GD-001", version=1, families="77"))

    for response in (late, stale):
        assert response.status_code == 200
        assert "Người khác đã sửa bản ghi này" in response.content.decode()
    assert CulturalRecord.objects.get().families == 42


def test_the_shares_at_the_top_are_the_dashboards_figures(
    seeded: Tree, province_officer: User
) -> None:
    cultural_record_set(
        None,
        unit=seeded.school_a,
        year=2025,
        data=CulturalInput(recognised=True, families=40, families_cultural=36),
    )
    cultural_record_set(
        None,
        unit=seeded.garment,
        year=2025,
        data=CulturalInput(registered=True, families=100, families_cultural=90),
    )

    response = client_for(province_officer).get(URL, {"year": "2025", "unit": "NB"})

    shown = {f.indicator.code: f for f in response.context["shares"]}
    dashboard = {
        f.indicator.code: f for f in figures_for_user(province_officer, seeded.province, 2025)
    }
    assert sorted(shown) == ["T2.3a", "T2.3b", "T2.3c"]
    for code, figure in shown.items():
        assert (figure.numerator, figure.denominator, figure.value) == (
            dashboard[code].numerator,
            dashboard[code].denominator,
            dashboard[code].value,
        )
    assert (shown["T2.3a"].numerator, shown["T2.3a"].denominator) == (1, 3)
    assert shown["T2.3c"].value == Decimal("90.0")  # (36 + 90) / (40 + 100), never averaged
    html = response.content.decode()
    assert "33,3\u00a0%" in html and "1 / 3" in html


def test_without_a_plan_the_page_says_why_there_are_no_shares(
    tree: Tree, reference: None, upper_officer: User
) -> None:
    response = client_for(upper_officer).get(URL)

    assert response.status_code == 200
    assert response.context["shares"] == []
    assert "T2.3a–c" in response.content.decode()


def test_outsider_is_refused_on_every_cultural_page_and_nothing_changes(
    seeded: Tree, outsider: User
) -> None:
    client = client_for(outsider)
    audited = AuditEntry.objects.count()

    assert client.get(URL, {"unit": "GD", "year": "2025"}).status_code == 403
    assert client.get(reverse("activities_cultural:shares"), {"unit": "NB"}).status_code == 403
    refused = client.post(
        f"{URL}?year=2025&unit=YK", row_data("GD-001", recognised="on", families="10")
    )
    refused_htmx = client.post(
        f"{URL}?year=2025&unit=YK", row_data("GD-002", families="10"), HTTP_HX_REQUEST="true"
    )
    own = client.get(URL)

    assert refused.status_code == refused_htmx.status_code == 403
    assert own.status_code == 200 and codes(own) == ["YK-001"]
    assert not CulturalRecord.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_a_read_only_leader_sees_the_records_but_cannot_change_them(
    seeded: Tree, leader: User
) -> None:
    cultural_record_set(
        None, unit=seeded.school_a, year=2025, data=CulturalInput(families=40, families_cultural=4)
    )
    client = client_for(leader)

    page = client.get(URL, {"unit": "GD", "year": "2025"})
    refused = client.post(f"{URL}?year=2025&unit=GD", row_data("GD-001", version=1, families="1"))

    assert page.status_code == 200
    assert all(not row.writable for row, _form in page.context["items"])
    assert 'name="families"' not in page.content.decode()
    assert refused.status_code == 403
    assert CulturalRecord.objects.get().families == 40


def test_an_unknown_unit_is_404_and_a_bad_year_falls_back_to_the_last_one(
    seeded: Tree, province_officer: User
) -> None:
    client = client_for(province_officer)

    assert client.get(URL, {"unit": "KHONG-CO"}).status_code == 404
    response = client.get(URL, {"unit": "GD", "year": "2031"})
    assert response.status_code == 200 and response.context["year"] == 2025


def test_the_page_costs_the_same_queries_whatever_the_number_of_unions(
    seeded: Tree, province_officer: User
) -> None:
    client = client_for(province_officer)
    client.get(URL, {"unit": "NB", "year": "2025"})  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"unit": "NB", "year": "2025"})
    for index in range(4, 10):
        unit = _unit(
            f"GD-00{index}", f"CĐCS Trường số {index}", UnitKind.GRASSROOTS, seeded.education
        )
        cultural_record_set(None, unit=unit, year=2025, data=CulturalInput(families=index))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"unit": "NB", "year": "2025"})

    assert len(codes(response)) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
