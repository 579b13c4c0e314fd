"""Reads of the cases opened from online items, scoped to the acting user: all cases (state,
assignee, overdue), "my cases" (assigned to me, overdue first), one case with its steps and
what the user may do with it, and the people it may be given to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.media import monitor_access
from tuyengiao.media.item_case_services import CLOSED, TRANSITIONS
from tuyengiao.media.models_monitoring import OPEN_ITEM_CASES, ItemCase, ItemCaseStep
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit

OPEN = "open"  # the state filter's value for every state still needing work
ASSIGNEES_SHOWN = 500
WEB = ("https://", "http://")


@dataclass(frozen=True)
class CaseFilter:
    state: str = ""  # a state, or "open"
    assignee: int | None = None
    overdue: bool = False


def _open_first(cases: QuerySet[ItemCase]) -> QuerySet[ItemCase]:
    """Open cases before closed ones; among them the earliest due first (so the overdue lead),
    those without a due time after; then the newest."""
    far = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    return cases.annotate(
        closed=Case(
            When(state__in=OPEN_ITEM_CASES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        due_order=Coalesce("due_at", Value(far)),
        late=Case(
            When(overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by("closed", "due_order", "-opened_at", "-id")


def _listed(cases: QuerySet[ItemCase], filters: CaseFilter) -> QuerySet[ItemCase]:
    if filters.state == OPEN:
        cases = cases.filter(state__in=OPEN_ITEM_CASES)
    elif filters.state:
        cases = cases.filter(state=filters.state)
    if filters.assignee is not None:
        cases = cases.filter(assigned_to_id=filters.assignee)
    if filters.overdue:
        cases = cases.filter(overdue_q())
    return _open_first(cases.select_related("item__source", "unit", "assigned_to"))


def overdue_q() -> Q:
    return Q(state__in=OPEN_ITEM_CASES, due_at__lt=timezone.now())


def cases_for_user(user: User, filters: CaseFilter = CaseFilter()) -> QuerySet[ItemCase]:
    """The cases of the units ever under the user's scope, and those assigned to the user."""
    cases = ItemCase.objects.all()
    root = access.scope_root_id(user)
    if root is not None:
        cases = cases.filter(
            Q(unit_id__in=hierarchy.ever_descendant_ids(root)) | Q(assigned_to=user)
        )
    return _listed(cases, filters)


def my_cases(user: User, filters: CaseFilter = CaseFilter()) -> QuerySet[ItemCase]:
    """The cases assigned to the user, open and overdue first."""
    return _listed(ItemCase.objects.filter(assigned_to=user), filters)


def assignees_for_user(user: User) -> QuerySet[User]:
    """The people cases in the user's scope are assigned to (the list's filter)."""
    ids = cases_for_user(user).exclude(assigned_to=None).values("assigned_to_id")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def candidates(unit: OrgUnit) -> QuerySet[User]:
    """Who a case of the unit may be given to: active accounts of a working role whose scope
    lies within the unit's subtree today, collaborators first."""
    below = hierarchy.descendant_ids(unit.pk, today())
    order = Case(
        When(role=monitor_access.ASSIGNABLE_ROLES[0], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        User.objects.filter(
            is_active=True, role__in=monitor_access.ASSIGNABLE_ROLES, scope_unit_id__in=below
        )
        .select_related("scope_unit")
        .annotate(collaborator_first=order)
        .order_by("collaborator_first", "first_name", "last_name", "username")[:ASSIGNEES_SHOWN]
    )


def case_for_user(user: User, case_id: int) -> ItemCase:
    """The gate to one case: 404 if there is none, 403 unless its unit is in the user's scope
    or the case is assigned to the user."""
    case = (
        ItemCase.objects.select_related("item__source", "unit", "assigned_to", "opened_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404(case_id)
    access.require(monitor_access.can_read_case(user, case))
    return case


@dataclass(frozen=True)
class CasePage:
    case: ItemCase
    steps: list[ItemCaseStep]
    can_act: bool  # record steps, move, reopen
    can_assign: bool
    next_states: tuple[str, ...]
    is_closed: bool
    is_overdue: bool
    link: str  # the item's address when it is a web address


def case_page(user: User, case_id: int) -> CasePage:
    case = case_for_user(user, case_id)
    return CasePage(
        case=case,
        steps=list(case.steps.select_related("done_by")),
        can_act=monitor_access.can_act(user, case),
        can_assign=case.state not in CLOSED and monitor_access.can_manage(user, case.unit),
        next_states=TRANSITIONS.get(case.state, ()),
        is_closed=case.state in CLOSED,
        is_overdue=is_overdue(case),
        link=address if (address := case.item.address).lower().startswith(WEB) else "",
    )


def is_overdue(case: ItemCase) -> bool:
    return (
        case.state in OPEN_ITEM_CASES and case.due_at is not None and case.due_at < timezone.now()
    )
