"""Cultural-standard records in a real browser: enter a union's record with a mistake and see
the error next to the field, correct it and see the T2.3 shares follow; then the Excel round
trip: download, upload a file with errors, then a good one, preview, commit, and the same file
again changing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.activities import figures
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.web.reference import load_reference

FIRST_ROW = 4


@pytest.fixture
def seeded(tree: Any, upper_officer: Any) -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=True):
        load_reference()
        plan_load(None, spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")), unit=tree.province)
        figures.refresh_registry(2025)
        yield tree


def _fill(source: Path, target: Path, cells: dict[str, dict[str, object]]) -> Path:
    book = load_workbook(source)
    sheet = book["Văn hóa"]
    rows = {
        sheet.cell(row, 1).value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value
    }
    for code, values in cells.items():
        for column, value in values.items():
            sheet[f"{column}{rows[code]}"] = value
    book.save(target)
    return target


def _upload(page: Page, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/activities/cultural/excel/")
    upload = page.locator("form[action$='/upload/']")
    upload.locator("select[name=year]").select_option("2025")
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.get_by_role("button", name="Kiểm tra tệp").click()


def test_enter_a_record_with_a_mistake_then_correct_it(
    page: Page, live_server: Any, seeded: Any
) -> None:
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/activities/cultural/")
    expect(page.locator("h1")).to_have_text(
        "Xây dựng cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa"
    )
    shares = page.locator("#cultural-shares")
    expect(shares).to_contain_text("T2.3a")
    expect(shares.locator("tbody tr").first).to_contain_text("— / 2")
    page.wait_for_load_state("load")
    row = page.locator("#union-GD-001")
    row.get_by_label("Đạt chuẩn · GD-001").check()
    row.locator("input[name=decision]").fill("QĐ 45/QĐ-UBND")
    row.locator("input[name=families]").fill("40")
    row.locator("input[name=families_cultural]").fill("45")
    row.get_by_role("button", name="Lưu").click()

    error = page.locator("#union-GD-001 td.has-error")
    expect(error).to_contain_text("không được lớn hơn số gia đình đoàn viên, người lao động (40)")
    expect(error.locator("input[name=families_cultural]")).to_have_value("45")
    shot(page, "cultural-entry-error")
    assert not CulturalRecord.objects.exists()

    row = page.locator("#union-GD-001")
    row.locator("input[name=families_cultural]").fill("36")
    row.get_by_role("button", name="Lưu").click()
    expect(page.locator("#union-GD-001")).to_contain_text("Đã lưu.")
    expect(page.locator("#cultural-shares tbody tr").first).to_contain_text("1 / 2")
    expect(page.locator("#cultural-shares")).to_contain_text("50,0")
    shot(page, "cultural-entry-saved")
    record = CulturalRecord.objects.get()
    assert (record.recognised, record.registered, record.families_cultural) == (True, True, 36)


def test_excel_download_upload_errors_then_good_file_preview_and_commit(
    page: Page, live_server: Any, seeded: Any, tmp_path: Path
) -> None:
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/activities/cultural/")
    page.get_by_role("link", name="Nhập bằng Excel").click()
    download_form = page.locator("form[action$='/download/']")
    expect(download_form.locator("select[name=unit]")).to_have_value("GD")
    expect(download_form.locator("select[name=year]")).to_have_value("2025")
    shot(page, "cultural-excel-home")
    with page.expect_download() as info:
        download_form.get_by_role("button", name="Tải tệp Excel").click()
    blank = tmp_path / "van-hoa.xlsx"
    info.value.save_as(blank)
    assert info.value.suggested_filename == "van-hoa-GD-2025.xlsx"

    wrong = _fill(
        blank,
        tmp_path / "sai.xlsx",
        {
            "GD-001": {"D": "Có", "F": 40, "G": 45},
            "GD-002": {"C": "Có", "F": "sáu mươi"},
        },
    )
    _upload(page, live_server.url, wrong)
    body = page.locator("body")
    expect(body).to_contain_text("Tệp có lỗi (2)")
    expect(body).to_contain_text("Vui lòng nhập số nguyên, từ 0 trở lên.")
    expect(body).to_contain_text("không được lớn hơn số gia đình đoàn viên")
    expect(page.get_by_role("button", name="Ghi hồ sơ")).to_have_count(0)
    shot(page, "cultural-excel-errors")
    assert not CulturalRecord.objects.exists()

    right = _fill(
        blank,
        tmp_path / "dung.xlsx",
        {
            "GD-001": {"D": "Có", "E": "QĐ 45/QĐ-UBND", "F": 40, "G": 36},
            "GD-002": {"C": "Có", "D": "Không", "F": 1200, "G": 1000},
        },
    )
    _upload(page, live_server.url, right)
    expect(body).to_contain_text("Hồ sơ mới")
    expect(body).to_contain_text("1.200")
    expect(body).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    shot(page, "cultural-excel-preview")
    page.get_by_role("button", name="Ghi hồ sơ").click()

    expect(page.locator(".messages")).to_contain_text(
        "Đã ghi hồ sơ năm 2025 của 2 công đoàn cơ sở."
    )
    expect(page.locator("#union-GD-002 input[name=families]")).to_have_value("1.200")
    expect(page.locator("#cultural-shares")).to_contain_text("50,0")
    shot(page, "cultural-excel-saved")
    assert CulturalRecord.objects.count() == 2

    _upload(page, live_server.url, right)
    expect(body).to_contain_text("Không có thay đổi")
    shot(page, "cultural-excel-no-changes")
