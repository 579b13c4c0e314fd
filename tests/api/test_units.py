"""GET /api/v1/units and /api/v1/units/{code}: scope, dates, filters, pagination, input checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.api.tokens import api_client
from tests.conftest import START, Tree
from tuyengiao.accounts.models import User
from tuyengiao.orgs import services
from tuyengiao.orgs.models import Enterprise, Ownership, UnitKind

UNITS = "/api/v1/units"
ALL_CODES = ["GD", "GD-001", "GD-002", "NB", "VN", "YK", "YK-001"]
MOVED_ON = dt.date(2024, 6, 1)
DAY_BEFORE = "2024-05-31"


def codes(client: Client, **params: Any) -> list[str]:
    response = client.get(UNITS, params)
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# --- scope ------------------------------------------------------------------------------------


def test_upper_officer_lists_only_its_own_subtree(upper_officer: User) -> None:
    response = api_client(upper_officer).get(UNITS)

    assert response.status_code == 200
    body = response.json()
    assert [u["code"] for u in body["items"]] == ["GD", "GD-001", "GD-002"]
    assert body["count"] == 3


def test_outsider_list_leaves_out_the_other_branch(outsider: User) -> None:
    assert codes(api_client(outsider)) == ["YK", "YK-001"]


def test_outsider_is_refused_a_unit_of_another_branch(outsider: User) -> None:
    client = api_client(outsider)

    for url in [f"{UNITS}/GD-001", f"{UNITS}/GD"]:
        response = client.get(url)
        assert response.status_code == 403
        assert "GD" not in response.content.decode()


def test_outsider_cannot_list_the_children_of_another_branch(outsider: User) -> None:
    response = api_client(outsider).get(UNITS, {"parent": "GD"})

    assert response.status_code == 403
    assert "items" not in response.json()


def test_grassroots_officer_sees_only_its_own_unit(grassroots_officer: User) -> None:
    client = api_client(grassroots_officer)
    assert codes(client) == ["GD-001"]
    assert client.get(f"{UNITS}/GD-002").status_code == 403
    assert client.get(f"{UNITS}/GD").status_code == 403


def test_admin_sees_the_whole_tree(admin_user: User) -> None:
    body = api_client(admin_user).get(UNITS).json()
    assert [u["code"] for u in body["items"]] == ALL_CODES
    assert body["count"] == 7


def test_unknown_code_is_404(upper_officer: User) -> None:
    client = api_client(upper_officer)
    assert client.get(f"{UNITS}/ZZ-999").status_code == 404
    assert client.get(UNITS, {"parent": "ZZ-999"}).status_code == 404


# --- fields -----------------------------------------------------------------------------------


def test_list_item_carries_the_unit_and_its_enterprise(outsider: User) -> None:
    items = api_client(outsider).get(UNITS).json()["items"]

    assert items == [
        {
            "code": "YK",
            "name": "Liên đoàn Lao động huyện Yên Khánh",
            "kind": "district",
            "parent_code": "NB",
            "valid_from": "2020-01-01",
            "valid_to": None,
            "enterprise": None,
        },
        {
            "code": "YK-001",
            "name": "CĐCS Công ty May Yên Khánh",
            "kind": "grassroots",
            "parent_code": "YK",
            "valid_from": "2020-01-01",
            "valid_to": None,
            "enterprise": {
                "name": "Công ty TNHH May Yên Khánh",
                "tax_code": "2700123456",
                "ownership": "foreign_invested",
                "workforce": 1200,
            },
        },
    ]


def test_detail_has_ancestors_from_the_root_and_the_history(admin_user: User) -> None:
    body = api_client(admin_user).get(f"{UNITS}/GD-001").json()

    assert body["code"] == "GD-001"
    assert body["name"] == "CĐCS Trường THPT Hoa Lư A"
    assert body["kind"] == "grassroots"
    assert body["parent_code"] == "GD"
    assert body["enterprise"] is None
    assert [a["code"] for a in body["ancestors"]] == ["VN", "NB", "GD"]
    assert body["ancestors"][-1] == {"code": "GD", "name": "Công đoàn ngành Giáo dục"}
    assert body["history"] == [
        {
            "valid_from": "2020-01-01",
            "valid_to": None,
            "name": "CĐCS Trường THPT Hoa Lư A",
            "parent_code": "GD",
        }
    ]


def test_detail_ancestors_stop_at_the_top_of_the_callers_scope(upper_officer: User) -> None:
    client = api_client(upper_officer)
    assert client.get(f"{UNITS}/GD-001").json()["ancestors"] == [
        {"code": "GD", "name": "Công đoàn ngành Giáo dục"}
    ]
    assert client.get(f"{UNITS}/GD").json()["ancestors"] == []


# --- dates ------------------------------------------------------------------------------------


@pytest.fixture
def school_b_moved(tree: Tree) -> Tree:
    """GD-002 passes from the education sector to Yên Khánh district on MOVED_ON."""
    services.unit_move(
        None,
        units=[tree.school_b],
        parent=tree.district,
        effective_date=MOVED_ON,
        reason="Quyết định điều chuyển số 12/QĐ-LĐLĐ",
    )
    return tree


def test_list_follows_the_tree_of_the_requested_date(
    school_b_moved: Tree, upper_officer: User, outsider: User
) -> None:
    education, district = api_client(upper_officer), api_client(outsider)

    assert codes(education, date=DAY_BEFORE) == ["GD", "GD-001", "GD-002"]
    assert codes(education, date=MOVED_ON.isoformat()) == ["GD", "GD-001"]
    assert codes(education) == ["GD", "GD-001"]
    assert codes(district, date=DAY_BEFORE) == ["YK", "YK-001"]
    assert codes(district, date=MOVED_ON.isoformat()) == ["GD-002", "YK", "YK-001"]


def test_parent_code_in_the_list_is_the_parent_on_that_date(
    school_b_moved: Tree, admin_user: User
) -> None:
    client = api_client(admin_user)

    def parent_of_school_b(date: str) -> str:
        items = client.get(UNITS, {"date": date, "q": "GD-002"}).json()["items"]
        return str(items[0]["parent_code"])

    assert parent_of_school_b(DAY_BEFORE) == "GD"
    assert parent_of_school_b(MOVED_ON.isoformat()) == "YK"


def test_detail_of_a_moved_unit_as_of_both_dates(school_b_moved: Tree, outsider: User) -> None:
    client = api_client(outsider)

    after = client.get(f"{UNITS}/GD-002", {"date": MOVED_ON.isoformat()}).json()
    assert after["parent_code"] == "YK"
    assert after["ancestors"] == [{"code": "YK", "name": "Liên đoàn Lao động huyện Yên Khánh"}]
    assert after["history"] == [
        {
            "valid_from": "2020-01-01",
            "valid_to": "2024-06-01",
            "name": "CĐCS Trường THCS Đinh Tiên Hoàng",
            "parent_code": "GD",
        },
        {
            "valid_from": "2024-06-01",
            "valid_to": None,
            "name": "CĐCS Trường THCS Đinh Tiên Hoàng",
            "parent_code": "YK",
        },
    ]
    before = client.get(f"{UNITS}/GD-002", {"date": DAY_BEFORE}).json()
    assert before["parent_code"] == "GD"
    # Before the move the unit hung under the education sector, outside this caller's scope.
    assert before["ancestors"] == []


def test_children_of_a_parent_on_each_side_of_a_move(
    school_b_moved: Tree, admin_user: User
) -> None:
    client = api_client(admin_user)
    assert codes(client, parent="GD", date=DAY_BEFORE) == ["GD-001", "GD-002"]
    assert codes(client, parent="GD", date=MOVED_ON.isoformat()) == ["GD-001"]
    assert codes(client, parent="YK", date=MOVED_ON.isoformat()) == ["GD-002", "YK-001"]


def test_a_merged_unit_ends_and_its_units_pass_to_the_target(tree: Tree, admin_user: User) -> None:
    services.unit_merge(
        None,
        sources=[tree.education],
        target=tree.district,
        effective_date=MOVED_ON,
        reason="Hợp nhất theo Nghị quyết 05",
    )
    client = api_client(admin_user)

    assert codes(client, date=DAY_BEFORE) == ALL_CODES
    assert codes(client, date=MOVED_ON.isoformat()) == [
        "GD-001",
        "GD-002",
        "NB",
        "VN",
        "YK",
        "YK-001",
    ]
    assert codes(client, parent="YK") == ["GD-001", "GD-002", "YK-001"]
    merged = client.get(f"{UNITS}/GD").json()
    assert merged["valid_from"] == "2020-01-01"
    assert merged["valid_to"] == "2024-06-01"


def test_a_renamed_unit_shows_the_name_of_the_requested_date(
    tree: Tree, upper_officer: User
) -> None:
    services.unit_rename(
        None,
        unit=tree.school_a,
        name="CĐCS Trường THPT Hoa Lư",
        effective_date=MOVED_ON,
        reason="Đổi tên trường",
    )
    client = api_client(upper_officer)

    old = client.get(f"{UNITS}/GD-001", {"date": DAY_BEFORE}).json()
    new = client.get(f"{UNITS}/GD-001").json()
    assert old["name"] == "CĐCS Trường THPT Hoa Lư A"
    assert new["name"] == "CĐCS Trường THPT Hoa Lư"
    assert [v["name"] for v in new["history"]] == [old["name"], new["name"]]
    listed = client.get(UNITS, {"q": "GD-001", "date": DAY_BEFORE}).json()["items"]
    assert listed[0]["name"] == "CĐCS Trường THPT Hoa Lư A"


def test_before_the_tree_existed_the_list_is_empty(admin_user: User) -> None:
    body = (
        api_client(admin_user)
        .get(UNITS, {"date": (START - dt.timedelta(days=1)).isoformat()})
        .json()
    )
    assert body == {"items": [], "count": 0}


# --- filters and pagination -------------------------------------------------------------------


def test_children_of_a_parent(upper_officer: User, admin_user: User) -> None:
    assert codes(api_client(upper_officer), parent="GD") == ["GD-001", "GD-002"]
    assert codes(api_client(admin_user), parent="NB") == ["GD", "YK"]
    assert codes(api_client(admin_user), parent="YK-001") == []


def test_search_ignores_diacritics_and_case(admin_user: User) -> None:
    client = api_client(admin_user)
    assert codes(client, q="hoa lu") == ["GD-001"]
    assert codes(client, q="TRƯỜNG") == ["GD-001", "GD-002"]
    assert codes(client, q="truong dinh") == ["GD-002"]
    assert codes(client, q="yen khanh") == ["YK", "YK-001"]
    assert codes(client, q="không có") == []


def test_search_stays_inside_the_scope(outsider: User) -> None:
    assert codes(api_client(outsider), q="truong") == []


def test_filter_by_kind(admin_user: User) -> None:
    client = api_client(admin_user)
    assert codes(client, kind="grassroots") == ["GD-001", "GD-002", "YK-001"]
    assert codes(client, kind="sector") == ["GD"]


def test_limit_and_offset_page_through_a_stable_count(admin_user: User) -> None:
    client = api_client(admin_user)

    first = client.get(UNITS, {"limit": 2}).json()
    third = client.get(UNITS, {"limit": 2, "offset": 4}).json()
    last = client.get(UNITS, {"limit": 2, "offset": 6}).json()
    beyond = client.get(UNITS, {"offset": 100}).json()

    assert [u["code"] for u in first["items"]] == ["GD", "GD-001"]
    assert [u["code"] for u in third["items"]] == ["VN", "YK"]
    assert [u["code"] for u in last["items"]] == ["YK-001"]
    assert beyond["items"] == []
    assert {first["count"], third["count"], last["count"], beyond["count"]} == {7}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 5000}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"date": "garbage"}, "date"),
        ({"date": "2024-13-01"}, "date"),
        ({"kind": "club"}, "kind"),
    ],
    ids=[
        "limit-0",
        "limit-5000",
        "limit-text",
        "offset-negative",
        "date-garbage",
        "date-month-13",
        "kind-unknown",
    ],
)
def test_invalid_parameters_are_422_json(
    upper_officer: User, params: dict[str, Any], field: str
) -> None:
    response = api_client(upper_officer).get(UNITS, params)

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["query", field]]
    assert errors[0]["msg"]


def test_invalid_date_on_the_detail_is_422(upper_officer: User) -> None:
    response = api_client(upper_officer).get(f"{UNITS}/GD", {"date": "31/05/2024"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "date"]


# --- queries ----------------------------------------------------------------------------------


def _many_grassroots(tree: Tree, count: int) -> None:
    for i in range(count):
        company = Enterprise.objects.create(
            name=f"Công ty {i}", tax_code=f"27009{i:05d}", ownership=Ownership.DOMESTIC_PRIVATE
        )
        services.unit_create(
            None,
            code=f"GD-1{i:02d}",
            name=f"CĐCS Công ty {i}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.education,
            valid_from=START,
            reason="Dữ liệu thử nghiệm",
            enterprise=company,
        )


def test_list_runs_a_fixed_number_of_queries(
    tree: Tree, upper_officer: User, django_assert_max_num_queries: Any
) -> None:
    client = api_client(upper_officer)
    client.get(UNITS)  # the first use records when the token was used
    _many_grassroots(tree, 30)

    with django_assert_max_num_queries(3):  # the token, the page, the count
        body = client.get(UNITS).json()
    assert body["count"] == 33
    assert sum(1 for u in body["items"] if u["enterprise"]) == 30

    with django_assert_max_num_queries(5):  # + the parent's gate (the unit, its scope check)
        body = client.get(UNITS, {"parent": "GD"}).json()
    assert body["count"] == 32


def test_detail_runs_a_fixed_number_of_queries(
    school_b_moved: Tree, outsider: User, django_assert_max_num_queries: Any
) -> None:
    client = api_client(outsider)
    client.get(UNITS)

    # The token, the unit and its scope check, the history, the ancestors (closure, versions).
    with django_assert_max_num_queries(6):
        response = client.get(f"{UNITS}/GD-002")
    assert len(response.json()["history"]) == 2
