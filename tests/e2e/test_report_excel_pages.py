"""The Excel round trip of a reporting form in a real browser: download the form of a subtree,
upload it with errors, see them cell by cell, fix them, preview, save, upload again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.reporting.models import DataSet, DataValue, Report, ReportStatus
from tuyengiao.reporting.report_services import report_values_submit
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

KEYS_ROW, FIRST_ROW = 3, 4


@pytest.fixture
def forms(tree: Any, upper_officer: Any) -> Any:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0), tick=True):
        elements_ensure()
        datasets_ensure()
        # Last year GD-002 reported 10 members: 300 this year asks for a confirmation.
        report_values_submit(
            upper_officer,
            dataset=DataSet.objects.get(code="BC-NAM-CS"),
            unit=tree.school_b,
            period_code="2024",
            values={"members": 10},
        )
        yield tree


def _fill(source: Path, target: Path, figures: dict[str, dict[str, object]]) -> Path:
    book = load_workbook(source)
    sheet = book["Số liệu"]
    columns = {cell.value: cell.column for cell in sheet[KEYS_ROW] if cell.value}
    rows = {
        sheet.cell(row, 1).value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value
    }
    for code, values in figures.items():
        for key, value in values.items():
            sheet.cell(rows[code], columns[key]).value = value
    book.save(target)
    return target


def _upload(page: Page, base_url: str, path: Path, period: str = "2025") -> None:
    page.goto(f"{base_url}/reports/excel/")
    upload = page.locator("form[action$='/upload/']")
    upload.locator("select[name=period]").select_option(period)
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.get_by_role("button", name="Kiểm tra tệp").click()


def test_download_upload_with_errors_fix_preview_and_save(
    page: Page, live_server: Any, forms: Any, tmp_path: Path
) -> None:
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/reports/excel/")
    expect(page.locator("h1")).to_have_text("Báo cáo bằng Excel")
    download_form = page.locator("form[action$='/download/']")
    expect(download_form.locator("select[name=unit]")).to_have_value("GD")
    download_form.locator("select[name=dataset]").select_option("BC-NAM-CS")
    download_form.locator("select[name=period]").select_option("2025")
    shot(page, "report-excel-home")
    with page.expect_download() as info:
        download_form.get_by_role("button", name="Tải tệp Excel").click()
    blank = tmp_path / "bieu-mau.xlsx"
    info.value.save_as(blank)
    assert info.value.suggested_filename == "bao-cao-BC-NAM-CS-2025-GD.xlsx"

    wrong = _fill(
        blank,
        tmp_path / "sai.xlsx",
        {
            "GD-001": {"members": 1200, "members_briefed": 1500},
            "GD-002": {"members": "ba trăm"},
        },
    )
    _upload(page, live_server.url, wrong, period="2024")
    expect(page.locator(".has-error")).to_contain_text("không phải kỳ bạn đã chọn")
    shot(page, "report-excel-upload-refused")

    _upload(page, live_server.url, wrong)
    body = page.locator("body")
    expect(body).to_contain_text("Tệp có lỗi (2)")
    expect(body).to_contain_text("Không được lớn hơn")
    expect(body).to_contain_text("Vui lòng nhập số nguyên")
    expect(page.get_by_role("button", name="Xác nhận và ghi số liệu")).to_have_count(0)
    shot(page, "report-excel-errors")
    assert not DataValue.objects.filter(period__code="2025").exists()

    right = _fill(
        blank,
        tmp_path / "dung.xlsx",
        {
            "GD-001": {"members": 1200, "members:female": 700, "members_briefed": 1100},
            "GD-002": {"members": 300},
        },
    )
    _upload(page, live_server.url, right)
    expect(body).to_contain_text("1.200")
    expect(body).to_contain_text("CĐCS Trường THCS Đinh Tiên Hoàng")
    expect(page.locator(".warning-box")).to_contain_text("lớn hơn 10 lần so với kỳ trước")
    shot(page, "report-excel-preview")
    page.get_by_role("button", name="Xác nhận và ghi số liệu").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi số liệu của 2 đơn vị")
    shot(page, "report-excel-saved")
    assert DataValue.objects.filter(unit__code="GD-001").count() == 3
    reports = Report.objects.filter(period__code="2025")
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}

    _upload(page, live_server.url, right)
    expect(body).to_contain_text("Không có thay đổi")
    shot(page, "report-excel-no-changes")
