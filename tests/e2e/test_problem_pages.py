"""Implementation problems in a real browser: the Yên Khánh district federation's officer
reports a problem (a mistake shown next to the field first), the provincial officer finds it
on the list, answers it (an empty answer refused first), and the district sees the answer and
the status on its list and on the problem's page."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.voice import problem_services as services
from tuyengiao.voice.models import Problem, ProblemStatus

TITLE = "Doanh nghiệp không cho công nhân nghỉ để dự tập huấn"
TEXT = (
    "CĐCS đã đăng ký 15 tổ trưởng dự lớp tập huấn kỹ năng tuyên truyền, nhưng ban giám đốc "
    "chỉ cho đi nếu nghỉ không lương.\n\nĐề nghị LĐLĐ tỉnh có văn bản làm việc với doanh nghiệp."
)
ANSWER = "Ban đã làm việc với doanh nghiệp; lớp đợt 2 mở thêm một buổi vào Chủ nhật 6/12."


@pytest.fixture
def clock():
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=True):
        yield


@pytest.fixture
def earlier(clock, tree, outsider, grassroots_officer, province_officer):
    """Two problems already there: one of a school (answered), one of the district (forwarded)."""
    school = services.problem_report(
        grassroots_officer,
        unit=tree.school_a,
        data=services.ProblemInput(
            title="Cộng tác viên chưa có kỹ năng phản bác thông tin sai lệch trên mạng",
            text="Hai cộng tác viên không biết trả lời thế nào trên các nhóm mạng xã hội.",
        ),
    )
    services.problem_answer(
        province_officer, problem=school, answer="Gửi kèm bộ tài liệu hướng dẫn.", version=1
    )
    internet = services.problem_report(
        outsider,
        unit=tree.garment,
        data=services.ProblemInput(
            title="Sóng internet yếu tại khu nhà trọ công nhân",
            text="Các buổi tuyên truyền trực tuyến không có người ở khu nhà trọ tham gia được.",
        ),
    )
    services.problem_forward(
        province_officer,
        problem=internet,
        forwarded_to="Thường trực LĐLĐ tỉnh",
        note="Đã báo cáo Thường trực để kiến nghị UBND tỉnh.",
        version=1,
    )


def test_report_answer_and_both_sides_see_the_status(page: Page, live_server, earlier):
    base = live_server.url
    login(page, base, "yenkhanh")
    page.goto(f"{base}/voice/problems/")
    page.locator("#report-problem").click()
    expect(page.locator("#id_unit")).to_have_value("YK")
    page.fill("#id_title", TITLE)
    page.locator("form.problem-form button[type=submit]").click()
    expect(page.locator(".field.has-error #id_text")).to_be_visible()  # the text is missing
    assert not Problem.objects.filter(title=TITLE).exists()
    page.fill("#id_text", TEXT)
    page.locator("form.problem-form button[type=submit]").click()
    expect(page.locator("#problem-status")).to_have_attribute("data-status", "sent")
    problem = Problem.objects.get(title=TITLE)
    assert problem.unit.code == "YK" and problem.status == ProblemStatus.SENT
    expect(page.locator("#answer")).to_have_count(0)  # the district does not answer
    shot(page, "problem-sent")

    page.context.clear_cookies()
    login(page, base, "tinh")
    page.goto(f"{base}/voice/problems/")
    row = page.locator(f"#problem-{problem.pk}")
    expect(row.locator(".tag")).to_have_attribute("data-status", "sent")
    expect(page.locator("tbody tr")).to_have_count(3)
    shot(page, "problem-list-province")
    row.get_by_role("link").click()
    page.locator("#answer button[type=submit]").click()
    expect(page.locator("#answer .field.has-error")).to_be_visible()  # an empty answer
    shot(page, "problem-answer-error")
    page.fill("#id_answer-answer", ANSWER)
    page.locator("#answer button[type=submit]").click()
    expect(page.locator("#problem-status")).to_have_attribute("data-status", "answered")
    expect(page.locator("#reply")).to_contain_text(ANSWER)
    expect(page.locator("#answer")).to_have_count(0)  # answered once, no form any more
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ANSWERED and problem.answered_by.username == "tinh"

    page.context.clear_cookies()
    login(page, base, "yenkhanh")
    page.goto(f"{base}/voice/problems/")
    expect(page.locator(f"#problem-{problem.pk} .tag")).to_have_attribute("data-status", "answered")
    expect(page.locator("tbody tr")).to_have_count(2)  # not the school's problem
    shot(page, "problem-list-district")
    page.locator(f"#problem-{problem.pk}").get_by_role("link").click()
    expect(page.locator("#problem-status")).to_have_attribute("data-status", "answered")
    expect(page.locator("#reply")).to_contain_text(ANSWER)
    shot(page, "problem-answered")


def test_phone_width_problem_page_is_usable(page: Page, live_server, earlier):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "tinh")
    page.goto(f"{live_server.url}/voice/problems/")
    page.get_by_role("link", name="Sóng internet yếu tại khu nhà trọ công nhân").click()
    expect(page.locator("#problem-status")).to_have_attribute("data-status", "forwarded")
    box = page.locator("#reply").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    shot(page, "problem-phone")
