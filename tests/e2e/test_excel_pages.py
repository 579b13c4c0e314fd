"""The Excel round trip in a real browser: template, upload with errors, preview, commit."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.orgs import excel_columns
from tuyengiao.orgs.models import OrgUnit, Ownership, UnitKind

HEADERS = [column.header for column in excel_columns.COLUMNS]
GRASSROOTS = excel_columns.choice_label(UnitKind, UnitKind.GRASSROOTS)
PRIVATE = excel_columns.choice_label(Ownership, Ownership.DOMESTIC_PRIVATE)


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _row(code: str, name: str, parent: str, founded: str = "01/03/2024") -> list[object]:
    """Cells in the order of excel_columns.COLUMNS."""
    return [
        code,
        f"CĐCS Công ty {name}",
        GRASSROOTS,
        parent,
        founded,
        f"Công ty {name}",
        "",
        "Dệt may",
        PRIVATE,
        250,
    ]


def _upload(page: Page, base_url: str, path: Path) -> None:
    page.goto(f"{base_url}/orgs/excel/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_label("Lý do hoặc quyết định").fill("Rà soát danh sách CĐCS năm 2026")
    page.get_by_role("button", name="Kiểm tra tệp").click()


def test_upload_with_errors_then_fix_preview_and_commit(
    page: Page, live_server, tree, province_officer, tmp_path
):
    login(page, live_server.url, "tinh")
    bad = _workbook(
        tmp_path / "sai.xlsx",
        [
            _row("YK-010", "May Khánh Hòa", "YK", founded="31/02/2024"),
            _row("YK-011", "Giày Khánh Nhạc", "KHONG-CO"),
        ],
    )
    _upload(page, live_server.url, bad)
    shot(page, "excel-errors")
    expect(page.locator("body")).to_contain_text("không phải ngày hợp lệ")
    expect(page.locator("body")).to_contain_text("KHONG-CO")
    shot(page, "excel-errors")
    assert not OrgUnit.objects.filter(code__in=["YK-010", "YK-011"]).exists()

    good = _workbook(
        tmp_path / "dung.xlsx",
        [
            _row("YK-010", "May Khánh Hòa", "YK"),
            _row("YK-011", "Giày Khánh Nhạc", "YK"),
        ],
    )
    _upload(page, live_server.url, good)
    expect(page.locator("body")).to_contain_text("YK-010")
    shot(page, "excel-preview")
    page.get_by_role("button", name="Nhập các thay đổi này").click()
    expect(page.locator(".messages")).to_be_visible()
    assert OrgUnit.objects.filter(code__in=["YK-010", "YK-011"]).count() == 2

    _upload(page, live_server.url, good)
    expect(page.locator("body")).to_contain_text("Không có thay đổi")
    shot(page, "excel-no-changes")
