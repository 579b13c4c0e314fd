"""The people registry: register, edit, deactivate, list, export — through the pages."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import escape
from openpyxl import load_workbook

from tests.conftest import Tree, client_for
from tuyengiao.accounts.models import User
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.services import CONFLICT
from tuyengiao.orgs import people_services
from tuyengiao.orgs.models import OrgUnit, Person, PersonRoleKind
from tuyengiao.orgs.people_forms import PersonForm
from tuyengiao.orgs.people_services import person_create, person_update

SINCE = dt.date(2024, 3, 1)


def _person(unit: OrgUnit, name: str = "Nguyễn Văn An", **extra: Any) -> Person:
    fields: dict[str, Any] = {
        "sex": "male",
        "position": "Chủ tịch công đoàn",
        "phone": "0912 345 678",
        "email": "an@example.org",
        "roles": {PersonRoleKind.REPORTER: SINCE},
    }
    fields.update(extra)
    return person_create(None, full_name=name, unit=unit, **fields)


def _form_data(unit: OrgUnit, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Trần Thị Bình",
        "sex": "female",
        "unit": unit.pk,
        "position": "Phó chủ tịch",
        "phone": "+84 912 000 111",
        "email": "binh@example.org",
        "role_reporter": "on",
        "since_reporter": "01/03/2024",
        "role_rebuttal_team": "on",
        "since_rebuttal_team": "15/06/2025",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _edit_data(person: Person, **overrides: Any) -> dict[str, Any]:
    data = _form_data(
        person.unit,
        full_name=person.full_name,
        sex=person.sex,
        position=person.position,
        phone=person.phone,
        email=person.email,
    )
    data["version"] = person.version
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("people:list"), params)
    assert response.status_code == 200
    return [p.full_name for p in response.context["page_obj"].object_list]


# --- create -------------------------------------------------------------------------------------


def test_officer_registers_a_person_with_roles_and_it_is_audited(
    tree: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)
    assert client.get(reverse("people:create")).status_code == 200

    response = client.post(
        reverse("people:create"), _form_data(tree.school_a, full_name="  Trần   Thị Bình ")
    )

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"person_id": person.pk})
    assert person.full_name == "Trần Thị Bình"
    assert person.search_key == "tran thi binh"
    assert person.unit == tree.school_a
    assert dict(person.roles.values_list("role", "since")) == {
        "reporter": dt.date(2024, 3, 1),
        "rebuttal_team": dt.date(2025, 6, 15),
    }
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.actor == upper_officer
    assert entry.unit == tree.school_a
    assert entry.after is not None
    assert entry.after["unit"] == "GD-001"
    assert entry.after["roles"] == {"rebuttal_team": "2025-06-15", "reporter": "2024-03-01"}


def test_detail_page_shows_the_person_their_unit_and_roles(tree: Tree, upper_officer: User) -> None:
    person = _person(tree.school_a)

    response = client_for(upper_officer).get(
        reverse("people:detail", kwargs={"person_id": person.pk})
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html
    assert reverse("orgs:unit", kwargs={"code": "GD-001"}) in html
    assert "01/03/2024" in html
    assert [r.role for r in response.context["page"].roles] == ["reporter"]
    assert reverse("people:edit", kwargs={"person_id": person.pk}) in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "   "}, "full_name"),
        ({"phone": "09-12-34"}, "phone"),
        ({"phone": "0912 abc 678"}, "phone"),
        ({"phone": "12345678"}, "phone"),
        ({"phone": "1234567890123456"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"sex": None}, "sex"),
        ({"since_reporter": ""}, "since_reporter"),
        ({"since_reporter": "31/02/2024"}, "since_reporter"),
    ],
)
def test_invalid_input_is_shown_next_to_its_field_and_nothing_is_saved(
    tree: Tree, upper_officer: User, overrides: dict[str, Any], field: str
) -> None:
    response = client_for(upper_officer).post(
        reverse("people:create"), _form_data(tree.school_a, **overrides)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert NON_FIELD_ERRORS not in form.errors
    html = response.content.decode()
    assert all(escape(message) in html for message in form.errors[field])
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action="person.create").exists()


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84 912 345 678", ""])
def test_phone_accepts_digits_spaces_and_plus(tree: Tree, phone: str) -> None:
    assert _person(tree.school_a, phone=phone).phone == phone


def test_service_error_messages_go_through_gettext(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people_services, "_", lambda text: f"«{text}»")

    with pytest.raises(ValidationError) as refused:
        _person(tree.school_a, phone="abc")

    (message,) = refused.value.message_dict["phone"]
    assert message.startswith("«Enter a phone number")


def test_form_messages_are_lazy_translations() -> None:
    fields = PersonForm.base_fields
    assert isinstance(fields["full_name"].error_messages["required"], Promise)
    assert isinstance(fields["unit"].error_messages["invalid_choice"], Promise)


def test_unit_outside_the_users_writing_scope_is_not_a_valid_choice(
    tree: Tree, grassroots_officer: User
) -> None:
    response = client_for(grassroots_officer).post(
        reverse("people:create"), _form_data(tree.school_b)
    )

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Person.objects.exists()


def test_the_only_unit_a_grassroots_officer_has_is_preselected(
    tree: Tree, grassroots_officer: User
) -> None:
    response = client_for(grassroots_officer).get(reverse("people:create"))

    form = response.context["form"]
    assert form["unit"].value() == tree.school_a.pk
    assert [u.code for u in form.fields["unit"].queryset] == ["GD-001"]


def test_read_only_leader_cannot_create(tree: Tree, leader: User) -> None:
    client = client_for(leader)

    assert client.get(reverse("people:create")).status_code == 403
    assert client.post(reverse("people:create"), _form_data(tree.school_a)).status_code == 403
    assert not Person.objects.exists()


# --- edit and optimistic locking ----------------------------------------------------------------


def test_officer_edits_details_roles_and_unit(tree: Tree, upper_officer: User) -> None:
    person = _person(tree.school_a)
    client = client_for(upper_officer)
    url = reverse("people:edit", kwargs={"person_id": person.pk})
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _edit_data(
            person,
            full_name="Nguyễn Văn Ân",
            unit=tree.school_b.pk,
            role_reporter=None,
            since_reporter=None,
            role_propagandist="on",
            since_propagandist="02/01/2026",
        ),
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn Ân"
    assert person.search_key == "nguyen van an"
    assert person.unit == tree.school_b
    assert person.version == 2
    assert dict(person.roles.values_list("role", "since")) == {
        "propagandist": dt.date(2026, 1, 2),
        "rebuttal_team": dt.date(2025, 6, 15),
    }
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.before is not None and entry.after is not None
    assert entry.before["unit"] == "GD-001"
    assert entry.after["unit"] == "GD-002"
    assert entry.before["roles"] == {"reporter": "2024-03-01"}


def test_second_save_from_the_same_version_is_refused_and_the_first_stays(
    tree: Tree, upper_officer: User, province_officer: User
) -> None:
    person = _person(tree.school_a)
    url = reverse("people:edit", kwargs={"person_id": person.pk})
    first, second = client_for(upper_officer), client_for(province_officer)
    loaded = _edit_data(person)  # both opened the form at version 1

    assert first.post(url, {**loaded, "position": "Chủ tịch"}).status_code == 302
    response = second.post(url, {**loaded, "position": "Ủy viên"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error(NON_FIELD_ERRORS, code=CONFLICT)
    person.refresh_from_db()
    assert person.position == "Chủ tịch"
    assert person.version == 2
    assert AuditEntry.objects.filter(action="person.update").count() == 1


def test_service_refuses_a_stale_version(tree: Tree, upper_officer: User) -> None:
    person = _person(tree.school_a)
    kwargs: dict[str, Any] = {
        "full_name": person.full_name,
        "sex": person.sex,
        "unit": person.unit,
        "phone": "",
    }
    person_update(upper_officer, person=person, expected_version=1, position="A", **kwargs)

    with pytest.raises(ValidationError) as refused:
        person_update(upper_officer, person=person, expected_version=1, position="B", **kwargs)

    assert refused.value.code == CONFLICT
    person.refresh_from_db()
    assert (person.position, person.version) == ("A", 2)


def test_two_saves_that_both_passed_the_version_check_cannot_both_win(
    tree: Tree, upper_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two transactions that read version 1 before either wrote: only one write lands."""
    person = _person(tree.school_a)

    def read_without_lock(actor: User | None, person: Person, expected_version: int) -> Person:
        stored = Person.objects.select_related("unit").get(pk=person.pk)
        stored.version = expected_version  # as read before the other save committed
        return stored

    monkeypatch.setattr(people_services, "_locked", read_without_lock)
    kwargs: dict[str, Any] = {
        "full_name": person.full_name,
        "sex": person.sex,
        "unit": tree.school_a,
    }
    person_update(upper_officer, person=person, expected_version=1, position="A", **kwargs)

    with pytest.raises(ValidationError) as refused:
        person_update(upper_officer, person=person, expected_version=1, position="B", **kwargs)

    assert refused.value.code == CONFLICT
    person.refresh_from_db()
    assert (person.position, person.version) == ("A", 2)


