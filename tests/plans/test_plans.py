"""Plans as data: the seed plan loads, loading is idempotent, bad files change nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.plans.models import Indicator, Plan, Target
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, PlanFileError, parse_plan

SEED_CODES = [
    "T2.1a",
    "T2.1b",
    "T2.1c",
    "T2.2",
    "T2.3a",
    "T2.3b",
    "T2.3c",
    "T2.4a",
    "T2.4b",
    "T2.4c",
]


def _seed():
    return parse_plan(SEED_PLAN.read_text(encoding="utf-8"))


def test_seed_plan_has_the_plan_reading_indicators_and_targets(tree):
    plan, changed = plan_load(None, spec=_seed(), unit=tree.province)
    assert changed
    assert [i.code for i in plan.indicators.all()] == SEED_CODES
    assert [t.code for t in plan.tasks.all()] == [f"TASK-{n}" for n in range(1, 9)]
    t21a = plan.indicators.get(code="T2.1a")
    assert t21a.kind == "percentage" and t21a.denominator == "key_officials"
    assert sorted(t21a.targets.values_list("year", flat=True)) == list(range(2023, 2029))
    assert Target.objects.get(indicator__code="T2.2", year=None).value == 5
    assert Target.objects.get(indicator__code="T2.1b", year=2026).value == 90


def test_loading_the_same_file_twice_changes_nothing(tree):
    plan_load(None, spec=_seed(), unit=tree.province)
    counts = (Indicator.objects.count(), Target.objects.count())
    _, changed = plan_load(None, spec=_seed(), unit=tree.province)
    assert not changed
    assert (Indicator.objects.count(), Target.objects.count()) == counts


def test_a_changed_target_is_updated_in_place(tree):
    plan_load(None, spec=_seed(), unit=tree.province)
    text = SEED_PLAN.read_text(encoding="utf-8").replace(
        "targets: {every_year: 90}\n  - code: T2.1c", "targets: {every_year: 92}\n  - code: T2.1c"
    )
    _, changed = plan_load(None, spec=parse_plan(text), unit=tree.province)
    assert changed
    assert Target.objects.get(indicator__code="T2.1b", year=2024).value == 92


@pytest.mark.parametrize(
    "original, broken",
    [
        ("    denominator: key_officials\n", ""),  # a percentage without a denominator
        ("targets: {every_year: 100}", "targets: {every_year: 120}"),  # over 100 %
        ("task: TASK-7", "task: TASK-9"),  # an unknown task
        ("end_year: 2028", "end_year: 2020"),  # ends before it starts
        ("kind: count", "kind: ratio"),  # an unknown kind
    ],
)
def test_bad_plan_files_are_refused_with_where_and_why(original, broken):
    text = SEED_PLAN.read_text(encoding="utf-8")
    assert original in text
    with pytest.raises(PlanFileError) as error:
        parse_plan(text.replace(original, broken, 1))
    assert error.value.messages


def test_not_yaml_is_refused():
    with pytest.raises(PlanFileError):
        parse_plan("code: [unclosed")
    with pytest.raises(PlanFileError):
        parse_plan("- just\n- a list\n")


def test_outsider_cannot_load_a_plan_for_the_province(tree, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_load(outsider, spec=_seed(), unit=tree.province)
    assert not Plan.objects.exists()


def test_command_loads_the_seed_plan(tree, capsys):
    call_command("load_plan", "--unit", "nb")
    call_command("load_plan", "--unit", "NB")
    assert capsys.readouterr().out.strip().splitlines()[-1].endswith("unchanged (10 indicators)")


def test_plans_are_visible_above_and_below_the_scope(
    tree, upper_officer, grassroots_officer, outsider
):
    plan_load(None, spec=_seed(), unit=tree.province)
    district_spec = _seed().model_copy(update={"code": "KH-YK", "title": "Kế hoạch Yên Khánh"})
    plan_load(None, spec=district_spec, unit=tree.district)
    for user in (upper_officer, grassroots_officer):
        listed = client_for(user).get(reverse("plans:list")).context["page_obj"]
        assert [p.code for p in listed] == ["KH-TGCD-2023-2028"]
    assert client_for(upper_officer).get(reverse("plans:detail", args=["KH-YK"])).status_code == 403
    response = client_for(outsider).get(reverse("plans:detail", args=["KH-YK"]))
    assert response.status_code == 200
    assert "T2.1a" in response.content.decode()


def test_unknown_plan_is_404(tree, province_officer):
    assert client_for(province_officer).get(reverse("plans:detail", args=["X"])).status_code == 404
