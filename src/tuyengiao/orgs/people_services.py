"""Every write to the people registry: register, edit, deactivate, and the audited export.

Each takes the acting user first (None only for system jobs such as demo loading), runs in one
transaction, checks scope, and records an audit entry. Edits carry the version the user loaded:
a save over someone else's newer change is refused instead of silently overwriting it."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, conflict_error, save_versioned
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, Person, PersonRole, PersonRoleKind, Sex
from tuyengiao.orgs.people_selectors import people_for_user

_PHONE_CHARS = re.compile(r"[0-9+ ]+")
PHONE_MIN_DIGITS = 9
PHONE_MAX_DIGITS = 15


def _snapshot(person: Person, roles: Mapping[str, dt.date]) -> dict[str, Any]:
    """What the audit keeps of a person: the registry's own fields, the unit by code."""
    return {
        "full_name": person.full_name,
        "sex": person.sex,
        "unit": person.unit.code,
        "position": person.position,
        "phone": person.phone,
        "email": person.email,
        "is_active": person.is_active,
        "roles": {role: str(since) for role, since in sorted(roles.items())},
    }


def _stored_roles(person: Person) -> dict[str, dt.date]:
    return dict(PersonRole.objects.filter(person=person).values_list("role", "since"))


def _clean_phone(phone: str) -> str:
    phone = clean(phone)
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE_CHARS.fullmatch(phone) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise ValidationError(
            {
                "phone": _(
                    "Enter a phone number of %(min)d to %(max)d digits; only digits, spaces "
                    "and + are allowed."
                )
                % {"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS}
            }
        )
    return phone


def _clean_roles(roles: Mapping[str, dt.date] | None) -> dict[str, dt.date]:
    roles = dict(roles or {})
    unknown = sorted(set(roles) - set(PersonRoleKind.values))
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}}
        )
    for role, since in roles.items():
        if not isinstance(since, dt.date):
            raise ValidationError(
                {
                    "roles": _("Enter the date since when the person is %(role)s.")
                    % {"role": PersonRoleKind(role).label}
                }
            )
    return roles


def _check_unit(unit: OrgUnit) -> None:
    if unit.valid_to <= today():
        raise ValidationError(
            {
                "unit": _("%(unit)s has been dissolved; choose the unit the person works in now.")
                % {"unit": unit.name}
            }
        )


