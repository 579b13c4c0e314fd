"""Tree pages and restructuring forms through Django's client: scope on every page."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitVersion

RESTRUCTURE_URLS = ["orgs:move", "orgs:rename", "orgs:merge", "orgs:split", "orgs:dissolve"]


def test_tree_page_shows_the_scope_unit(tree, upper_officer):
    response = client_for(upper_officer).get(reverse("orgs:tree"))
    assert response.status_code == 200
    assert "Công đoàn ngành Giáo dục" in response.content.decode()
    assert "Yên Khánh" not in response.content.decode()


def test_tree_children_partial_lists_children_as_of_date(tree, province_officer, admin_user):
    from tuyengiao.orgs import services

    services.unit_move(
        admin_user,
        units=[tree.garment],
        parent=tree.education,
        effective_date=dt.date(2025, 7, 1),
        reason="r",
    )
    client = client_for(province_officer)
    url = reverse("orgs:children", args=["GD"])
    before = client.get(url, {"date": "01/01/2025"}).content.decode()
    after = client.get(url, {"date": "01/08/2025"}).content.decode()
    assert "May Yên Khánh" not in before
    assert "May Yên Khánh" in after


def test_tree_node_query_count_does_not_grow_with_children(
    tree, province_officer, admin_user, django_assert_max_num_queries
):
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import UnitKind

    services.units_create_many(
        admin_user,
        reason="r",
        specs=[
            services.NewUnit(
                f"GD-{n:03d}", f"CĐCS {n}", UnitKind.GRASSROOTS, "GD", dt.date(2021, 1, 1)
            )
            for n in range(10, 40)
        ],
    )
    client = client_for(province_officer)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("orgs:children", args=["GD"])).status_code == 200


def test_large_node_opens_page_by_page(tree, province_officer, admin_user, settings):
    from tuyengiao.orgs import selectors, services
    from tuyengiao.orgs.models import UnitKind

    services.units_create_many(
        admin_user,
        reason="r",
        specs=[
            services.NewUnit(
                f"GD-{n:03d}", f"CĐCS {n:03d}", UnitKind.GRASSROOTS, "GD", dt.date(2021, 1, 1)
            )
            for n in range(10, 10 + selectors.CHILDREN_PER_PAGE)
        ],
    )
    client = client_for(province_officer)
    first = client.get(reverse("orgs:children", args=["GD"]))
    assert len(first.context["rows"]) == selectors.CHILDREN_PER_PAGE
    assert "page=2" in first.content.decode()
    second = client.get(reverse("orgs:children", args=["GD"]), {"page": 2})
    assert len(second.context["rows"]) == 2
    assert "page=3" not in second.content.decode()


def test_bad_as_of_date_falls_back_to_today_with_an_error(tree, province_officer):
    response = client_for(province_officer).get(reverse("orgs:tree"), {"date": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"]


def test_search_without_diacritics(tree, province_officer):
    response = client_for(province_officer).get(
        reverse("orgs:search"), {"q": "cong doan nganh giao duc"}
    )
    codes = [v.unit.code for v in response.context["page_obj"]]
    assert codes == ["GD"]


def test_search_is_paginated(tree, province_officer, settings):
    settings.PAGE_SIZE = 2
    response = client_for(province_officer).get(reverse("orgs:search"), {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"]) == 2


def test_unit_page_has_breadcrumbs_and_history(tree, upper_officer):
    response = client_for(upper_officer).get(reverse("orgs:unit", args=["GD-001"]))
    assert response.status_code == 200
    page = response.context["page"]
    assert [v.unit.code for v in page.breadcrumbs] == ["GD"]
    assert len(page.history) == 1


def test_unit_page_query_count_is_pinned(tree, province_officer, django_assert_max_num_queries):
    client = client_for(province_officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("orgs:unit", args=["YK"])).status_code == 200


@pytest.mark.parametrize("name", ["orgs:unit", "orgs:children", *RESTRUCTURE_URLS, "orgs:create"])
def test_outsider_gets_403_on_every_unit_page(tree, outsider, name):
    assert client_for(outsider).get(reverse(name, args=["GD-001"])).status_code == 403


@pytest.mark.parametrize("name", RESTRUCTURE_URLS)
def test_outsider_post_is_refused_and_changes_nothing(tree, outsider, name):
    before = list(UnitVersion.objects.values_list("id", "valid_to"))
    response = client_for(outsider).post(
        reverse(name, args=["GD-001"]),
        {
            "parent": tree.district.pk,
            "name": "X",
            "target": tree.district.pk,
            "effective_date": "01/07/2025",
            "reason": "r",
        },
    )
    assert response.status_code == 403
    assert list(UnitVersion.objects.values_list("id", "valid_to")) == before


def test_unknown_unit_is_404(tree, province_officer):
    assert client_for(province_officer).get(reverse("orgs:unit", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "grassroots_officer"])
def test_roles_without_restructuring_get_403(tree, persona, request):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("orgs:move", args=["GD-001"]))
    assert response.status_code == 403


def test_move_form_moves_the_unit(tree, province_officer):
    response = client_for(province_officer).post(
        reverse("orgs:move", args=["YK-001"]),
        {"parent": tree.education.pk, "effective_date": "01/07/2025", "reason": "QĐ số 5"},
    )
    assert response.status_code == 302
    assert hierarchy.is_under(tree.education.pk, tree.garment.pk, dt.date(2025, 8, 1))


def test_move_form_shows_service_errors_next_to_the_field(tree, province_officer):
    response = client_for(province_officer).post(
        reverse("orgs:move", args=["YK-001"]),
        {"parent": tree.education.pk, "effective_date": "01/07/2019", "reason": "QĐ"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["effective_date"]
    assert not hierarchy.is_under(tree.education.pk, tree.garment.pk, dt.date(2025, 8, 1))


def test_move_form_rejects_a_malformed_date(tree, province_officer):
    response = client_for(province_officer).post(
        reverse("orgs:move", args=["YK-001"]),
        {"parent": tree.education.pk, "effective_date": "2025/13/45", "reason": "QĐ"},
    )
    assert response.context["form"].errors["effective_date"]


def test_move_target_outside_scope_is_not_offered(tree, upper_officer):
    response = client_for(upper_officer).get(reverse("orgs:move", args=["GD-001"]))
    choices = list(response.context["form"].fields["parent"].queryset)
    assert tree.district not in choices
    assert tree.education in choices


def test_create_form_establishes_a_grassroots_union_with_its_enterprise(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("orgs:create", args=["GD"]),
        {
            "code": "GD-003",
            "name": "CĐCS Trường Mầm non Tràng An",
            "kind": "grassroots",
            "effective_date": "05/09/2025",
            "reason": "QĐ thành lập",
            "enterprise_name": "Trường Mầm non Tràng An",
            "ownership": "state",
            "workforce": "40",
            "tax_code": "",
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="GD-003")
    assert unit.enterprise.name == "Trường Mầm non Tràng An"
    assert hierarchy.is_under(tree.education.pk, unit.pk, dt.date(2025, 10, 1))


def test_create_form_with_duplicate_code_keeps_nothing(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("orgs:create", args=["GD"]),
        {
            "code": "GD-001",
            "name": "Trùng",
            "kind": "grassroots",
            "effective_date": "05/09/2025",
            "reason": "r",
            "enterprise_name": "DN trùng",
            "ownership": "state",
        },
    )
    assert response.context["form"].errors["code"]
    from tuyengiao.orgs.models import Enterprise

    assert not Enterprise.objects.filter(name="DN trùng").exists()


def test_split_form_assigns_children(tree, province_officer):
    response = client_for(province_officer).post(
        reverse("orgs:split", args=["GD"]),
        {
            "part1_code": "GD-A",
            "part1_name": "CĐ Giáo dục A",
            "part2_code": "GD-B",
            "part2_name": "CĐ Giáo dục B",
            f"child_{tree.school_a.pk}": "1",
            f"child_{tree.school_b.pk}": "2",
            "effective_date": "01/07/2025",
            "reason": "r",
        },
    )
    assert response.status_code == 302
    assert hierarchy.is_under(
        OrgUnit.objects.get(code="GD-B").pk, tree.school_b.pk, dt.date(2025, 8, 1)
    )


def test_restructurings_list_is_scoped(tree, province_officer, outsider, admin_user):
    from tuyengiao.orgs import services

    services.unit_rename(
        admin_user,
        unit=tree.school_a,
        name="CĐCS mới",
        reason="Đổi tên",
        effective_date=dt.date(2025, 7, 1),
    )
    mine = client_for(province_officer).get(reverse("orgs:restructurings"), {"kind": "rename"})
    theirs = client_for(outsider).get(reverse("orgs:restructurings"), {"kind": "rename"})
    assert len(mine.context["page_obj"]) == 1
    assert len(theirs.context["page_obj"]) == 0


def test_anonymous_is_sent_to_login(tree, client):
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_dissolved_unit_page_shows_its_last_day(tree, province_officer, admin_user):
    from tuyengiao.orgs import services

    services.unit_dissolve(
        admin_user,
        unit=tree.district,
        effective_date=dt.date(2025, 9, 1),
        reason="r",
        transfer_to=tree.education,
    )
    page = client_for(province_officer).get(reverse("orgs:unit", args=["YK"])).context["page"]
    assert page.date == dt.date(2025, 8, 31)
    assert page.version is not None
    assert [v.unit.code for v in page.children] == ["YK-001"]


def _enterprise_post(tree, **changes):
    data = {
        "name": "Công ty TNHH May Yên Khánh",
        "kind": "enterprise",
        "tax_code": "2700123456",
        "sector": "Dệt may",
        "ownership": "foreign_invested",
        "workforce": "1350",
        "address": "",
        "version": tree.garment.enterprise.version,
    }
    return data | changes


def test_enterprise_form_updates_the_workforce(tree, outsider):
    response = client_for(outsider).post(
        reverse("orgs:enterprise", args=["YK-001"]), _enterprise_post(tree)
    )
    assert response.status_code == 302
    tree.garment.enterprise.refresh_from_db()
    assert tree.garment.enterprise.workforce == 1350


def test_enterprise_form_refuses_a_stale_version(tree, outsider):
    client = client_for(outsider)
    stale = _enterprise_post(tree, workforce="1400")
    client.post(reverse("orgs:enterprise", args=["YK-001"]), _enterprise_post(tree))
    response = client.post(reverse("orgs:enterprise", args=["YK-001"]), stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    tree.garment.enterprise.refresh_from_db()
    assert tree.garment.enterprise.workforce == 1350


def test_enterprise_form_records_an_enterprise_for_a_unit_without_one(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("orgs:enterprise", args=["GD-001"]),
        {
            "name": "Trường THPT Hoa Lư A",
            "kind": "agency",
            "ownership": "state",
            "workforce": "80",
            "tax_code": "",
            "sector": "Giáo dục",
            "address": "",
        },
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="GD-001").enterprise.name == "Trường THPT Hoa Lư A"


def test_enterprise_form_outside_scope_is_403_and_changes_nothing(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("orgs:enterprise", args=["YK-001"]), _enterprise_post(tree, workforce="1")
    )
    assert response.status_code == 403
    tree.garment.enterprise.refresh_from_db()
    assert tree.garment.enterprise.workforce == 1200


def test_enterprise_shared_with_a_unit_outside_scope_cannot_be_edited(
    tree, upper_officer, admin_user
):
    from tuyengiao.orgs import services

    services.unit_set_enterprise(
        admin_user,
        unit=tree.school_a,
        enterprise=tree.garment.enterprise,
        expected_version=tree.school_a.version,
    )
    response = client_for(upper_officer).post(
        reverse("orgs:enterprise", args=["GD-001"]), _enterprise_post(tree, workforce="1")
    )
    assert response.status_code == 403
