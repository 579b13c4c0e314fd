"""Plans in a real browser: the seed plan's targets, a sector adopting it, raising a target
(lowering refused next to the box) and seeing the raise on its plan page; the pages that make
plans (new, upload with preview, add task, add indicator)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.plans.models import Plan
from tuyengiao.plans.selectors import targets_for
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.services import elements_ensure

CODE = "KH-TGCD-2023-2028"


def _seed(tree) -> Plan:
    return plan_load(
        None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province
    )[0]


def test_plan_page_shows_targets_by_year(page: Page, live_server, tree, grassroots_officer):
    _seed(tree)
    login(page, live_server.url, "cdcs")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Kế hoạch nâng cao hiệu quả").click()
    row = page.locator("tr", has_text="T2.1b")
    expect(row).to_contain_text("90\u00a0%")
    expect(page.locator("dl.facts")).to_contain_text("2023–2028")
    expect(page.locator("tr", has_text="T2.2")).to_contain_text("5")
    expect(page.locator("ol.tasks")).to_contain_text("Tháng Công nhân")
    # A grassroots officer reads the plan but has no button to change it.
    expect(page.locator(f"a[href$='/plans/{CODE}/targets/']")).to_have_count(0)
    shot(page, "plan-detail")


def test_sector_adopts_raises_a_target_and_sees_it(page: Page, live_server, tree, upper_officer):
    _seed(tree)
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/plans/{CODE}/")
    shot(page, "plan-province-for-sector")
    page.locator(f"form[action$='/plans/{CODE}/adopt/'] button").click()
    child = Plan.objects.get(parent__code=CODE)
    expect(page).to_have_url(f"{live_server.url}/plans/{child.code}/")
    expect(page.locator("dl.facts")).to_contain_text("Công đoàn ngành Giáo dục")
    # inherited targets are the province's
    expect(page.locator("tr", has_text="T2.1b")).to_contain_text("90\u00a0%")

    page.locator(f"a[href$='/plans/{child.code}/targets/']").click()
    box = page.locator(f"input[name='t-{child.indicators.get(code='T2.1b').pk}-2026']")
    expect(box).to_have_value("90")
    box.fill("85")
    page.locator("form.card button[type=submit]").click()
    cell = page.locator("td.has-error")
    expect(cell).to_have_count(1)
    expect(cell.locator(".error")).to_contain_text("90")
    shot(page, "plan-targets-error")

    box.fill("95")
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{child.code}/")
    raised = page.locator("tr", has_text="T2.1b").locator("mark")
    expect(raised).to_have_count(1)
    expect(raised).to_contain_text("95\u00a0%")
    expect(page.locator("tr", has_text="T2.1b")).to_contain_text("90")
    shot(page, "plan-adopted-raised")
    assert targets_for(child)[("T2.1b", 2026)] == 95

    # Own task and indicator of the sector
    elements_ensure()
    page.locator(f"a[href$='/plans/{child.code}/tasks/new/']").click()
    page.locator("#id_code").fill("GD-1")
    page.locator("#id_title").fill("Sinh hoạt chuyên đề về pháp luật trong trường học")
    shot(page, "plan-task-form")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("ol.tasks")).to_contain_text("GD-1")
    page.locator(f"a[href$='/plans/{child.code}/indicators/new/']").click()
    page.locator("#id_code").fill("GD.1")
    page.locator("#id_name").fill("Trường học tổ chức sinh hoạt chuyên đề pháp luật")
    page.locator("#id_kind").select_option("count")
    page.locator("#id_numerator").select_option("arts_sports_events")
    page.locator("#id_task").select_option(
        label="GD-1 Sinh hoạt chuyên đề về pháp luật trong trường học"
    )
    shot(page, "plan-indicator-form")
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{child.code}/targets/")
    shot(page, "plan-targets")
    page.goto(f"{live_server.url}/plans/{child.code}/")
    shot(page, "plan-adopted-own-items")

    page.goto(f"{live_server.url}/plans/?q=giao+duc")
    expect(page.locator("table")).to_contain_text(child.code)
    shot(page, "plan-list-search")


def test_province_chooses_the_unit_to_adopt(page: Page, live_server, tree, province_officer):
    _seed(tree)
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/plans/{CODE}/")
    page.locator(f"a[href$='/plans/{CODE}/adopt/']").click()
    expect(page.locator("#id_unit option")).to_have_count(3)  # blank, GD, YK
    shot(page, "plan-adopt")


def test_new_plan_and_upload_with_preview(
    page: Page, live_server, tree, province_officer, tmp_path: Path
):
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/plans/")
    page.locator("a[href$='/plans/new/']").click()
    page.locator("#id_unit").select_option(label="Liên đoàn Lao động tỉnh Ninh Bình (NB)")
    page.locator("#id_code").fill("KH CĐS")
    page.locator("#id_title").fill("Kế hoạch chuyển đổi số trong công tác tuyên giáo")
    page.locator("#id_start_year").fill("2026")
    page.locator("#id_end_year").fill("2030")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".field.has-error")).to_have_count(1)
    shot(page, "plan-new-errors")
    page.locator("#id_code").fill("KH-CDS-2026")
    page.locator("form.card button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/plans/KH-CDS-2026/")
    shot(page, "plan-new-empty")

    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(SEED_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    page.goto(f"{live_server.url}/plans/upload/")
    page.locator("#id_unit").select_option(label="Liên đoàn Lao động tỉnh Ninh Bình (NB)")
    page.locator("#id_file").set_input_files(str(plan_file))
    shot(page, "plan-upload")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("table").last).to_contain_text("T2.4c")
    assert not Plan.objects.filter(code=CODE).exists()
    shot(page, "plan-upload-preview")
    page.locator("form[action$='/plans/upload/confirm/'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{CODE}/")
    assert Plan.objects.get(code=CODE).indicators.count() == 10

    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED_PLAN.read_text(encoding="utf-8").replace("task: TASK-7", "task: TASK-9"))
    page.goto(f"{live_server.url}/plans/upload/")
    page.locator("#id_unit").select_option(label="Liên đoàn Lao động tỉnh Ninh Bình (NB)")
    page.locator("#id_file").set_input_files(str(bad))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".field.has-error .error")).to_contain_text("TASK-9")
    shot(page, "plan-upload-errors")