def _apply(
    person: Person,
    *,
    full_name: str,
    sex: str,
    unit: OrgUnit,
    position: str,
    phone: str,
    email: str,
) -> None:
    """Normalise and validate the fields onto `person` (not saved)."""
    full_name = clean(full_name)
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Enter the person's full name.")]
    try:
        phone = _clean_phone(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _check_unit(unit)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    person.full_name = full_name
    person.search_key = search_key(full_name)
    person.sex = sex
    person.unit = unit
    person.position = clean(position)
    person.phone = phone
    person.email = clean(email).lower()
    try:
        person.full_clean(exclude=["version", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _save_roles(person: Person, roles: Mapping[str, dt.date]) -> None:
    current = {r.role: r for r in PersonRole.objects.filter(person=person)}
    PersonRole.objects.filter(person=person).exclude(role__in=list(roles)).delete()
    for role, since in roles.items():
        existing = current.get(role)
        if existing is None:
            PersonRole.objects.create(person=person, role=role, since=since)
        elif existing.since != since:
            existing.since = since
            existing.save(update_fields=["since"])


def _locked(actor: User | None, person: Person, expected_version: int) -> Person:
    """The stored row, locked for the transaction, if the actor may change it where it is now;
    refused if it moved past `expected_version`."""
    stored = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    access.require(actor is None or access.can_write(actor, stored.unit))
    if stored.version != expected_version:
        raise conflict_error()
    return stored


@transaction.atomic
def person_create(
    actor: User | None,
    *,
    full_name: str,
    sex: str,
    unit: OrgUnit,
    position: str = "",
    phone: str = "",
    email: str = "",
    roles: Mapping[str, dt.date] | None = None,
) -> Person:
    """Register a person in `unit` with their roles and the date each started."""
    access.require(actor is None or access.can_write(actor, unit))
    person = Person()
    _apply(
        person,
        full_name=full_name,
        sex=sex,
        unit=unit,
        position=position,
        phone=phone,
        email=email,
    )
    clean_roles = _clean_roles(roles)
    person.save()
    _save_roles(person, clean_roles)
    audit_record(
        actor,
        action="person.create",
        obj=person,
        unit=person.unit,
        after=_snapshot(person, clean_roles),
    )
    return person


@transaction.atomic
def person_update(
    actor: User | None,
    *,
    person: Person,
    expected_version: int,
    full_name: str,
    sex: str,
    unit: OrgUnit,
    position: str = "",
    phone: str = "",
    email: str = "",
    roles: Mapping[str, dt.date] | None = None,
) -> Person:
    """Change a person's details and roles; moving them to another unit needs write access to
    both units. Refused if the record changed since the user loaded `expected_version`."""
    stored = _locked(actor, person, expected_version)
    if unit.pk != stored.unit_id:
        access.require(actor is None or access.can_write(actor, unit))
    if not stored.is_active:
        raise ValidationError(
            _("This person has been deactivated; their record is kept for history only.")
        )
    before = _snapshot(stored, _stored_roles(stored))
    _apply(
        stored,
        full_name=full_name,
        sex=sex,
        unit=unit,
        position=position,
        phone=phone,
        email=email,
    )
    clean_roles = _clean_roles(roles)
    save_versioned(
        stored,
        expected_version,
        ["full_name", "search_key", "sex", "unit", "position", "phone", "email"],
    )
    _save_roles(stored, clean_roles)
    audit_record(
        actor,
        action="person.update",
        obj=stored,
        unit=stored.unit,
        before=before,
        after=_snapshot(stored, clean_roles),
    )
    return stored


@transaction.atomic
def person_deactivate(
    actor: User | None, *, person: Person, expected_version: int, reason: str
) -> Person:
    """Take a person off the registry (retired, moved away); the record and roles stay for
    history and the audit log keeps the reason."""
    stored = _locked(actor, person, expected_version)
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason, for example retirement or a move to another job.")}
        )
    if not stored.is_active:
        raise ValidationError(_("This person has already been deactivated."))
    roles = _stored_roles(stored)
    before = _snapshot(stored, roles)
    stored.is_active = False
    save_versioned(stored, expected_version, ["is_active"])
    audit_record(
        actor,
        action="person.deactivate",
        obj=stored,
        unit=stored.unit,
        before=before,
        after=_snapshot(stored, roles),
        reason=reason,
    )
    return stored


# --- export -----------------------------------------------------------------------------------


@dataclass
class PeopleExport:
    content: bytes
    count: int
    filename: str


def _text(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    # Forced to text: a name or position typed as "=..." must never become a formula.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _date(sheet: WriteOnlyWorksheet, value: dt.date | None) -> Cell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet)
    cell.value = value
    cell.number_format = "DD/MM/YYYY"
    return cell


def _workbook(people: Iterable[Person]) -> tuple[bytes, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Officials"))
    sex_labels = dict(Sex.choices)
    header = [
        _("No."),
        _("Full name"),
        _("Sex"),
        _("Unit code"),
        _("Unit"),
        _("Position"),
        _("Work phone"),
        _("Work email"),
        *(_("%(role)s since") % {"role": label} for label in PersonRoleKind.labels),
    ]
    sheet.append([_text(sheet, str(title)) for title in header])
    count = 0
    for person in people:
        count += 1
        since = {r.role: r.since for r in person.roles.all()}
        sheet.append(
            [
                count,
                _text(sheet, person.full_name),
                _text(sheet, str(sex_labels.get(person.sex, person.sex))),
                _text(sheet, person.unit.code),
                _text(sheet, person.unit.name),
                _text(sheet, person.position),
                _text(sheet, person.phone),
                _text(sheet, person.email),
                *(_date(sheet, since.get(role)) for role in PersonRoleKind.values),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


@transaction.atomic
def people_export(
    actor: User, *, query: str = "", role: str = "", unit_code: str = "", below: bool = False
) -> PeopleExport:
    """The filtered registry as .xlsx; personal data leaving the system is audited."""
    people = people_for_user(actor, query=query, role=role, unit_code=unit_code, below=below)
    content, count = _workbook(people.iterator(chunk_size=2000))
    filters = {"query": query, "role": role, "unit": unit_code, "below": below}
    scope_unit = actor.scope_unit
    audit_record(
        actor,
        action="people.export",
        obj=scope_unit if scope_unit is not None else actor,
        unit=scope_unit,
        after={"count": count, "filters": filters},
    )
    filename = f"can-bo-cong-doan-{today():%Y%m%d}.xlsx"
    return PeopleExport(content=content, count=count, filename=filename)
