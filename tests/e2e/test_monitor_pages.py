"""Online information in a real browser: the provincial officer writes a topic query (a bad
bracket first: the message is next to the field), tries it on the latest items, saves it; reads
the queue worst first, opens an item with the topic's matches marked, corrects a class, opens a
case for a collaborator with a due time, moves it on, records the correction with its link and
resolves it; the collaborator finds it among their cases."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tests.media import monitor_data as data
from tuyengiao.media.models_monitoring import ItemCase, Label, Topic

CORRECTION = "https://ldld.ninhbinh.gov.vn/tin-tuc/dinh-chinh-thong-tin-no-luong"


@pytest.fixture
def stream(tree):
    found_in = data.source(tree.province, "Nhóm Facebook công nhân Ninh Bình")
    items = {
        "wages": data.item(found_in, data.WAGES, minutes=10, severity=60, relevant=True,
                           sentiment="negative", grievance="unpaid_wages", toxic=True,
                           author="Người lao động Yên Khánh", published_at=data.START,
                           scores={"toxic": {"toxic": 0.62, "clean": 0.38},
                                   "relevant": {"relevant": 0.97, "irrelevant": 0.03}}),
        "scam": data.item(found_in, data.SCAM, minutes=20, severity=70, relevant=True,
                          sentiment="neutral", grievance="scam", toxic=False),
        "chatter": data.item(found_in, data.CHATTER, minutes=30, severity=3, relevant=False,
                             sentiment="positive", grievance="none", toxic=False),
    }  # fmt: skip
    data.item(found_in, "CHIA SẺ: " + data.WAGES, minutes=40)  # a repost of the wages post
    helper = data.collaborator("ctv", tree.province)
    helper.first_name, helper.last_name = "Hà", "Trần Thu"
    helper.save()
    return items | {"helper": helper}


def test_topic_queue_item_label_and_case(page: Page, live_server, stream, province_officer):
    base = f"{live_server.url}/media/monitor"
    login(page, live_server.url, province_officer.username)

    page.goto(f"{base}/topics/new/")
    page.fill("#id_name", "Nợ lương công nhân")
    page.fill("#id_query", '("no luong" OR "chậm lương"')
    page.locator("button[value=try]").click()
    expect(page.locator(".field.has-error")).to_contain_text("(")
    page.fill("#id_query", '"no luong" OR "chậm lương" -kem')
    page.locator("button[value=try]").click()
    expect(page.locator(".preview .big-figure")).to_contain_text("2")  # the post and its repost
    expect(page.locator(".preview mark").first).to_have_text("nợ lương")
    shot(page, "monitor-topic-try")
    page.locator("button[value=save]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Topic.objects.get().query == '"no luong" OR "chậm lương" -kem'
    page.goto(f"{base}/topics/")
    expect(page.locator("table.topics tbody tr")).to_have_count(1)
    expect(page.locator("table.topics td.num")).to_have_text("2")  # matched again on saving
    shot(page, "monitor-topics")

    page.goto(f"{base}/")
    rows = page.locator("ol.queue > li")
    expect(rows).to_have_count(3)  # the repost is counted on its original, not listed
    # the topic, matched on saving, adds to the wages post's severity: it passes the scam
    expect(rows.nth(0)).to_contain_text("nợ lương")
    expect(rows.nth(0).locator(".severity")).to_have_text("75")
    expect(rows.nth(1)).to_contain_text("lừa đảo")
    expect(rows.nth(0).locator(".dups")).to_be_visible()
    expect(rows.nth(0).locator(".passage mark")).to_have_text("nợ lương")
    shot(page, "monitor-queue")

    rows.nth(0).locator("h2 a").click()
    expect(page.locator(".item-text mark").first).to_have_text("nợ lương")
    expect(page.locator("#class-toxic")).to_contain_text("62%")
    shot(page, "monitor-item")
    page.locator("#class-toxic button[value=clean]").click()
    expect(page.locator("#class-toxic button[value=clean]")).to_have_attribute(
        "aria-pressed", "true"
    )
    label = Label.objects.get()
    assert (label.field, label.value, label.made_by) == ("toxic", "clean", province_officer)
    shot(page, "monitor-item-labelled")

    page.select_option("#case select[name=assigned_to]", str(stream["helper"].pk))
    due = timezone.localtime(data.later(24)).strftime("%d/%m/%Y %H:%M")
    page.fill("#case input[name=due_at]", due)
    page.locator("#case button[type=submit]").click()
    expect(page.locator("ol.states li.current")).to_be_visible()
    case = ItemCase.objects.get()
    assert case.assigned_to == stream["helper"] and case.item == stream["wages"]
    shot(page, "monitor-case-new")

    for state in ("verifying", "responding"):
        page.select_option("#move select[name=to]", state)
        page.locator("#move button[type=submit]").click()
        expect(page.locator(".messages")).to_be_visible()
    page.select_option("#step select[name=kind]", "correction")
    page.fill("#step input[name=link]", CORRECTION)
    page.fill("#step textarea[name=text]", "Bài đính chính trên trang của LĐLĐ tỉnh.")
    page.locator("#step button[type=submit]").click()
    expect(page.locator(f'.timeline a[href="{CORRECTION}"]')).to_be_visible()
    page.select_option("#move select[name=to]", "resolved")
    page.fill("#move textarea[name=text]", "Công ty đã trả lương, bài viết đã được gỡ.")
    page.locator("#move button[type=submit]").click()
    expect(page.locator("#reopen")).to_be_visible()
    case.refresh_from_db()
    assert case.state == "resolved" and case.first_action_at and case.closed_at
    expect(page.locator(".timeline li")).to_have_count(4)
    shot(page, "monitor-case-resolved")

    page.goto(f"{base}/cases/")
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    shot(page, "monitor-cases")

    page.context.clear_cookies()
    login(page, live_server.url, "ctv")
    page.goto(f"{base}/cases/mine/")
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    shot(page, "monitor-my-cases")
