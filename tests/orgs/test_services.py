"""Restructuring services: history is appended, never rewritten; bad changes change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import hierarchy, services
from tuyengiao.orgs.models import OrgUnit, Restructuring, UnitClosure, UnitKind, UnitVersion

D = dt.date
BEFORE, CHANGE, AFTER = D(2024, 6, 1), D(2025, 7, 1), D(2025, 8, 1)


def move(actor, unit, parent, date=CHANGE, reason="r"):
    return services.unit_move(
        actor, units=[unit], parent=parent, effective_date=date, reason=reason
    )


def closure_rows():
    return sorted(
        UnitClosure.objects.values_list(
            "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
        )
    )


def test_move_keeps_the_past_and_changes_the_future(tree, province_officer):
    move(province_officer, tree.garment, tree.education, reason="QĐ 12/QĐ-LĐLĐ")
    assert hierarchy.is_under(tree.district.pk, tree.garment.pk, BEFORE)
    assert not hierarchy.is_under(tree.district.pk, tree.garment.pk, AFTER)
    assert hierarchy.is_under(tree.education.pk, tree.garment.pk, AFTER)
    assert not hierarchy.is_under(tree.education.pk, tree.garment.pk, BEFORE)
    versions = list(UnitVersion.objects.filter(unit=tree.garment).order_by("valid_from"))
    assert [(v.parent_id, v.valid_to) for v in versions] == [
        (tree.district.pk, CHANGE),
        (tree.education.pk, versions[1].valid_to),
    ]


def test_move_is_audited_with_before_after_and_reason(tree, province_officer):
    move(province_officer, tree.garment, tree.education, reason="QĐ 12/QĐ-LĐLĐ")
    entry = AuditEntry.objects.get(action="unit.move", object_id=str(tree.garment.pk))
    assert entry.actor == province_officer
    assert entry.before == {"parent": "YK"}
    assert entry.after["parent"] == "GD"
    assert entry.reason == "QĐ 12/QĐ-LĐLĐ"
    assert Restructuring.objects.filter(kind="move", effective_date=CHANGE).count() == 1


def test_incremental_closure_equals_a_full_rebuild(tree, admin_user):
    services.unit_move(
        admin_user, units=[tree.education], parent=tree.district, effective_date=CHANGE, reason="r"
    )
    services.unit_rename(
        admin_user,
        unit=tree.district,
        name="Công đoàn xã Yên Khánh",
        effective_date=AFTER,
        reason="r",
    )
    incremental = closure_rows()
    hierarchy.rebuild_closure()
    assert closure_rows() == incremental


def test_move_into_own_subtree_is_refused_and_changes_nothing(tree, admin_user):
    before = closure_rows()
    with pytest.raises(ValidationError) as error:
        move(admin_user, tree.education, tree.education)
    assert "parent" in error.value.error_dict
    assert closure_rows() == before


def test_cycle_through_a_descendant_is_refused(tree, admin_user):
    extra = services.unit_create(
        admin_user,
        code="GD-TO",
        name="Tổ",
        kind=UnitKind.SECTOR,
        parent=tree.education,
        valid_from=D(2021, 1, 1),
        reason="r",
    )
    with pytest.raises(ValidationError, match="cycle|vòng"):
        services.unit_move(
            admin_user, units=[tree.education], parent=extra, effective_date=CHANGE, reason="r"
        )


def test_move_dated_before_the_unit_existed_is_refused(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        move(admin_user, tree.garment, tree.education, date=D(2019, 1, 1))
    assert "effective_date" in error.value.error_dict
    assert UnitVersion.objects.filter(unit=tree.garment).count() == 1


def test_change_dated_before_the_last_change_is_refused(tree, admin_user):
    services.unit_move(
        admin_user, units=[tree.garment], parent=tree.education, effective_date=AFTER, reason="r"
    )
    with pytest.raises(ValidationError, match="2025"):
        move(admin_user, tree.garment, tree.district)


def test_duplicate_code_is_refused(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        services.unit_create(
            admin_user,
            code="gd-001",
            name="Trùng",
            kind=UnitKind.GRASSROOTS,
            parent=tree.education,
            valid_from=CHANGE,
            reason="r",
        )
    assert "code" in error.value.error_dict
    assert OrgUnit.objects.filter(name="Trùng").count() == 0


def test_a_reason_is_required(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        move(admin_user, tree.garment, tree.education, reason="   ")
    assert "reason" in error.value.error_dict


def test_grassroots_unit_cannot_be_a_parent(tree, admin_user):
    with pytest.raises(ValidationError):
        move(admin_user, tree.school_b, tree.school_a)


def test_merge_moves_children_and_points_to_the_successor(tree, admin_user):
    services.unit_merge(
        admin_user,
        sources=[tree.district],
        target=tree.education,
        effective_date=CHANGE,
        reason="Sáp nhập",
    )
    tree.district.refresh_from_db()
    assert tree.district.valid_to == CHANGE
    assert tree.district.successor == tree.education
    assert hierarchy.is_under(tree.education.pk, tree.garment.pk, AFTER)
    assert hierarchy.is_under(tree.district.pk, tree.garment.pk, BEFORE)
    assert not hierarchy.is_under(tree.province.pk, tree.district.pk, AFTER)
    assert hierarchy.is_under(tree.province.pk, tree.district.pk, BEFORE)


def test_dissolve_with_children_needs_a_destination(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        services.unit_dissolve(admin_user, unit=tree.district, effective_date=CHANGE, reason="r")
    assert "transfer_to" in error.value.error_dict
    tree.district.refresh_from_db()
    assert not tree.district.is_dissolved


def test_dissolve_transfers_children(tree, admin_user):
    services.unit_dissolve(
        admin_user,
        unit=tree.district,
        effective_date=CHANGE,
        reason="r",
        transfer_to=tree.education,
    )
    assert hierarchy.is_under(tree.education.pk, tree.garment.pk, AFTER)
    assert hierarchy.version_on(tree.district.pk, AFTER) is None
    assert hierarchy.version_on(tree.district.pk, BEFORE) is not None


def test_split_shares_the_children_among_new_units(tree, admin_user):
    services.unit_split(
        admin_user,
        unit=tree.education,
        effective_date=CHANGE,
        reason="Chia tách",
        parts=[
            services.SplitPart("GD-A", "Công đoàn Giáo dục A", [tree.school_a]),
            services.SplitPart("GD-B", "Công đoàn Giáo dục B", [tree.school_b]),
        ],
    )
    part_a = OrgUnit.objects.get(code="GD-A")
    assert hierarchy.is_under(part_a.pk, tree.school_a.pk, AFTER)
    assert hierarchy.is_under(tree.education.pk, tree.school_a.pk, BEFORE)
    assert hierarchy.is_under(tree.province.pk, part_a.pk, AFTER)
    tree.education.refresh_from_db()
    assert tree.education.valid_to == CHANGE


def test_split_must_place_every_child(tree, admin_user):
    with pytest.raises(ValidationError):
        services.unit_split(
            admin_user,
            unit=tree.education,
            effective_date=CHANGE,
            reason="r",
            parts=[
                services.SplitPart("GD-A", "A", [tree.school_a]),
                services.SplitPart("GD-B", "B", []),
            ],
        )
    assert not OrgUnit.objects.filter(code="GD-A").exists()


def test_rename_keeps_the_old_name_for_the_past(tree, admin_user):
    services.unit_rename(
        admin_user,
        unit=tree.district,
        name="Công đoàn xã Yên Khánh",
        effective_date=CHANGE,
        reason="r",
    )
    assert (
        hierarchy.version_on(tree.district.pk, BEFORE).name == "Liên đoàn Lao động huyện Yên Khánh"
    )
    assert hierarchy.version_on(tree.district.pk, AFTER).name == "Công đoàn xã Yên Khánh"


def test_upper_officer_cannot_restructure_outside_scope(tree, upper_officer):
    with pytest.raises(PermissionDenied):
        move(upper_officer, tree.garment, tree.education)
    assert hierarchy.is_under(tree.district.pk, tree.garment.pk, AFTER)


def test_upper_officer_cannot_restructure_its_own_scope_unit(tree, upper_officer):
    with pytest.raises(PermissionDenied):
        services.unit_rename(
            upper_officer, unit=tree.education, name="X", effective_date=CHANGE, reason="r"
        )


def test_upper_officer_restructures_inside_scope(tree, upper_officer):
    services.unit_rename(
        upper_officer,
        unit=tree.school_a,
        name="CĐCS Trường THPT Hoa Lư",
        effective_date=CHANGE,
        reason="r",
    )
    assert OrgUnit.objects.get(pk=tree.school_a.pk).name == "CĐCS Trường THPT Hoa Lư"


def test_stale_version_of_a_unit_is_refused(tree, province_officer):
    version = tree.garment.version
    services.unit_set_enterprise(
        province_officer, unit=tree.garment, enterprise=None, expected_version=version
    )
    with pytest.raises(ValidationError, match="(?i)reload|tải lại"):
        services.unit_set_enterprise(
            province_officer, unit=tree.garment, enterprise=None, expected_version=version
        )


def _batch(parent_code="YK", count=3):
    specs = [
        services.NewUnit(
            "YK-X", "Công đoàn xã Khánh Hòa", UnitKind.COMMUNE, parent_code, D(2025, 9, 1)
        )
    ]
    specs += [
        services.NewUnit(
            f"yk-x-{n:03d}", f"CĐCS Công ty {n}", UnitKind.GRASSROOTS, "YK-X", D(2025, 10, 1)
        )
        for n in range(count)
    ]
    return specs


def test_batch_creation_builds_the_same_closure_as_a_full_rebuild(tree, province_officer):
    units = services.units_create_many(province_officer, specs=_batch(), reason="Nhập Excel")
    assert [u.code for u in units][:2] == ["YK-X", "YK-X-000"]
    assert hierarchy.is_under(tree.province.pk, units[-1].pk, D(2025, 11, 1))
    assert not hierarchy.is_under(tree.province.pk, units[-1].pk, D(2025, 9, 15))
    incremental = closure_rows()
    hierarchy.rebuild_closure()
    assert closure_rows() == incremental
    assert AuditEntry.objects.filter(action="unit.create", actor=province_officer).count() == 4


def test_batch_with_a_taken_or_repeated_code_writes_nothing(tree, province_officer):
    specs = _batch() + [
        services.NewUnit("YK-001", "Trùng", UnitKind.GRASSROOTS, "YK-X", D(2025, 10, 1))
    ]
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as error:
        services.units_create_many(province_officer, specs=specs, reason="r")
    assert "code" in error.value.error_dict
    assert OrgUnit.objects.count() == before


def test_batch_outside_scope_is_refused(tree, upper_officer):
    with pytest.raises(PermissionDenied):
        services.units_create_many(upper_officer, specs=_batch(), reason="r")
    assert not OrgUnit.objects.filter(code="YK-X").exists()


def test_batch_child_before_its_parent_existed_is_refused(tree, province_officer):
    specs = _batch()
    specs[1].valid_from = D(2025, 8, 1)
    with pytest.raises(ValidationError):
        services.units_create_many(province_officer, specs=specs, reason="r")


def test_moving_many_units_takes_a_fixed_number_of_queries(
    tree, province_officer, django_assert_max_num_queries
):
    units = services.units_create_many(province_officer, specs=_batch(count=40), reason="r")
    grassroots = units[1:]
    with django_assert_max_num_queries(40):
        services.unit_move(
            province_officer,
            units=grassroots,
            parent=tree.district,
            effective_date=D(2026, 1, 1),
            reason="Chuyển về huyện",
        )
    assert all(hierarchy.is_under(tree.district.pk, u.pk, D(2026, 2, 1)) for u in grassroots)
    assert AuditEntry.objects.filter(action="unit.move").count() == 40
