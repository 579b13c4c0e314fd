"""The plan of Ninh Bình loaded for the province, and a year of work under it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.activities.conftest import describe
from tuyengiao.activities.models import ActivityKind, Topic
from tuyengiao.activities.services import activity_create
from tuyengiao.plans.models import PlanTask
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.models import DataElement
from tuyengiao.reporting.services import elements_ensure, value_set, year_period
from tuyengiao.web.reference import load_reference


@pytest.fixture
def plan(tree):
    load_reference()
    spec = parse_plan(SEED_PLAN.read_text(encoding="utf-8"))
    return plan_load(None, spec=spec, unit=tree.province)[0]


@pytest.fixture
def worked(tree, plan):
    """Figures of two unions for 2025 and activities under two tasks; the garment company
    did nothing under TASK-1 in 2025."""
    elements_ensure()
    elements = {e.code: e for e in DataElement.objects.all()}
    for unit, members, briefed in ((tree.school_a, 40, 38), (tree.garment, 1200, 900)):
        for code, value in (("members", members), ("members_briefed", briefed)):
            value_set(
                None, element=elements[code], unit=unit, period=year_period(2025), value=value
            )
    tasks = {t.code: t for t in PlanTask.objects.filter(plan=plan)}
    osh = Topic.objects.get(code="osh")
    day = dt.date(2025, 5, 12)
    for unit, task, kind in (
        (tree.school_a, "TASK-1", ActivityKind.PROPAGANDA),
        (tree.school_a, "TASK-1", ActivityKind.LEGAL),
        (tree.garment, "TASK-5", ActivityKind.PROPAGANDA),
    ):
        data = describe(unit, task=tasks[task], kind=kind, start_date=day, end_date=day)
        data.topics = [osh]
        activity_create(None, data=data)
    return plan
