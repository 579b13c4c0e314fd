"""Uploading a plan file: the preview shows what would be created or changed and keeps nothing;
the commit loads exactly what was previewed; loading the same file again changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.core.services import CONFLICT
from tuyengiao.plans.models import Indicator, Plan, PlanTask, Target
from tuyengiao.plans.selectors import targets_for
from tuyengiao.plans.services import plan_adopt, plan_load
from tuyengiao.plans.spec import SEED_PLAN, PlanFileError, parse_plan
from tuyengiao.plans.upload import plan_upload_commit, plan_upload_preview

SEED = SEED_PLAN.read_text(encoding="utf-8")
RAISED = SEED.replace("targets: {every_year: 90}", "targets: {every_year: 92}", 1)  # T2.1b


def _counts():
    return (
        Plan.objects.count(),
        PlanTask.objects.count(),
        Indicator.objects.count(),
        Target.objects.count(),
    )


def test_preview_of_a_new_plan_lists_everything_and_keeps_nothing(tree, province_officer):
    preview = plan_upload_preview(province_officer, text=SEED, unit=tree.province)
    assert not preview.exists
    assert preview.counts == {"create": 19, "change": 0, "delete": 0}  # plan, 8 tasks, 10
    kinds = [row.kind for row in preview.rows]
    assert kinds.count("task") == 8 and kinds.count("indicator") == 10
    t21b = next(row for row in preview.rows if row.code == "T2.1b")
    assert "2024: 90 · 2025: 90" in t21b.details[-1].after
    assert _counts() == (0, 0, 0, 0)


def test_commit_loads_the_previewed_plan_and_again_changes_nothing(tree, province_officer):
    preview = plan_upload_preview(province_officer, text=SEED, unit=tree.province)
    plan, changed = plan_upload_commit(
        province_officer, text=SEED, unit=tree.province, fingerprint=preview.fingerprint
    )
    assert changed and plan.code == "KH-TGCD-2023-2028"
    counts = _counts()
    again = plan_upload_preview(province_officer, text=SEED, unit=tree.province)
    assert again.exists and again.rows == []
    _, changed = plan_upload_commit(
        province_officer, text=SEED, unit=tree.province, fingerprint=again.fingerprint
    )
    assert not changed
    assert _counts() == counts


def test_the_text_sent_back_by_a_browser_with_crlf_is_the_same_file(tree, province_officer):
    preview = plan_upload_preview(province_officer, text=SEED, unit=tree.province)
    plan, changed = plan_upload_commit(
        province_officer,
        text=SEED.replace("\n", "\r\n"),
        unit=tree.province,
        fingerprint=preview.fingerprint,
    )
    assert changed and plan.tasks.count() == 8


def test_preview_of_a_changed_file_shows_the_changed_targets(tree, province_officer):
    plan_load(None, spec=parse_plan(SEED), unit=tree.province)
    preview = plan_upload_preview(province_officer, text=RAISED, unit=tree.province)
    assert preview.counts == {"create": 0, "change": 1, "delete": 0}
    (row,) = preview.rows
    assert row.code == "T2.1b"
    assert [(d.label, d.before, d.after) for d in row.details][:2] == [
        ("2023", "90", "92"),
        ("2024", "90", "92"),
    ]
    assert Target.objects.get(indicator__code="T2.1b", year=2024).value == 90


def test_preview_counts_the_adopted_plans_that_follow(tree, province_officer, upper_officer):
    plan, _ = plan_load(None, spec=parse_plan(SEED), unit=tree.province)
    child = plan_adopt(upper_officer, parent=plan, unit=tree.education)
    preview = plan_upload_preview(province_officer, text=RAISED, unit=tree.province)
    assert preview.adopted == 1
    assert targets_for(child)[("T2.1b", 2024)] == 90  # the preview kept nothing
    plan_upload_commit(
        province_officer, text=RAISED, unit=tree.province, fingerprint=preview.fingerprint
    )
    assert targets_for(child)[("T2.1b", 2024)] == 92


def test_commit_refuses_when_the_plan_changed_after_the_preview(tree, province_officer):
    plan_load(None, spec=parse_plan(SEED), unit=tree.province)
    preview = plan_upload_preview(province_officer, text=RAISED, unit=tree.province)
    other = SEED.replace("targets: {every_year: 65}", "targets: {every_year: 70}")
    plan_load(None, spec=parse_plan(other), unit=tree.province)
    with pytest.raises(ValidationError) as error:
        plan_upload_commit(
            province_officer, text=RAISED, unit=tree.province, fingerprint=preview.fingerprint
        )
    assert error.value.code == CONFLICT
    assert Target.objects.get(indicator__code="T2.1b", year=2024).value == 90


def test_a_code_of_another_units_plan_is_refused(tree, province_officer):
    plan_load(None, spec=parse_plan(SEED), unit=tree.province)
    with pytest.raises(ValidationError) as error:
        plan_upload_preview(province_officer, text=SEED, unit=tree.education)
    assert "unit" in error.value.error_dict


def test_bad_files_are_refused_with_clear_errors(tree, province_officer):
    with pytest.raises(PlanFileError) as error:
        plan_upload_preview(
            province_officer, text=SEED.replace("task: TASK-7", "task: TASK-9"), unit=tree.province
        )
    assert "T2.1c" in error.value.messages[0] and "TASK-9" in error.value.messages[0]
    with pytest.raises(PlanFileError) as error:
        plan_upload_preview(province_officer, text="code: [", unit=tree.province)
    assert "YAML" in error.value.messages[0]
    assert _counts() == (0, 0, 0, 0)


def test_upload_outside_the_scope_is_refused(tree, outsider):
    with pytest.raises(PermissionDenied):
        plan_upload_preview(outsider, text=SEED, unit=tree.province)
    assert _counts() == (0, 0, 0, 0)
