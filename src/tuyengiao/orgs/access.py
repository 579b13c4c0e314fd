"""Who may read and change which unit: the one place scope is decided.

A user's scope is the subtree of `user.scope_unit`; an administrator without one sees all.
Reading reaches every unit that was ever in that subtree (history stays readable by those who
were responsible for it) and units merged into one of them; writing needs the unit to be in the
subtree today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit


def has_whole_tree(user: User) -> bool:
    return user.role == Role.ADMIN and user.scope_unit_id is None


def scope_root_id(user: User) -> int | None:
    """The unit at the top of the user's scope; None means the whole tree (administrators)."""
    if has_whole_tree(user):
        return None
    if user.scope_unit_id is None:
        raise PermissionDenied(_("Your account has no scope yet: ask an administrator."))
    return user.scope_unit_id


def can_read(user: User, unit: OrgUnit) -> bool:
    if not user.is_active:
        return False
    if has_whole_tree(user):
        return True
    if user.scope_unit_id is None:
        return False
    if hierarchy.is_under(user.scope_unit_id, unit.pk):
        return True
    return unit.successor_id is not None and hierarchy.is_under(
        user.scope_unit_id, unit.successor_id
    )


def can_write(user: User, unit: OrgUnit, date: dt.date | None = None) -> bool:
    """Edit a unit's own details: an editing role and the unit in scope today (and on `date`)."""
    if not user.is_active or not user.can_edit:
        return False
    if has_whole_tree(user):
        return True
    if user.scope_unit_id is None:
        return False
    dates = {today()} | ({date} if date else set())
    return all(hierarchy.is_under(user.scope_unit_id, unit.pk, d) for d in dates)


def can_restructure(user: User, unit: OrgUnit, date: dt.date) -> bool:
    """Move, rename, merge, split or dissolve `unit`: strictly below the user's scope unit,
    today and on the effective date. Nobody restructures the unit their own scope hangs from."""
    if not user.can_restructure or not can_write(user, unit, date):
        return False
    return has_whole_tree(user) or unit.pk != user.scope_unit_id


def can_restructure_all(user: User, units: Sequence[OrgUnit], date: dt.date) -> bool:
    """can_restructure for many units at once, in two queries."""
    if not user.is_active or not user.can_restructure:
        return False
    if has_whole_tree(user):
        return True
    scope_id = user.scope_unit_id
    if scope_id is None or any(unit.pk == scope_id for unit in units):
        return False
    ids = {unit.pk for unit in units}
    return all(hierarchy.count_under(scope_id, ids, d) == len(ids) for d in {today(), date})


def can_place_under(user: User, parent: OrgUnit, date: dt.date) -> bool:
    """Attach units under `parent` (the user's scope unit itself included)."""
    return user.can_restructure and can_write(user, parent, date)


def can_manage_plans(user: User, unit: OrgUnit) -> bool:
    """Set the plan of a unit: a restructuring role, and the unit in scope today."""
    return user.can_restructure and can_write(user, unit)


def can_approve(user: User, unit: OrgUnit) -> bool:
    """Approve, return or reopen a unit's reports: an upper level over the unit (a managing
    role, the unit strictly under the user's scope unit). Nobody approves their own reports."""
    if not user.can_restructure or not can_write(user, unit):
        return False
    return has_whole_tree(user) or unit.pk != user.scope_unit_id


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("This unit is outside your scope."))


def can_manage_account(user: User, account: User) -> bool:
    """Change another account: its role is one the user may grant and its scope lies within
    the user's scope today. Nobody changes their own role or scope."""
    if not user.is_active or account.pk == user.pk:
        return False
    if account.role not in user.grantable_roles:
        return False
    return can_grant(user, account.role, account.scope_unit)


def can_grant(user: User, role: str, scope_unit: OrgUnit | None) -> bool:
    """Give `role` over the subtree of `scope_unit` (None: the whole tree, administrators only)."""
    if role not in user.grantable_roles:
        return False
    if scope_unit is None:
        return has_whole_tree(user) and role == Role.ADMIN
    if has_whole_tree(user):
        return True
    if user.scope_unit_id is None:
        return False
    return hierarchy.is_under(user.scope_unit_id, scope_unit.pk, today())
