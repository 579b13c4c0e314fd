"""The tree pages in a real browser: log in, browse, expand, look back in time, restructure."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot


def test_login_page_is_vietnamese_and_refuses_a_wrong_password(
    page: Page, live_server, tree, province_officer
):
    login(page, live_server.url, "tinh", "sai-mat-khau")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")
    shot(page, "login-error")


def test_browse_expand_and_open_a_unit(page: Page, live_server, tree, province_officer):
    login(page, live_server.url, "tinh")
    expect(page.get_by_role("heading", name="Cây tổ chức")).to_be_visible()
    # The scope unit opens by itself and loads its children through htmx.
    expect(page.get_by_role("link", name="Công đoàn ngành Giáo dục")).to_be_visible()
    page.locator("summary", has_text="Công đoàn ngành Giáo dục").locator("xpath=..").locator(
        "summary"
    ).click(position={"x": 4, "y": 8})
    expect(page.get_by_role("link", name="CĐCS Trường THPT Hoa Lư A")).to_be_visible()
    shot(page, "tree-expanded")
    page.get_by_role("link", name="CĐCS Trường THPT Hoa Lư A").click()
    expect(page.locator(".breadcrumbs")).to_contain_text("Công đoàn ngành Giáo dục")
    expect(page.get_by_role("heading", name=re.compile("Lịch sử"))).to_be_visible()
    shot(page, "unit-page")


def test_search_without_accents(page: Page, live_server, tree, province_officer):
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/orgs/units/?q=cong+doan+nganh+giao+duc")
    expect(page.locator("table")).to_contain_text("Công đoàn ngành Giáo dục")
    expect(page.locator("table")).not_to_contain_text("Yên Khánh")
    shot(page, "unit-search")


def test_move_then_view_the_tree_before_and_after(page: Page, live_server, tree, province_officer):
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/orgs/u/YK-001/move/")
    page.get_by_label("Công đoàn cấp trên mới").select_option(label="Công đoàn ngành Giáo dục (GD)")
    page.get_by_label("Ngày hiệu lực").fill("01/01/2019")
    page.get_by_label("Lý do hoặc quyết định").fill("Quyết định số 15/QĐ-LĐLĐ")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field.has-error")).to_contain_text("được thành lập ngày 01/01/2020")
    shot(page, "move-form-error")
    page.get_by_label("Ngày hiệu lực").fill("01/07/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu")
    expect(page.locator("dl.facts")).to_contain_text("Công đoàn ngành Giáo dục")
    page.goto(f"{live_server.url}/orgs/u/YK-001/?date=30/06/2025")
    expect(page.locator("dl.facts")).to_contain_text("Liên đoàn Lao động huyện Yên Khánh")
    shot(page, "unit-as-of-date")


def test_outsider_sees_the_refusal_page(page: Page, live_server, tree, outsider):
    login(page, live_server.url, "yenkhanh")
    response = page.goto(f"{live_server.url}/orgs/u/GD-001/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền truy cập")).to_be_visible()
    shot(page, "forbidden")


def test_audit_log_page(page: Page, live_server, tree, province_officer):
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Nhật ký thay đổi")).to_be_visible()
    expect(page.locator("table")).to_contain_text("unit.create")
    shot(page, "audit-log")


def test_tree_on_a_phone(browser, live_server, tree, province_officer):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server.url, "tinh")
    expect(page.get_by_role("link", name="Công đoàn ngành Giáo dục")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    shot(page, "tree-phone")
    context.close()
