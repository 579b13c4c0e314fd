"""Legal questions in a real browser: a worker asks on a phone, an officer answers and publishes
an edited copy, and the answer is found in the FAQ without typing diacritics."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import login, shot
from tuyengiao.voice.models import Question, QuestionStatus

QUESTION = (
    "Tôi là Nguyễn Văn Tâm, công nhân may. Tôi nghỉ việc sau 3 năm đóng bảo hiểm thất nghiệp, "
    "tôi có được hưởng trợ cấp thất nghiệp không và nộp hồ sơ ở đâu?"
)
PUBLIC = (
    "Người lao động nghỉ việc sau 3 năm đóng bảo hiểm thất nghiệp có được hưởng trợ cấp "
    "thất nghiệp không và nộp hồ sơ ở đâu?"
)
ANSWER = (
    "Bạn được hưởng trợ cấp thất nghiệp nếu đã đóng đủ 12 tháng trong 24 tháng trước khi "
    "nghỉ việc. Nộp hồ sơ tại Trung tâm Dịch vụ việc làm trong vòng 3 tháng."
)


def test_ask_on_a_phone_answer_publish_and_find_it_in_the_faq(
    browser: Browser, page: Page, live_server, tree, upper_officer, settings
):
    settings.QUESTION_MIN_FILL_SECONDS = 0  # the browser fills the form faster than a person
    phone = browser.new_context(
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    worker = phone.new_page()
    worker.set_default_timeout(10_000)
    worker.goto(f"{live_server.url}/hoi-dap/hoi/")
    worker.locator("input[name=topic][value=insurance]").check()
    worker.locator("#id_unit").select_option("GD")
    worker.locator("#id_text").fill(QUESTION)
    # Anonymous by default: the name and contact fields are out of the way.
    expect(worker.locator("#id_contact")).to_be_hidden()
    worker.locator("input[name=anonymous][value=no]").check()
    expect(worker.locator("#id_contact")).to_be_visible()
    worker.locator("input[name=anonymous][value=yes]").check()
    expect(worker.locator("#id_website")).not_to_be_in_viewport()
    width = worker.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the ask page scrolls sideways on a phone ({width}px)"
    shot(worker, "question-ask-phone")
    worker.locator("#ask-submit").click()
    code = worker.locator("#reference-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    shot(worker, "question-sent-phone")
    question = Question.objects.get()
    assert question.anonymous and question.unit == tree.education

    login(page, live_server.url, "nganhgd")
    page.goto(f"{live_server.url}/hoi-dap/quan-ly/")
    expect(page.locator("#answer-times")).to_be_visible()
    shot(page, "question-inbox")
    page.locator("#inbox a").first.click()
    page.locator("#id_answer").fill(ANSWER)
    page.locator("#answer-submit").click()
    expect(page.locator("#publish-form")).to_be_visible()
    # The public copy starts as the original, and the name in it is flagged.
    expect(page.locator("#findings")).to_contain_text("Nguyễn Văn Tâm")
    expect(page.locator("#id_public_question")).to_have_value(QUESTION)
    page.locator("#id_public_question").fill(PUBLIC)
    shot(page, "question-answer-page")
    page.locator("#publish-submit").click()
    expect(page.locator("#published")).to_be_visible()
    stored = Question.objects.get()
    assert stored.status == QuestionStatus.ANSWERED and stored.published
    assert stored.public_question == PUBLIC

    worker.goto(f"{live_server.url}/hoi-dap/?q=tro+cap+that+nghiep")
    item = worker.locator("#faq-list .qa-title").first
    expect(item).to_contain_text("trợ cấp thất nghiệp")
    expect(worker.locator("body")).not_to_contain_text("Nguyễn Văn Tâm")
    shot(worker, "question-faq-phone")
    item.click()
    expect(worker.locator("#answer")).to_contain_text("Trung tâm Dịch vụ việc làm")
    worker.goto(f"{live_server.url}/hoi-dap/ma/{code}/")
    expect(worker.locator("#answer")).to_contain_text("Trung tâm Dịch vụ việc làm")
    phone.close()

    page.goto(f"{live_server.url}/hoi-dap/?q=bao+hiem+that+nghiep")
    expect(page.locator("#faq-list .qa-title")).to_have_count(1)
    shot(page, "question-faq")
