"""Reads of plans, scoped: a user sees the plans of the units above their scope unit (whose
targets their work feeds) and of every unit in their subtree."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import UnitClosure
from tuyengiao.plans.models import Indicator, Plan


def plans_for_user(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("unit")
    root_id = access.scope_root_id(user)
    if root_id is not None:
        above = UnitClosure.objects.filter(descendant_id=root_id, valid_to__gt=today()).values(
            "ancestor_id"
        )
        plans = plans.filter(
            Q(unit_id__in=above) | Q(unit_id__in=hierarchy.descendant_ids(root_id, today()))
        )
    return plans.order_by("-start_year", "code")


def plan_for_user(user: User, code: str) -> Plan:
    """The gate to one plan: 404 if there is none, 403 if the user may not see it."""
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404(code)
    access.require(plans_for_user(user).filter(pk=plan.pk).exists())
    return (
        Plan.objects.select_related("unit")
        .prefetch_related(
            "tasks",
            Prefetch(
                "indicators", Indicator.objects.select_related("task").prefetch_related("targets")
            ),
        )
        .get(pk=plan.pk)
    )
