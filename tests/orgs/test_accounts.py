"""Managing accounts: within one's subtree, with the roles one's own role may grant."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.accounts.models import Role, User
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import account_services

GOOD_PASSWORD = "Cong-doan-Ninh-Binh-2026"


def _create(actor, **changes):
    values = {
        "username": "moi",
        "first_name": "Lan",
        "last_name": "Nguyễn Thị",
        "email": "lan@example.org",
        "role": Role.GRASSROOTS_OFFICER,
        "scope_unit": None,
        "password": GOOD_PASSWORD,
    }
    return account_services.account_create(actor, **(values | changes))


def test_province_staff_creates_an_upper_officer_in_scope(tree, province_officer):
    account = _create(province_officer, role=Role.UPPER_OFFICER, scope_unit=tree.district)
    assert account.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor == province_officer and "password" not in entry.after


def test_province_staff_cannot_create_an_administrator(tree, province_officer):
    with pytest.raises(ValidationError) as error:
        _create(province_officer, role=Role.ADMIN, scope_unit=tree.province)
    assert "role" in error.value.error_dict
    assert not User.objects.filter(username="moi").exists()


def test_upper_officer_grants_only_grassroots_roles_below_it(tree, upper_officer):
    _create(upper_officer, scope_unit=tree.school_a)
    with pytest.raises(ValidationError):
        _create(upper_officer, username="moi2", role=Role.UPPER_OFFICER, scope_unit=tree.school_a)
    with pytest.raises(PermissionDenied):
        _create(upper_officer, username="moi3", scope_unit=tree.garment)


def test_weak_password_is_refused_next_to_the_field(tree, province_officer):
    with pytest.raises(ValidationError) as error:
        _create(province_officer, scope_unit=tree.school_a, password="123")
    assert "password" in error.value.error_dict


def test_duplicate_username_is_refused(tree, province_officer, upper_officer):
    with pytest.raises(ValidationError) as error:
        _create(province_officer, username="NGANHGD", scope_unit=tree.school_a)
    assert "username" in error.value.error_dict


def test_update_with_a_stale_version_is_refused(tree, province_officer, upper_officer):
    fields = {
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "role": Role.UPPER_OFFICER,
        "scope_unit": tree.education,
        "is_active": True,
    }
    account_services.account_update(
        province_officer, account=upper_officer, expected_version=1, **fields
    )
    with pytest.raises(ValidationError):
        account_services.account_update(
            province_officer,
            account=upper_officer,
            expected_version=1,
            **(fields | {"is_active": False}),
        )
    upper_officer.refresh_from_db()
    assert upper_officer.is_active and upper_officer.version == 2


def test_nobody_edits_their_own_account(tree, province_officer):
    with pytest.raises(PermissionDenied):
        account_services.account_set_password(
            province_officer, account=province_officer, password=GOOD_PASSWORD
        )


def test_createsuperuser_makes_an_administrator_of_the_whole_tree(db):
    call_command("createsuperuser", "--noinput", username="root", email="root@example.org")
    root = User.objects.get(username="root")
    assert root.role == Role.ADMIN and root.scope_unit is None


def test_account_list_is_scoped(
    tree, province_officer, upper_officer, outsider, grassroots_officer
):
    listed = client_for(upper_officer).get(reverse("users:list")).context["page_obj"]
    assert {a.username for a in listed} == {"nganhgd", "cdcs"}
    listed = client_for(province_officer).get(reverse("users:list")).context["page_obj"]
    assert {"nganhgd", "cdcs", "yenkhanh", "tinh"} <= {a.username for a in listed}


@pytest.mark.parametrize("name", ["users:edit", "users:password"])
def test_outsider_cannot_open_another_branch_account(tree, outsider, grassroots_officer, name):
    response = client_for(outsider).post(
        reverse(name, args=[grassroots_officer.pk]),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 403
    grassroots_officer.refresh_from_db()
    assert not grassroots_officer.check_password(GOOD_PASSWORD)


@pytest.mark.parametrize("persona", ["grassroots_officer", "leader"])
def test_roles_that_grant_nothing_get_403(tree, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("users:list")).status_code == 403
    assert client.get(reverse("users:create")).status_code == 403


def test_create_form_takes_the_scope_by_code(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("users:create"),
        {
            "username": "cdcs2",
            "last_name": "Trần Văn",
            "first_name": "Nam",
            "email": "",
            "role": Role.GRASSROOTS_OFFICER,
            "scope_unit": "gd-002",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="cdcs2").scope_unit == tree.school_b


def test_create_form_refuses_a_scope_outside_and_mismatched_passwords(tree, upper_officer):
    response = client_for(upper_officer).post(
        reverse("users:create"),
        {
            "username": "cdcs2",
            "role": Role.GRASSROOTS_OFFICER,
            "scope_unit": "YK-001",
            "password1": GOOD_PASSWORD,
            "password2": "khac",
        },
    )
    errors = response.context["form"].errors
    assert "scope_unit" in errors and "password2" in errors
    assert not User.objects.filter(username="cdcs2").exists()


def test_edit_form_deactivates_an_account(tree, province_officer, outsider):
    response = client_for(province_officer).post(
        reverse("users:edit", args=[outsider.pk]),
        {
            "first_name": "",
            "last_name": "",
            "email": "",
            "role": Role.UPPER_OFFICER,
            "scope_unit": "YK",
            "version": outsider.version,
        },
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert not outsider.is_active
