"""Who may do what with online items, topics and their cases — on top of orgs.access, which
decides the scope. Kept in one place so that the pages, the services and the tests agree.

- Reading an item, a topic or a case: the unit in the reader's scope (orgs.access.can_read);
  a case's assignee also reads the case and its item, whatever their own scope, since the
  work was given to them.
- Labelling, dismissing and restoring items: those who can write the unit's records, and
  the plan's collaborators whose scope covers the unit today — triage is their work.
- Topics, opening a case, assigning it: those who can write the unit's records (a
  province's staff for the province's items).
- Steps and state changes of a case: those, and the case's assignee.
"""

from __future__ import annotations

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.media.models_monitoring import ItemCase
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit

# The roles a case may be given to: those who do work (a leader only reads).
ASSIGNABLE_ROLES = (
    Role.COLLABORATOR,
    Role.PROVINCE_STAFF,
    Role.UPPER_OFFICER,
    Role.GRASSROOTS_OFFICER,
)


def can_manage(user: User, unit: OrgUnit) -> bool:
    """Write topics, open and assign cases for the unit."""
    return access.can_write(user, unit)


def can_triage(user: User, unit: OrgUnit) -> bool:
    """Label, dismiss or restore the unit's items."""
    if access.can_write(user, unit):
        return True
    return (
        user.is_active
        and user.role == Role.COLLABORATOR
        and user.scope_unit_id is not None
        and hierarchy.is_under(user.scope_unit_id, unit.pk, today())
    )


def is_assignee(user: User, case: ItemCase | None) -> bool:
    return case is not None and user.is_active and case.assigned_to_id == user.pk


def can_read_case(user: User, case: ItemCase) -> bool:
    return access.can_read(user, case.unit) or is_assignee(user, case)


def can_act(user: User, case: ItemCase) -> bool:
    """Record steps and move the case through its states."""
    return access.can_write(user, case.unit) or is_assignee(user, case)


def may_be_assigned(user: User, unit: OrgUnit) -> bool:
    """An active account of a working role whose scope lies within the unit's subtree today."""
    return (
        user.is_active
        and user.role in ASSIGNABLE_ROLES
        and user.scope_unit_id is not None
        and hierarchy.is_under(unit.pk, user.scope_unit_id, today())
    )
