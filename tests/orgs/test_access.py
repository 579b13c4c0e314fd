"""The scope gates, condition by condition."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tuyengiao.accounts.models import Role
from tuyengiao.orgs import access, selectors, services


def test_officer_reads_own_subtree_only(tree, upper_officer):
    assert access.can_read(upper_officer, tree.school_a)
    assert access.can_read(upper_officer, tree.education)
    assert not access.can_read(upper_officer, tree.garment)
    assert not access.can_read(upper_officer, tree.province)


def test_inactive_user_reads_nothing(tree, upper_officer):
    upper_officer.is_active = False
    assert not access.can_read(upper_officer, tree.school_a)


def test_user_without_scope_reads_nothing_unless_admin(tree, upper_officer, admin_user):
    upper_officer.scope_unit = None
    assert not access.can_read(upper_officer, tree.school_a)
    assert access.can_read(admin_user, tree.garment)


def test_leader_reads_but_cannot_write(tree, leader):
    assert access.can_read(leader, tree.garment)
    assert not access.can_write(leader, tree.garment)
    assert not access.can_restructure(leader, tree.garment, dt.date(2025, 1, 1))


def test_grassroots_officer_edits_own_unit_but_does_not_restructure(tree, grassroots_officer):
    assert access.can_write(grassroots_officer, tree.school_a)
    assert not access.can_write(grassroots_officer, tree.school_b)
    assert not access.can_restructure(grassroots_officer, tree.school_a, dt.date(2025, 1, 1))


def test_history_stays_readable_after_a_unit_leaves_the_scope(tree, outsider, admin_user):
    services.unit_move(
        admin_user,
        units=[tree.garment],
        parent=tree.education,
        effective_date=dt.date(2025, 7, 1),
        reason="r",
    )
    assert access.can_read(outsider, tree.garment)
    assert not access.can_write(outsider, tree.garment)


def test_merged_unit_is_readable_through_its_successor(tree, admin_user, django_user_model):
    services.unit_merge(
        admin_user,
        sources=[tree.district],
        target=tree.education,
        effective_date=dt.date(2025, 7, 1),
        reason="r",
    )
    officer = django_user_model.objects.create_user(
        username="gd2", password="x", role=Role.UPPER_OFFICER, scope_unit=tree.education
    )
    assert access.can_read(officer, tree.district)


def test_gate_gives_404_for_unknown_and_403_outside(tree, upper_officer):
    with pytest.raises(Http404):
        selectors.unit_for_user(upper_officer, "KHONG-CO")
    with pytest.raises(PermissionDenied):
        selectors.unit_for_user(upper_officer, "YK-001")
    assert selectors.unit_for_user(upper_officer, "GD-001") == tree.school_a


def test_scope_listing_contains_exactly_the_subtree(tree, upper_officer, outsider):
    codes = {v.unit.code for v in selectors.versions_in_scope(upper_officer)}
    assert codes == {"GD", "GD-001", "GD-002"}
    assert {v.unit.code for v in selectors.versions_in_scope(outsider)} == {"YK", "YK-001"}


def test_search_ignores_diacritics(tree, province_officer):
    found = selectors.versions_in_scope(province_officer, query="cong doan nganh giao duc")
    assert [v.unit.code for v in found] == ["GD"]
    assert [v.unit.code for v in selectors.versions_in_scope(province_officer, query="yk-001")] == [
        "YK-001"
    ]
