"""Reads of cases, scoped to the acting user: the list (search, filters), one case with its
timeline and what the user may do with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting.models import Report
from tuyengiao.voice.models import OPEN_STATES, SITUATION_FORM, Case, CaseAction


@dataclass(frozen=True)
class CaseFilter:
    query: str = ""
    status: str = ""  # a status, or "active" for every state still needing work
    kind: str = ""
    unit: OrgUnit | None = None  # cases of the unions under it
    handled_by: OrgUnit | None = None  # cases now in its hands


def cases_for_user(user: User, filters: CaseFilter = CaseFilter()) -> QuerySet[Case]:
    """The cases of the unions ever under the user's scope, or in the hands of a unit there."""
    cases = Case.objects.select_related("unit", "handled_by", "enterprise")
    root = access.scope_root_id(user)
    if root is not None:
        below = hierarchy.ever_descendant_ids(root)
        cases = cases.filter(Q(unit_id__in=below) | Q(handled_by_id__in=below))
    if filters.unit is not None:
        cases = cases.filter(unit_id__in=hierarchy.ever_descendant_ids(filters.unit.pk))
    if filters.handled_by is not None:
        cases = cases.filter(handled_by=filters.handled_by)
    if filters.status == "active":
        cases = cases.filter(status__in=OPEN_STATES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    for term in search_terms(filters.query):
        cases = cases.filter(search_key__contains=term)
    return cases.order_by("-started_on", "-id")


def source_report_for_user(user: User, report_id: str) -> Report | None:
    """The situation report a case is opened from, if there is one and the user may read it
    (403 otherwise)."""
    if not report_id.isdigit():
        return None
    report = (
        Report.objects.select_related("unit", "dataset", "period")
        .filter(pk=int(report_id), dataset__code=SITUATION_FORM)
        .first()
    )
    if report is not None:
        access.require(access.can_read(user, report.unit))
    return report


@dataclass(frozen=True)
class CasePage:
    case: Case
    timeline: list[CaseAction]
    can_act: bool  # record steps, edit, resolve, reopen
    can_escalate: bool


def case_for_user(user: User, case_id: int) -> Case:
    """The gate to one case: 404 if there is none, 403 if neither its union nor the level
    handling it is in the user's scope."""
    case = (
        Case.objects.select_related("unit__enterprise", "handled_by", "enterprise", "report")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404(case_id)
    access.require(access.can_read(user, case.unit) or access.can_read(user, case.handled_by))
    return case


def case_page(user: User, case_id: int) -> CasePage:
    case = case_for_user(user, case_id)
    can_act = access.can_write(user, case.unit) or access.can_write(user, case.handled_by)
    timeline = list(case.actions.select_related("unit", "recorded_by").order_by("done_on", "id"))
    return CasePage(
        case=case,
        timeline=timeline,
        can_act=can_act,
        can_escalate=case.is_open and access.can_write(user, case.handled_by),
    )
