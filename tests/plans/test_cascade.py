"""Cascaded plans: a unit adopts its plan from the province's, inherits its targets, may raise
them but not lower them, adds tasks and indicators of its own, and follows the province's
changes. Services only; the pages are in test_plan_views.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.core.models import AuditEntry
from tuyengiao.core.services import CONFLICT
from tuyengiao.plans.models import Indicator, Plan, PlanTask, Target
from tuyengiao.plans.selectors import targets_for
from tuyengiao.plans.services import (
    indicator_add,
    indicator_remove,
    plan_adopt,
    plan_create,
    plan_load,
    target_set,
    targets_set,
    task_add,
    task_remove,
)
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.services import elements_ensure

SEED = SEED_PLAN.read_text(encoding="utf-8")


@pytest.fixture
def province_plan(tree):
    plan, _ = plan_load(None, spec=parse_plan(SEED), unit=tree.province)
    return plan


@pytest.fixture
def adopted(province_plan, tree, upper_officer):
    return plan_adopt(upper_officer, parent=province_plan, unit=tree.education)


def _fresh(plan):
    return Plan.objects.get(pk=plan.pk)


def _state():
    """Everything plans hold, to show a refused write changed nothing."""
    return (
        list(Plan.objects.values_list("code", "version").order_by("code")),
        list(PlanTask.objects.values_list("plan__code", "code", "title").order_by("pk")),
        list(Indicator.objects.values_list("plan__code", "code", "name").order_by("pk")),
        list(Target.objects.values_list("indicator_id", "year", "value").order_by("pk")),
    )


def test_adopting_copies_tasks_and_indicators_and_inherits_targets(province_plan, adopted, tree):
    assert adopted.code == "KH-TGCD-2023-2028-GD"
    assert adopted.parent == province_plan and adopted.unit == tree.education
    assert (adopted.start_year, adopted.end_year) == (2023, 2028)
    assert [t.code for t in adopted.tasks.all()] == [f"TASK-{n}" for n in range(1, 9)]
    assert adopted.tasks.filter(inherited=False).count() == 0
    assert list(adopted.indicators.values_list("code", flat=True)) == list(
        province_plan.indicators.values_list("code", flat=True)
    )
    assert adopted.indicators.get(code="T2.1b").task.plan == adopted
    # Targets are inherited, not copied: nothing stored, the province's in force.
    assert not Target.objects.filter(indicator__plan=adopted).exists()
    assert targets_for(adopted) == targets_for(province_plan)
    assert targets_for(adopted)[("T2.1b", 2026)] == 90
    assert targets_for(adopted)[("T2.2", None)] == 5
    entry = AuditEntry.objects.get(action="plan.adopt")
    assert entry.unit == tree.education and entry.after["parent"] == province_plan.code


def test_a_unit_adopts_a_plan_once(province_plan, adopted, tree, province_officer):
    before = _state()
    with pytest.raises(ValidationError) as error:
        plan_adopt(province_officer, parent=province_plan, unit=tree.education)
    assert "unit" in error.value.error_dict
    assert _state() == before


def test_only_units_strictly_under_the_plans_unit_adopt(province_plan, tree, province_officer):
    with pytest.raises(ValidationError) as error:
        plan_adopt(province_officer, parent=province_plan, unit=tree.province)
    assert "unit" in error.value.error_dict
    sector_plan = plan_adopt(province_officer, parent=province_plan, unit=tree.education)
    with pytest.raises(ValidationError):
        plan_adopt(province_officer, parent=sector_plan, unit=tree.district)
    # Further down the cascade: a school adopts the sector's plan.
    school = plan_adopt(province_officer, parent=sector_plan, unit=tree.school_a)
    assert targets_for(school) == targets_for(province_plan)


@pytest.mark.parametrize("persona", ["outsider", "grassroots_officer", "leader"])
def test_adopting_outside_the_scope_or_without_the_role_is_refused(
    request, persona, province_plan, tree
):
    user = request.getfixturevalue(persona)
    before = _state()
    with pytest.raises(PermissionDenied):
        plan_adopt(user, parent=province_plan, unit=tree.education)
    assert _state() == before


def test_an_inherited_target_follows_the_province_upward(province_plan, adopted, province_officer):
    target_set(
        province_officer,
        indicator=province_plan.indicators.get(code="T2.1b"),
        year=2026,
        value=Decimal(95),
        version=_fresh(province_plan).version,
    )
    assert targets_for(adopted)[("T2.1b", 2026)] == 95
    # and through the plan file as well
    text = SEED.replace("targets: {every_year: 90}", "targets: {every_year: 92}")
    plan_load(province_officer, spec=parse_plan(text), unit=province_plan.unit)
    assert targets_for(adopted)[("T2.1b", 2024)] == 92
    assert not Target.objects.filter(indicator__plan=adopted).exists()


def test_the_unit_may_raise_a_target(province_plan, adopted, upper_officer):
    indicator = adopted.indicators.get(code="T2.1b")
    changed = target_set(
        upper_officer,
        indicator=indicator,
        year=2026,
        value=Decimal(95),
        version=adopted.version,
    )
    assert changed == 1
    assert targets_for(adopted)[("T2.1b", 2026)] == 95
    assert targets_for(adopted)[("T2.1b", 2025)] == 90  # the other years still inherited
    assert targets_for(province_plan)[("T2.1b", 2026)] == 90
    assert _fresh(adopted).version == adopted.version + 1
    assert AuditEntry.objects.filter(action="plan.targets", object_id=str(adopted.pk)).exists()


def test_a_province_raise_above_a_units_raise_wins(
    province_plan, adopted, upper_officer, province_officer
):
    targets_set(
        upper_officer,
        plan=adopted,
        values={("T2.1b", 2026): Decimal(93)},
        version=adopted.version,
    )
    targets_set(
        province_officer,
        plan=province_plan,
        values={("T2.1b", 2026): Decimal(97)},
        version=_fresh(province_plan).version,
    )
    assert targets_for(adopted)[("T2.1b", 2026)] == 97


def test_lowering_an_inherited_target_is_refused_next_to_the_field(
    province_plan, adopted, upper_officer
):
    before = _state()
    with pytest.raises(ValidationError) as error:
        target_set(
            upper_officer,
            indicator=adopted.indicators.get(code="T2.1b"),
            year=2026,
            value=Decimal(85),
            version=adopted.version,
        )
    messages = error.value.error_dict["value"][0].messages
    assert "90" in messages[0]
    assert _state() == before


def test_for_an_at_most_indicator_the_rule_is_reversed(tree, upper_officer):
    text = SEED.replace(
        "    task: TASK-7\n    targets: {every_year: 65}",
        "    task: TASK-7\n    direction: at_most\n    targets: {every_year: 65}",
    )
    assert text != SEED
    plan, _ = plan_load(None, spec=parse_plan(text), unit=tree.province)
    child = plan_adopt(upper_officer, parent=plan, unit=tree.education)
    with pytest.raises(ValidationError):
        targets_set(upper_officer, plan=child, values={("T2.1c", 2025): Decimal(70)}, version=1)
    targets_set(upper_officer, plan=child, values={("T2.1c", 2025): Decimal(60)}, version=1)
    assert targets_for(child)[("T2.1c", 2025)] == 60


def test_a_target_equal_to_the_parents_or_cleared_is_inherited_again(
    province_plan, adopted, upper_officer, province_officer
):
    targets_set(upper_officer, plan=adopted, values={("T2.1b", 2026): Decimal(95)}, version=1)
    targets_set(upper_officer, plan=adopted, values={("T2.1b", 2026): None}, version=2)
    assert not Target.objects.filter(indicator__plan=adopted).exists()
    targets_set(upper_officer, plan=adopted, values={("T2.1b", 2026): Decimal(90)}, version=3)
    assert not Target.objects.filter(indicator__plan=adopted).exists()  # equal: no raise
    targets_set(
        province_officer,
        plan=province_plan,
        values={("T2.1b", 2026): Decimal(94)},
        version=_fresh(province_plan).version,
    )
    assert targets_for(adopted)[("T2.1b", 2026)] == 94


def test_a_percentage_target_stays_within_100(adopted, upper_officer):
    with pytest.raises(ValidationError) as error:
        targets_set(upper_officer, plan=adopted, values={("T2.1b", 2026): Decimal(101)}, version=1)
    assert list(error.value.error_dict) == ["T2.1b@2026"]


def test_a_stale_version_is_a_conflict_and_changes_nothing(adopted, upper_officer):
    targets_set(upper_officer, plan=adopted, values={("T2.1b", 2026): Decimal(95)}, version=1)
    before = _state()
    with pytest.raises(ValidationError) as error:
        targets_set(upper_officer, plan=adopted, values={("T2.1b", 2027): Decimal(96)}, version=1)
    assert error.value.code == CONFLICT
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "grassroots_officer", "leader"])
def test_setting_targets_outside_the_scope_is_refused(request, persona, adopted):
    user = request.getfixturevalue(persona)
    before = _state()
    with pytest.raises(PermissionDenied):
        targets_set(user, plan=adopted, values={("T2.1b", 2026): Decimal(99)}, version=1)
    assert _state() == before


def test_the_unit_cannot_change_the_provinces_plan(province_plan, upper_officer):
    before = _state()
    with pytest.raises(PermissionDenied):
        targets_set(
            upper_officer,
            plan=province_plan,
            values={("T2.1b", 2026): Decimal(99)},
            version=province_plan.version,
        )
    with pytest.raises(PermissionDenied):
        task_add(upper_officer, plan=province_plan, code="TASK-9", title="Nhiệm vụ mới")
    assert _state() == before


def test_own_tasks_and_indicators_of_an_adopted_plan(adopted, upper_officer):
    elements_ensure()
    task = task_add(
        upper_officer,
        plan=adopted,
        code="GD-1",
        title="Tuyên truyền trong trường học",
        description="Mỗi trường một buổi sinh hoạt chuyên đề.",
    )
    assert not task.inherited
    assert list(adopted.tasks.values_list("code", flat=True))[-1] == "GD-1"
    indicator = indicator_add(
        upper_officer,
        plan=adopted,
        code="GD.1",
        name="Đoàn viên được quán triệt",
        kind="percentage",
        numerator="members_briefed",
        denominator="members",
        task=task,
    )
    assert not indicator.inherited
    version = _fresh(adopted).version
    targets_set(upper_officer, plan=adopted, values={("GD.1", 2025): Decimal(80)}, version=version)
    assert targets_for(adopted)[("GD.1", 2025)] == 80
    # an own indicator has no parent's floor: lowering it is allowed
    targets_set(
        upper_officer, plan=adopted, values={("GD.1", 2025): Decimal(70)}, version=version + 1
    )
    assert targets_for(adopted)[("GD.1", 2025)] == 70


def test_inherited_tasks_and_indicators_cannot_be_removed(adopted, upper_officer):
    before = _state()
    with pytest.raises(ValidationError):
        task_remove(upper_officer, task=adopted.tasks.get(code="TASK-1"), version=1)
    with pytest.raises(ValidationError):
        indicator_remove(upper_officer, indicator=adopted.indicators.get(code="T2.1a"), version=1)
    assert _state() == before
    own = task_add(upper_officer, plan=adopted, code="GD-1", title="Riêng")
    task_remove(upper_officer, task=own, version=_fresh(adopted).version)
    assert not adopted.tasks.filter(code="GD-1").exists()


def test_the_provinces_new_tasks_and_indicators_reach_the_adopted_plans(
    province_plan, adopted, province_officer
):
    elements_ensure()
    task_add(province_officer, plan=province_plan, code="TASK-9", title="Chuyển đổi số")
    indicator_add(
        province_officer,
        plan=province_plan,
        code="T2.5",
        name="Lớp tập huấn",
        kind="count",
        numerator="propaganda_trainings_provincial",
    )
    copy = adopted.tasks.get(code="TASK-9")
    assert copy.inherited and copy.title == "Chuyển đổi số"
    assert adopted.indicators.get(code="T2.5").inherited
    indicator_remove(
        province_officer,
        indicator=province_plan.indicators.get(code="T2.5"),
        version=_fresh(province_plan).version,
    )
    assert not adopted.indicators.filter(code="T2.5").exists()
    # The file drops a task: the adopted plan's copy goes too.
    text = SEED.replace("  - code: TASK-8\n", "  - code: TASK-8X\n").replace(
        "task: TASK-8\n", "task: TASK-8X\n"
    )
    plan_load(province_officer, spec=parse_plan(text), unit=province_plan.unit)
    assert set(adopted.tasks.values_list("code", flat=True)) == {
        *(f"TASK-{n}" for n in range(1, 8)),
        "TASK-8X",
    }


def test_a_province_code_clashing_with_a_units_own_is_refused(
    province_plan, adopted, upper_officer, province_officer
):
    task_add(upper_officer, plan=adopted, code="TASK-9", title="Của ngành")
    before = _state()
    with pytest.raises(ValidationError) as error:
        task_add(province_officer, plan=province_plan, code="TASK-9", title="Của tỉnh")
    assert adopted.code in error.value.messages[0]
    assert _state() == before


def test_an_adopted_plan_is_not_loaded_from_a_file(adopted, tree):
    spec = parse_plan(SEED).model_copy(update={"code": adopted.code})
    before = _state()
    with pytest.raises(ValidationError) as error:
        plan_load(None, spec=spec, unit=tree.education)
    assert "code" in error.value.error_dict
    assert _state() == before


def test_indicator_elements_and_kind_are_checked(province_plan, province_officer):
    elements_ensure()
    cases = [
        ({"kind": "count", "numerator": "no_such_element"}, "numerator"),
        ({"kind": "percentage", "numerator": "members_briefed"}, "denominator"),
        (
            {"kind": "count", "numerator": "members_briefed", "denominator": "members"},
            "denominator",
        ),
        (
            {"kind": "percentage", "numerator": "members_briefed", "denominator": "nothing"},
            "denominator",
        ),
        ({"kind": "count", "numerator": "members", "code": "T2.1a"}, "code"),
    ]
    before = _state()
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            indicator_add(
                province_officer,
                plan=province_plan,
                **{"code": "T9", "name": "Chỉ tiêu thử", **kwargs},
            )
        assert field in error.value.error_dict, kwargs
    assert _state() == before


def test_a_plan_made_in_the_ui(tree, province_officer, grassroots_officer):
    plan = plan_create(
        province_officer,
        unit=tree.province,
        code="KH-CDS-2026",
        title="Kế hoạch chuyển đổi số",
        start_year=2026,
        end_year=2030,
    )
    assert list(plan.years) == [2026, 2027, 2028, 2029, 2030]
    assert not plan.indicators.exists()
    for kwargs, field in [
        ({"code": "kh-cds-2026"}, "code"),
        ({"code": "KH CĐS"}, "code"),
        ({"code": "new"}, "code"),
        ({"start_year": 2031}, "end_year"),
    ]:
        with pytest.raises(ValidationError) as error:
            plan_create(
                province_officer,
                unit=tree.province,
                **{
                    "code": "KH-2",
                    "title": "Kế hoạch",
                    "start_year": 2026,
                    "end_year": 2030,
                    **kwargs,
                },
            )
        assert field in error.value.error_dict
    with pytest.raises(PermissionDenied):
        plan_create(
            grassroots_officer,
            unit=tree.school_a,
            code="KH-3",
            title="Kế hoạch",
            start_year=2026,
            end_year=2030,
        )
    assert Plan.objects.count() == 1
