"""Training attendance in a real browser: find people without diacritics as you type, add them
to a course's list, tick who attended, save; then see the course on the person's page in the
registry (a section loaded with htmx)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.activities.conftest import describe
from tests.e2e.conftest import login, shot
from tuyengiao.activities.models import ActivityKind, Attendance, TrainingKind
from tuyengiao.activities.services import activity_create
from tuyengiao.orgs.people_services import person_create
from tuyengiao.web.reference import load_reference


@pytest.fixture
def course(tree: Any, upper_officer: Any) -> Any:
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=True):
        load_reference()
        people = {
            "lan": person_create(
                None, full_name="Nguyễn Thị Lan", sex="female", unit=tree.school_a
            ),
            "minh": person_create(None, full_name="Trần Văn Minh", sex="male", unit=tree.school_b),
            "hoa": person_create(
                None, full_name="Nguyễn Thị Hoa", sex="female", unit=tree.school_a
            ),
            "yk": person_create(None, full_name="Nguyễn Thị Lan", sex="female", unit=tree.garment),
        }
        activity = activity_create(
            None,
            data=describe(
                tree.education,
                title="Tập huấn kỹ năng cho báo cáo viên ngành Giáo dục",
                kind=ActivityKind.TRAINING,
                training_kind=TrainingKind.REPORTERS,
                start_date=dt.date(2026, 10, 8),
                end_date=dt.date(2026, 10, 9),
                place="Hội trường Sở Giáo dục",
            ),
        )
        yield activity, people


def test_register_people_tick_who_attended_and_see_it_on_their_page(
    page: Page, live_server: Any, course: Any
) -> None:
    activity, people = course
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/activities/trainings/")
    expect(page.locator("h1")).to_have_text("Lớp tập huấn")
    expect(page.locator("table")).to_contain_text(
        "Tập huấn kỹ năng cho báo cáo viên ngành Giáo dục"
    )
    shot(page, "training-list")

    page.get_by_role("link", name="Tập huấn kỹ năng cho báo cáo viên ngành Giáo dục").click()
    expect(page.locator("#count-registered")).to_have_text("0")
    page.wait_for_load_state("load")
    search = page.get_by_label("Tìm người theo họ tên")
    search.fill("nguyen thi")  # as typed, without accents: htmx fetches the matches
    candidates = page.locator("#candidates")
    expect(candidates).to_contain_text("Nguyễn Thị Hoa")
    expect(candidates).to_contain_text("CĐCS Trường THPT Hoa Lư A")
    expect(candidates).not_to_contain_text("Công ty May Yên Khánh")  # another branch's Lan
    shot(page, "training-attendance-search")
    candidates.get_by_label("Nguyễn Thị Lan").check()
    candidates.get_by_label("Nguyễn Thị Hoa").check()
    page.get_by_role("button", name="Thêm những người đã chọn vào danh sách").click()
    expect(page.locator("table.attendance")).to_contain_text("Chưa lưu")

    page.wait_for_load_state("load")  # htmx listens once the page has loaded
    page.get_by_label("Tìm người theo họ tên").fill("tran van")
    expect(page.locator("#candidates")).to_contain_text("Trần Văn Minh")
    page.locator("#candidates").get_by_label("Trần Văn Minh").check()
    page.get_by_role("button", name="Thêm những người đã chọn vào danh sách").click()
    rows = page.locator("table.attendance tbody tr")
    expect(rows).to_have_count(3)
    rows.filter(has_text="Nguyễn Thị Lan").get_by_label("Có mặt").check()
    rows.filter(has_text="Trần Văn Minh").get_by_label("Có mặt").check()
    expect(page.locator(".warning")).to_contain_text("chưa được lưu")
    shot(page, "training-attendance-ticked")
    page.get_by_role("button", name="Lưu điểm danh").click()

    expect(page.locator(".messages")).to_contain_text(
        "Đã lưu điểm danh: 2 trong số 3 người đăng ký có mặt."
    )
    expect(page.locator("#count-registered")).to_have_text("3")
    expect(page.locator("#count-attended")).to_have_text("2")
    shot(page, "training-attendance-saved")
    assert dict(Attendance.objects.values_list("person__full_name", "attended")) == {
        "Nguyễn Thị Lan": True,
        "Nguyễn Thị Hoa": False,
        "Trần Văn Minh": True,
    }

    page.goto(f"{live_server.url}/people/{people['hoa'].pk}/")
    section = page.locator("#person-trainings")
    expect(section.locator("table")).to_contain_text("Tập huấn kỹ năng cho báo cáo viên")
    expect(section).to_contain_text("Vắng")
    expect(section).to_contain_text("Đã đăng ký 1 lớp, có mặt 0.")
    shot(page, "training-person-section")


def test_a_stale_list_is_refused_and_the_editor_is_told(
    page: Page, live_server: Any, course: Any
) -> None:
    activity, people = course
    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/activities/trainings/{activity.pk}/attendance/")
    # Meanwhile someone else saves the list.
    from tuyengiao.activities.services import attendance_set

    attendance_set(
        None, activity=activity, registered=[people["minh"]], attended=[], version=activity.version
    )
    page.wait_for_load_state("load")
    page.get_by_label("Tìm người theo họ tên").fill("hoa")
    page.locator("#candidates").get_by_label("Nguyễn Thị Hoa").check()
    page.get_by_role("button", name="Lưu điểm danh").click()

    expect(page.locator(".form-error")).to_contain_text("Người khác đã sửa bản ghi này")
    shot(page, "training-attendance-conflict")
    assert list(Attendance.objects.values_list("person__full_name", flat=True)) == ["Trần Văn Minh"]
