"""The people registry in a real browser: register an official, find them without accents."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.orgs.models import Person


def test_register_and_find_an_official(page: Page, live_server, tree, upper_officer):
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field.has-error").first).to_be_visible()
    shot(page, "person-form-errors")
    page.locator("#id_full_name").fill("Nguyễn Thị Hương")
    page.locator("input[name=sex][value=female]").check()
    page.locator("#id_unit").select_option(index=1)
    page.locator("#id_position").fill("Chủ tịch công đoàn")
    page.locator("input[name=role_reporter]").check()
    page.locator("input[name=since_reporter]").fill("01/03/2024")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("body")).to_contain_text("Báo cáo viên")
    shot(page, "person-detail")
    page.goto(f"{live_server.url}/people/?q=nguyen+thi+huong")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Hương")
    shot(page, "people-list")
    assert Person.objects.get(full_name="Nguyễn Thị Hương").roles.get().role == "reporter"
