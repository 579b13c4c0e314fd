"""Writes to accounts: create, change role/scope/activity, set a password. Scoped like
everything else: an officer manages the accounts inside their subtree, with the roles their own
role may grant (accounts.models.GRANTABLE_ROLES)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit

ACCOUNT_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "scope_unit_id",
    "is_active",
]


def _check_grant(actor: User, role: str, scope_unit: OrgUnit | None) -> None:
    if role not in actor.grantable_roles:
        raise ValidationError({"role": _("You may not give this role.")})
    if scope_unit is None and role != "admin":
        raise ValidationError({"scope_unit": _("Choose the unit this account is responsible for.")})
    access.require(access.can_grant(actor, role, scope_unit))


def _password(account: User, password: str) -> None:
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    account.set_password(password)


@transaction.atomic
def account_create(
    actor: User,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    scope_unit: OrgUnit | None,
    password: str,
) -> User:
    _check_grant(actor, role, scope_unit)
    username = clean(username).lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    account = User(
        username=username,
        first_name=clean(first_name),
        last_name=clean(last_name),
        email=email.strip(),
        role=role,
        scope_unit=scope_unit,
    )
    _password(account, password)
    account.full_clean()
    account.save()
    audit_record(
        actor,
        action="account.create",
        obj=account,
        unit=scope_unit,
        after=snapshot(account, ACCOUNT_FIELDS),
    )
    return account


@transaction.atomic
def account_update(
    actor: User,
    *,
    account: User,
    expected_version: int,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    scope_unit: OrgUnit | None,
    is_active: bool,
    reason: str = "",
) -> User:
    """Change an account; refused if it changed since the form was loaded."""
    stored = User.objects.select_for_update().get(pk=account.pk)
    access.require(access.can_manage_account(actor, stored))
    check_version(stored, expected_version)
    _check_grant(actor, role, scope_unit)
    before = snapshot(stored, ACCOUNT_FIELDS)
    stored.first_name, stored.last_name = clean(first_name), clean(last_name)
    stored.email, stored.role = email.strip(), role
    stored.scope_unit, stored.is_active = scope_unit, is_active
    stored.full_clean()
    save_versioned(
        stored,
        expected_version,
        ["first_name", "last_name", "email", "role", "scope_unit", "is_active"],
    )
    audit_record(
        actor,
        action="account.update",
        obj=stored,
        unit=scope_unit,
        before=before,
        after=snapshot(stored, ACCOUNT_FIELDS),
        reason=reason,
    )
    return stored


@transaction.atomic
def account_set_password(actor: User, *, account: User, password: str) -> User:
    stored = User.objects.select_for_update().get(pk=account.pk)
    access.require(access.can_manage_account(actor, stored))
    _password(stored, password)
    stored.save(update_fields=["password"])
    # The audit says that it changed, never what it is.
    audit_record(actor, action="account.password", obj=stored, unit=stored.scope_unit)
    return stored
