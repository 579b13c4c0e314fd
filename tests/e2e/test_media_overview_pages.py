"""The monitoring overview and the classifier models in a real browser: the provincial officer
reads the twelve weeks (key figures, the chart, volume by sentiment and by topic, sources with
their last error, cases, workload), downloads the workbook; on the models page a retraining of a
field with too few labels is refused next to the field, a retraining of sentiment runs and shows
its evaluation beside the model in use, and switching to it makes the pipeline use it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, shot
from tests.media.test_retraining import _labelled, _rows
from tuyengiao.media import pipeline
from tuyengiao.media.classifier import default_models
from tuyengiao.media.models_monitoring import ClassifierModel, Item, ItemCase, Source, Topic

ZONE = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=ZONE)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _spread(items: list[Item]) -> None:
    """The items over the last ten weeks, more each week, sentiments mixed."""
    sentiments = ["negative", "negative", "neutral", "positive", "negative", ""]
    for index, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(
            found_at=NOW - dt.timedelta(days=70 - index * 2, hours=index % 5),
            sentiment=sentiments[index % len(sentiments)],
            relevant=index % 7 != 0,
        )


@pytest.fixture
def monitored(clock, tree, province_officer, grassroots_officer, media):
    items = _labelled(tree.province, province_officer, _rows("sentiment", 12))
    Source.objects.filter(unit=tree.province).update(
        name="Báo Lao động Ninh Bình (RSS)", kind="feed", succeeded_at=NOW - dt.timedelta(hours=2)
    )
    Source.objects.create(
        unit=tree.garment,
        name="Nhóm công nhân May Yên Khánh",
        kind="page",
        error="Máy chủ trả lời lỗi 503",
        error_at=NOW - dt.timedelta(hours=5),
        failures=3,
    )
    _spread(items)
    wages = Topic.objects.create(unit=tree.province, name="Nợ lương", query="lương")
    food = Topic.objects.create(unit=tree.province, name="Bữa ăn ca", query="bữa ăn")
    for index, item in enumerate(items):
        item.topics.add(wages if index % 3 else food)
    for index, item in enumerate(items[20:30]):
        opened = NOW - dt.timedelta(days=20 - index)
        case = ItemCase.objects.create(item=item, unit=item.unit)
        ItemCase.objects.filter(pk=case.pk).update(
            opened_at=opened,
            first_action_at=opened + dt.timedelta(hours=2 + index),
            closed_at=opened + dt.timedelta(days=2) if index < 4 else None,
            state="resolved" if index < 4 else ("new", "verifying", "responding")[index % 3],
            due_at=opened + dt.timedelta(days=5),
            assigned_to=(province_officer, grassroots_officer, None)[index % 3],
        )
    return items


def test_the_overview_and_its_workbook(page: Page, live_server, monitored, province_officer):
    base = live_server.url
    login(page, base, province_officer.username)
    page.goto(f"{base}/media/insights/")
    expect(page.locator("h1")).to_contain_text("Liên đoàn Lao động tỉnh Ninh Bình")
    expect(page.locator("svg.volume-chart")).to_be_visible()
    sentiment = page.locator("table.by-sentiment tbody tr")
    expect(sentiment).to_have_count(6)
    expect(sentiment.first.locator("td").last).to_have_text("36")
    expect(page.locator("table.by-topic tbody tr")).to_have_count(2)
    expect(page.locator("table.sources")).to_contain_text("Máy chủ trả lời lỗi 503")
    expect(page.locator(".first-response")).not_to_have_text("—")
    expect(page.locator("table.workload tbody tr")).to_have_count(3)
    shot(page, "media-overview")

    with page.expect_download() as info:
        page.locator("a[href*='format=xlsx']").click()
    download = info.value
    assert download.suggested_filename.startswith("theo-doi-truc-tuyen-NB-")
    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert len(book.sheetnames) == 6

    page.fill("#id_unit", "YK")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Yên Khánh")
    expect(page.locator("table.sources tbody tr")).to_have_count(1)
    shot(page, "media-overview-district")


def test_retraining_and_switching(page: Page, live_server, monitored, province_officer):
    base = live_server.url
    login(page, base, province_officer.username)
    page.goto(f"{base}/media/insights/")
    page.locator(".subnav a[href$='/models/']").click()
    expect(page.locator("section.field-models")).to_have_count(4)
    expect(page.locator("#field-sentiment tr.default")).to_have_class("default in-use")
    shot(page, "media-models")

    page.select_option("#id_field", "toxic")
    page.locator("form.retrain button[type=submit]").click()
    expect(page.locator(".field.has-error")).to_contain_text("30")
    assert not ClassifierModel.objects.exists()
    shot(page, "media-models-refused")

    page.select_option("#id_field", "sentiment")
    page.uncheck("#id_with_training_set")
    page.locator("form.retrain button[type=submit]").click()
    chosen = ClassifierModel.objects.get()
    row = page.locator(f"#model-{chosen.pk}")
    expect(row.locator("td.macro-f1")).not_to_have_text("—", timeout=30_000)
    expect(row.locator("td.compared")).to_contain_text("/")
    shot(page, "media-models-retrained")

    row.locator("form button").click()
    expect(page.locator(f"#model-{chosen.pk}")).to_have_class("model in-use")
    expect(page.locator("#field-sentiment form[action$='/default/'] button")).to_be_visible()
    assert pipeline.classifiers()["sentiment"] is not default_models()["sentiment"]
    shot(page, "media-models-switched")

    page.locator("#field-sentiment form[action$='/default/'] button").click()
    expect(page.locator("#field-sentiment tr.default")).to_have_class("default in-use")
    assert pipeline.classifiers()["sentiment"] is default_models()["sentiment"]
