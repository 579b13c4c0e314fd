"""Reads of plans, scoped: a user sees the plans of the units above their scope unit (whose
targets their work feeds) and of every unit in their subtree. `targets_for` gives the targets in
force for a plan, inherited ones included: read targets through it, never `Target` rows alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.formats import number_format

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitVersion
from tuyengiao.orgs.selectors import units_for_choice
from tuyengiao.plans.models import Direction, Indicator, Plan, PlanTask, Target

TargetKey = tuple[str, int | None]
"""(indicator code, year), the year None for the whole term."""


def plans_for_user(user: User, *, query: str = "", parent: str = "") -> QuerySet[Plan]:
    """The plans the user may read; `query` matches code, title or unit (without diacritics),
    `parent` keeps the plans adopted from the plan with that code."""
    plans = Plan.objects.select_related("unit", "parent")
    root_id = access.scope_root_id(user)
    if root_id is not None:
        above = UnitClosure.objects.filter(descendant_id=root_id, valid_to__gt=today()).values(
            "ancestor_id"
        )
        plans = plans.filter(
            Q(unit_id__in=above) | Q(unit_id__in=hierarchy.descendant_ids(root_id, today()))
        )
    for term in search_terms(query):
        units = UnitVersion.objects.filter(search_key__contains=term, **valid_on(today()))
        plans = plans.filter(Q(search_key__contains=term) | Q(unit_id__in=units.values("unit_id")))
    if parent:
        plans = plans.filter(parent__code=parent)
    return plans.order_by("-start_year", "code")


def plan_for_user(user: User, code: str) -> Plan:
    """The gate to one plan: 404 if there is none, 403 if the user may not see it."""
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404(code)
    access.require(plans_for_user(user).filter(pk=plan.pk).exists())
    return (
        Plan.objects.select_related("unit", "parent", "parent__unit")
        .prefetch_related(
            "tasks",
            Prefetch(
                "indicators", Indicator.objects.select_related("task").prefetch_related("targets")
            ),
        )
        .get(pk=plan.pk)
    )


def plan_to_manage(user: User, code: str) -> Plan:
    """The gate for changing a plan: readable, and the user manages the plans of its unit."""
    plan = plan_for_user(user, code)
    access.require(access.can_manage_plans(user, plan.unit))
    return plan


def units_for_new_plan(user: User) -> QuerySet[OrgUnit]:
    """The upper-level units the user may make a plan for."""
    if not user.can_restructure:
        return OrgUnit.objects.none()
    return units_for_choice(user, today(), upper_only=True)


def adopt_candidates(user: User, plan: Plan) -> QuerySet[OrgUnit]:
    """Upper-level units in the user's scope, strictly under the plan's unit, that have not
    adopted the plan yet."""
    under = hierarchy.descendant_ids(plan.unit_id, today(), include_self=False)
    return units_for_new_plan(user).filter(id__in=under).exclude(plans__parent=plan)


def _tidy(value: Decimal) -> Decimal:
    """90.00 → 90, 92.50 → 92.5 (normalize alone would give 9E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def tidy(value: Decimal | None) -> Decimal | None:
    return None if value is None else _tidy(value)


def plain(value: Decimal) -> str:
    """A target as people write it, in the active language: 90, 92,5."""
    return number_format(_tidy(value))


def _stricter(direction: str, own: Decimal, above: Decimal) -> Decimal:
    return max(own, above) if direction == Direction.AT_LEAST else min(own, above)


def targets_for(plan: Plan) -> dict[TargetKey, Decimal]:
    """The targets in force for `plan`: its own, and for an inherited indicator the parent's
    (resolved the same way, up the cascade) unless the plan raised it — a raise never weaker
    than the parent's current target, so a parent raised later above a child's raise wins."""
    chain = [plan]
    while chain[-1].parent_id is not None:
        chain.append(Plan.objects.get(pk=chain[-1].parent_id))
    resolved: dict[TargetKey, Decimal] = {}
    for level in reversed(chain):
        indicators = {i.code: i for i in Indicator.objects.filter(plan=level)}
        own = {
            (code, year): value
            for code, year, value in Target.objects.filter(indicator__plan=level).values_list(
                "indicator__code", "year", "value"
            )
        }
        above, resolved = resolved, dict(own)
        for key, value in above.items():
            indicator = indicators.get(key[0])
            if indicator is None or not indicator.inherited:
                continue
            mine = own.get(key)
            resolved[key] = value if mine is None else _stricter(indicator.direction, mine, value)
    return resolved


@dataclass
class Cell:
    year: int | None
    value: Decimal | None
    parent_value: Decimal | None = None
    raised: bool = False


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Cell]

    @property
    def year_cells(self) -> list[Cell]:
        return self.cells[:-1]

    @property
    def term_cell(self) -> Cell:
        return self.cells[-1]


@dataclass
class PlanPage:
    plan: Plan
    rows: list[IndicatorRow]
    tasks: list[PlanTask]
    years: list[int]
    can_manage: bool
    candidates: list[OrgUnit]
    adopted_count: int
    own_adoptions: list[Plan] = field(default_factory=list)

    @property
    def own_tasks(self) -> list[PlanTask]:
        return [t for t in self.tasks if not t.inherited]

    @property
    def own_indicators(self) -> list[Indicator]:
        return [r.indicator for r in self.rows if not r.indicator.inherited]


def indicator_rows(plan: Plan) -> list[IndicatorRow]:
    """Each indicator with its targets by year and for the term: the target in force, the
    parent's, and whether this plan raised it."""
    effective = targets_for(plan)
    above = targets_for(plan.parent) if plan.parent else {}
    stored = set(Target.objects.filter(indicator__plan=plan).values_list("indicator__code", "year"))
    rows = []
    for indicator in plan.indicators.select_related("task"):
        cells = []
        for year in [*plan.years, None]:
            key = (indicator.code, year)
            parent_value = above.get(key) if indicator.inherited else None
            value = effective.get(key)
            raised = indicator.inherited and key in stored and value != parent_value
            cells.append(Cell(year, tidy(value), tidy(parent_value), raised))
        rows.append(IndicatorRow(indicator, cells))
    return rows


def plan_page(user: User, code: str) -> PlanPage:
    plan = plan_for_user(user, code)
    visible = plans_for_user(user)
    candidates = list(adopt_candidates(user, plan))
    return PlanPage(
        plan=plan,
        rows=indicator_rows(plan),
        tasks=list(plan.tasks.order_by("-inherited", "position")),
        years=list(plan.years),
        can_manage=access.can_manage_plans(user, plan.unit),
        candidates=candidates,
        adopted_count=visible.filter(parent=plan).count(),
        own_adoptions=list(
            visible.filter(parent=plan, unit_id=user.scope_unit_id) if user.scope_unit_id else []
        ),
    )
