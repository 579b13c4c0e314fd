"""Managing accounts in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.accounts.models import User


def test_upper_officer_creates_a_grassroots_account(page: Page, live_server, tree, upper_officer):
    login(page, live_server.url, "nganhgd")
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản")).to_be_visible()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("cdcs-dinh-tien-hoang")
    page.get_by_label("Họ và tên đệm").fill("Phạm Thị")
    page.locator("#id_first_name").fill("Hạnh")
    page.get_by_label("Vai trò").select_option(label="Cán bộ công đoàn cơ sở")
    page.get_by_label("Phạm vi (mã đơn vị)").fill("YK-001")
    page.locator("#id_password1").fill("Cong-doan-2026-an-toan")
    page.get_by_label("Nhập lại mật khẩu").fill("Cong-doan-2026-an-toan")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field.has-error")).to_contain_text("Không có đơn vị")
    shot(page, "account-form-error")
    page.get_by_label("Phạm vi (mã đơn vị)").fill("GD-002")
    page.locator("#id_password1").fill("Cong-doan-2026-an-toan")
    page.get_by_label("Nhập lại mật khẩu").fill("Cong-doan-2026-an-toan")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("cdcs-dinh-tien-hoang")
    shot(page, "account-list")
    assert User.objects.get(username="cdcs-dinh-tien-hoang").scope_unit == tree.school_b
