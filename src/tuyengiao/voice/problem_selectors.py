"""Reads of implementation problems, scoped to the acting user: the list (search, status), one
problem and what the user may do with it, and who answers a unit's problems (the provincial
department over it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.voice.models import Problem, ProblemStatus


def province_over(unit: OrgUnit, date: dt.date | None = None) -> OrgUnit | None:
    """The provincial federation strictly above `unit` on `date` (today by default): the one
    whose propaganda department its problems go to. None for a province itself or above."""
    chain = hierarchy.ancestors(unit.pk, date or today())
    provinces = [v.unit for v in chain if v.unit.kind == UnitKind.PROVINCE]
    return provinces[-1] if provinces else None


def province_of(problem: Problem) -> OrgUnit | None:
    """The province answering a problem: over its unit today, or, for a unit gone since, on
    the day it was reported."""
    return province_over(problem.unit) or province_over(
        problem.unit, timezone.localdate(problem.reported_at)
    )


def can_answer(user: User, province: OrgUnit | None) -> bool:
    """Answer or forward the problems sent to `province`: those who manage its plan (a
    managing role with the province in scope today: its own staff, administrators)."""
    return province is not None and access.can_manage_plans(user, province)


def can_edit(user: User, problem: Problem, province: OrgUnit | None) -> bool:
    """Change the text of a problem: the reporting side (those who can write the unit's
    records). The department answering it does not rewrite what it was asked, unless it
    reported the problem itself."""
    if not access.can_write(user, problem.unit):
        return False
    return problem.reported_by_id == user.pk or not can_answer(user, province)


@dataclass(frozen=True)
class ProblemFilter:
    query: str = ""
    status: str = ""


def problems_for_user(user: User, filters: ProblemFilter = ProblemFilter()) -> QuerySet[Problem]:
    """The problems of the units ever under the user's scope, newest first."""
    problems = Problem.objects.select_related("unit")
    root = access.scope_root_id(user)
    if root is not None:
        problems = problems.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    if filters.status in ProblemStatus.values:
        problems = problems.filter(status=filters.status)
    for term in search_terms(filters.query):
        problems = problems.filter(search_key__contains=term)
    return problems.order_by("-reported_at", "-id")


def problem_for_user(user: User, problem_id: int) -> Problem:
    """The gate to one problem: 404 if there is none, 403 if its unit is outside the user's
    scope."""
    problem = (
        Problem.objects.select_related("unit", "reported_by", "answered_by")
        .filter(pk=problem_id)
        .first()
    )
    if problem is None:
        raise Http404(problem_id)
    access.require(access.can_read(user, problem.unit))
    return problem


@dataclass(frozen=True)
class ProblemPage:
    problem: Problem
    province: OrgUnit | None
    can_edit: bool  # the reporting side, while the problem waits
    can_answer: bool  # the province, while the problem waits


def problem_page(user: User, problem_id: int) -> ProblemPage:
    problem = problem_for_user(user, problem_id)
    province = province_of(problem)
    waiting = problem.status == ProblemStatus.SENT
    return ProblemPage(
        problem=problem,
        province=province,
        can_edit=waiting and can_edit(user, problem, province),
        can_answer=waiting and can_answer(user, province),
    )
