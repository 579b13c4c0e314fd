"""Reviews in a real browser: the sector union writes its 2026 review with a date mistake shown
next to the field, saves it, saves it again, reads the first revision and restores it, drafts
the documents (progress, then the downloads), submits it; the province sees it in the overview
of the units under it, ranks its units and people for commendation, and its leader approves
it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.activities.conftest import describe
from tests.conftest import Tree, _user
from tests.e2e.conftest import login, shot
from tuyengiao.accounts.models import Role
from tuyengiao.activities.models import ActivityKind, TrainingKind
from tuyengiao.activities.services import activity_create, attendance_set
from tuyengiao.orgs.models import PersonRoleKind
from tuyengiao.orgs.people_services import person_create
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reviews.models import Review, ReviewStatus
from tuyengiao.web.reference import load_reference


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=True):
        yield


@pytest.fixture
def plan(clock, tree, upper_officer, province_officer, media):
    load_reference()
    _user("chutich", Role.LEADER, tree.province)
    spec = parse_plan(SEED_PLAN.read_text(encoding="utf-8"))
    return plan_load(None, spec=spec, unit=tree.province)[0]


def _trained(tree: Tree) -> None:
    """Two officials of the education sector at the 2026 courses: Lan at both, Minh at one."""
    lan = person_create(
        None,
        full_name="Nguyễn Thị Lan",
        sex="female",
        unit=tree.school_a,
        position="Chủ tịch CĐCS",
        roles={PersonRoleKind.REPORTER: dt.date(2024, 1, 1)},
    )
    minh = person_create(None, full_name="Trần Văn Minh", sex="male", unit=tree.school_b)
    for title, day, present in (
        ("Tập huấn kỹ năng cho báo cáo viên", dt.date(2026, 3, 10), [lan, minh]),
        ("Tập huấn trả lời thông tin sai lệch trên mạng", dt.date(2026, 9, 8), [lan]),
    ):
        data = describe(
            tree.education,
            title=title,
            kind=ActivityKind.TRAINING,
            training_kind=TrainingKind.REPORTERS,
            start_date=day,
            end_date=day,
        )
        course = activity_create(None, data=data)
        attendance_set(
            None, activity=course, registered=[lan, minh], attended=present, version=course.version
        )


def test_write_draft_submit_and_approve_a_review(page: Page, live_server, plan, tree):
    _trained(tree)
    base = live_server.url
    login(page, base, "nganhgd")
    page.goto(f"{base}/reviews/")
    expect(page.locator("h1")).to_contain_text("Công đoàn ngành Giáo dục")
    page.get_by_role("link", name="Mở báo cáo").click()
    expect(page.locator("h1")).to_contain_text("Sơ kết năm 2026")
    page.fill("#id_number", "12/BC-CĐN")
    page.fill("#id_place", "Ninh Bình")
    page.fill("#id_issued_on", "31/02/2026")
    page.fill("#id_achievements", "Bám sát kế hoạch của Liên đoàn Lao động tỉnh.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    wrong = page.locator(".field.has-error")
    expect(wrong).to_have_count(1)
    expect(wrong.locator("input")).to_have_attribute("name", "issued_on")
    expect(page.locator("#id_achievements")).to_have_value(
        "Bám sát kế hoạch của Liên đoàn Lao động tỉnh."
    )
    shot(page, "review-error")
    page.fill("#id_issued_on", "05/12/2026")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu báo cáo")

    # A second save, then the first revision read and brought back.
    page.fill("#id_achievements", "Một bản viết lại chưa ưng ý.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("table.revisions tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Phiên bản 1", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Phiên bản 1")
    expect(page.locator(".revision-part.changed")).to_have_count(1)
    expect(page.locator(".revision-part.changed")).to_contain_text("Bám sát kế hoạch")
    shot(page, "review-revision")
    page.get_by_role("button", name="Khôi phục phiên bản này").click()
    expect(page.locator(".messages")).to_contain_text("Đã khôi phục phiên bản 1")
    expect(page.locator("#id_achievements")).to_have_value(
        "Bám sát kế hoạch của Liên đoàn Lao động tỉnh."
    )
    expect(page.locator("table.revisions tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Tạo văn bản báo cáo và phụ lục").click()
    expect(page.locator("ul.documents li").first).to_contain_text("Báo cáo (.docx)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (.docx)").first.click()
    assert download.value.suggested_filename == "yearly-2026-GD.docx"
    shot(page, "review")
    page.get_by_role("button", name="Trình duyệt").click()
    expect(page.locator(".messages")).to_contain_text("Đã trình duyệt")
    expect(page.locator("#id_achievements")).to_have_count(0)

    page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, "tinh")
    page.goto(f"{base}/reviews/?unit=NB&kind=yearly&year=2026")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Đã trình duyệt")
    expect(rows.nth(1)).to_contain_text("Chưa bắt đầu")
    shot(page, "review-overview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "review-overview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The commendation proposal: weights that add up to nothing are refused, then a ranking.
    page.get_by_role("link", name="Đề nghị khen thưởng").click()
    for name in ("targets", "reporting", "activities"):
        page.fill(f"#id_{name}", "0")
    page.get_by_role("button", name="Xếp hạng").click()
    expect(page.locator(".form-error")).to_have_text("Hãy cho ít nhất một tiêu chí một trọng số.")
    page.fill("#id_targets", "50")
    page.get_by_role("button", name="Xếp hạng").click()
    expect(page.locator("table.ranking:not(.people) tbody tr")).to_have_count(2)
    people = page.locator("table.people tbody tr")
    expect(people).to_have_count(2)
    expect(people.first).to_contain_text("Nguyễn Thị Lan")
    expect(people.first).to_contain_text("Báo cáo viên")
    expect(people.first.locator("td.num strong")).to_have_text("2")
    expect(people.nth(1)).to_contain_text("Trần Văn Minh")
    shot(page, "commendations")

    page.get_by_role("button", name="Đăng xuất").click()
    login(page, base, "chutich")
    page.goto(f"{base}/reviews/GD/yearly/2026/")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt báo cáo")
    expect(page.locator("ul.documents li").first).to_contain_text("bản đã duyệt")
    shot(page, "review-approved")
    assert Review.objects.get().status == ReviewStatus.APPROVED
