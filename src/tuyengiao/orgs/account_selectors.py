"""Reads of accounts, scoped: an officer sees the accounts whose scope lies in their subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import units_for_choice


def can_manage_accounts(user: User) -> bool:
    return bool(user.grantable_roles)


def accounts_for_user(user: User, *, query: str = "", role: str = "") -> QuerySet[User]:
    access.require(can_manage_accounts(user))
    accounts = User.objects.select_related("scope_unit")
    root_id = access.scope_root_id(user)
    if root_id is not None:
        accounts = accounts.filter(scope_unit_id__in=hierarchy.descendant_ids(root_id, today()))
    for term in query.split():
        accounts = accounts.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(scope_unit__code__iexact=term)
        )
    if role in Role.values:
        accounts = accounts.filter(role=role)
    return accounts.order_by("username")


def account_for_user(user: User, account_id: int) -> User:
    """The gate to one account: 404 if none, 403 unless the user may manage it."""
    account = User.objects.select_related("scope_unit").filter(pk=account_id).first()
    if account is None:
        raise Http404(str(account_id))
    access.require(access.can_manage_account(user, account))
    return account


def scope_choices(user: User) -> QuerySet[OrgUnit]:
    """Units an account made by `user` may be scoped to."""
    return units_for_choice(user, today())