def test_moving_a_person_needs_write_access_to_the_new_unit(
    tree: Tree, upper_officer: User
) -> None:
    person = _person(tree.school_a)

    with pytest.raises(PermissionDenied):
        person_update(
            upper_officer,
            person=person,
            expected_version=1,
            full_name=person.full_name,
            sex=person.sex,
            unit=tree.garment,
        )

    person.refresh_from_db()
    assert (person.unit, person.version) == (tree.school_a, 1)


def test_read_only_leader_sees_the_person_but_cannot_edit(tree: Tree, leader: User) -> None:
    person = _person(tree.school_a)
    client = client_for(leader)

    detail = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    edit_url = reverse("people:edit", kwargs={"person_id": person.pk})

    assert detail.status_code == 200
    assert edit_url not in detail.content.decode()
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, _edit_data(person, position="X")).status_code == 403
    person.refresh_from_db()
    assert person.version == 1


# --- deactivate ---------------------------------------------------------------------------------


def test_officer_deactivates_a_person_with_a_reason(tree: Tree, upper_officer: User) -> None:
    person = _person(tree.school_a)
    client = client_for(upper_officer)
    url = reverse("people:deactivate", kwargs={"person_id": person.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"version": 1, "reason": "Nghỉ hưu từ 01/01/2026"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert person.roles.count() == 1  # kept for history
    entry = AuditEntry.objects.get(action="person.deactivate")
    assert entry.reason == "Nghỉ hưu từ 01/01/2026"
    assert entry.before is not None and entry.before["is_active"] is True
    assert "Nguyễn Văn An" not in _listed(client)
    detail = client.get(reverse("people:detail", kwargs={"person_id": person.pk}))
    assert url not in detail.content.decode()


def test_deactivation_needs_a_reason(tree: Tree, upper_officer: User) -> None:
    person = _person(tree.school_a)

    response = client_for(upper_officer).post(
        reverse("people:deactivate", kwargs={"person_id": person.pk}),
        {"version": 1, "reason": "  "},
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    person.refresh_from_db()
    assert person.is_active


# --- scope --------------------------------------------------------------------------------------


def test_outsider_is_refused_on_another_branchs_person_and_nothing_changes(
    tree: Tree, outsider: User
) -> None:
    person = _person(tree.school_a)
    audit_count = AuditEntry.objects.count()
    client = client_for(outsider)
    pages = {
        name: reverse(f"people:{name}", kwargs={"person_id": person.pk})
        for name in ("detail", "edit", "deactivate")
    }

    assert client.get(pages["detail"]).status_code == 403
    assert client.get(pages["edit"]).status_code == 403
    assert client.post(pages["edit"], _edit_data(person, full_name="Đã sửa")).status_code == 403
    assert client.get(pages["deactivate"]).status_code == 403
    assert client.post(pages["deactivate"], {"version": 1, "reason": "x"}).status_code == 403

    person.refresh_from_db()
    assert (person.full_name, person.is_active, person.version) == ("Nguyễn Văn An", True, 1)
    assert AuditEntry.objects.count() == audit_count


def test_outsider_cannot_register_a_person_in_another_branch(tree: Tree, outsider: User) -> None:
    response = client_for(outsider).post(reverse("people:create"), _form_data(tree.school_a))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Person.objects.exists()
    with pytest.raises(PermissionDenied):
        person_create(outsider, full_name="Lê Văn C", sex="male", unit=tree.school_a)


def test_outsider_list_and_export_leave_out_another_branch(tree: Tree, outsider: User) -> None:
    _person(tree.school_a, "Nguyễn Văn An")
    _person(tree.garment, "Phạm Thị Dung", sex="female")
    client = client_for(outsider)

    assert _listed(client) == ["Phạm Thị Dung"]
    assert _listed(client, unit="GD-001") == []
    response = client.get(reverse("people:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Phạm Thị Dung"]


def test_unknown_person_is_404(upper_officer: User) -> None:
    response = client_for(upper_officer).get(reverse("people:detail", kwargs={"person_id": 999}))
    assert response.status_code == 404


# --- list, search, export -----------------------------------------------------------------------


def test_search_without_diacritics_finds_the_name(tree: Tree, upper_officer: User) -> None:
    _person(tree.school_a, "Nguyễn Văn An")
    _person(tree.school_b, "Đặng Thị Hoà", sex="female")
    client = client_for(upper_officer)

    assert _listed(client, q="nguyen van") == ["Nguyễn Văn An"]
    assert _listed(client, q="DANG hoa") == ["Đặng Thị Hoà"]
    assert _listed(client, q="nguyễn văn") == ["Nguyễn Văn An"]


def test_list_filters_by_role_and_by_unit(tree: Tree, province_officer: User) -> None:
    _person(tree.school_a, "Nguyễn Văn An", roles={PersonRoleKind.REPORTER: SINCE})
    _person(tree.school_b, "Lê Thị Bích", roles={PersonRoleKind.PROPAGANDIST: SINCE})
    _person(tree.education, "Hoàng Văn Cường", roles={})
    client = client_for(province_officer)

    assert _listed(client, role="propagandist") == ["Lê Thị Bích"]
    assert _listed(client, unit="GD-001") == ["Nguyễn Văn An"]
    assert _listed(client, unit="gd") == ["Hoàng Văn Cường"]
    assert _listed(client, unit="GD", below="on") == [
        "Hoàng Văn Cường",
        "Lê Thị Bích",
        "Nguyễn Văn An",
    ]


def test_read_only_leader_sees_the_list_without_the_create_button(tree: Tree, leader: User) -> None:
    _person(tree.school_a)

    response = client_for(leader).get(reverse("people:list"))

    assert response.status_code == 200
    assert [p.full_name for p in response.context["page_obj"].object_list] == ["Nguyễn Văn An"]
    assert reverse("people:create") not in response.content.decode()


def test_export_of_the_filtered_list_is_an_audited_xlsx(tree: Tree, province_officer: User) -> None:
    _person(tree.school_a, "Nguyễn Văn An", roles={PersonRoleKind.REPORTER: SINCE})
    _person(tree.school_b, '=HYPERLINK("x")', roles={PersonRoleKind.REPORTER: SINCE})
    _person(tree.garment, "Phạm Thị Dung", roles={PersonRoleKind.PROPAGANDIST: SINCE})

    response = client_for(province_officer).get(reverse("people:export"), {"role": "reporter"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(str(row[1]) for row in rows) == ['=HYPERLINK("x")', "Nguyễn Văn An"]
    formula_cell = next(c for c in sheet["B"] if c.value == '=HYPERLINK("x")')
    assert formula_cell.data_type == "s"  # text, never a formula
    entry = AuditEntry.objects.get(action="people.export")
    assert entry.actor == province_officer
    assert entry.after == {
        "count": 2,
        "filters": {"query": "", "role": "reporter", "unit": "", "below": False},
    }


def test_list_page_query_count_does_not_grow_with_the_rows(
    tree: Tree,
    upper_officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    roles = {PersonRoleKind.REPORTER: SINCE, PersonRoleKind.PROPAGANDIST: SINCE}
    for index in range(30):
        unit = tree.school_a if index % 2 else tree.school_b
        _person(unit, f"Người Thứ {index:02d}", roles=roles)
    client = client_for(upper_officer)
    client.get(reverse("people:list"))  # warm the session

    with django_assert_max_num_queries(6):
        response = client.get(reverse("people:list"))

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 30
