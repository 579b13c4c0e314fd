"""News published: recorded by a union's officer, refused with the reason next to the field,
never twice, counted for the indicators in the same transaction, listed within scope only,
corrected with optimistic locking and removed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.media.models import NewsPost
from tuyengiao.reporting.models import DataValue
from tuyengiao.reporting.services import elements_ensure

ITEM = {
    "unit": "GD-001",
    "channel": "facebook",
    "kind": "news",
    "title": "Trường THPT Hoa Lư A tuyên truyền Luật Công đoàn 2024",
    "address": "https://www.facebook.com/cdhoalua/posts/123",
    "published_on": "12/10/2026",
    "views": "1250",
}


@pytest.fixture(autouse=True)
def clock(db):
    elements_ensure()
    with time_machine.travel("2026-11-03 09:00 +07:00"):
        yield


def _count(unit, code="news_posts"):
    found = DataValue.objects.filter(element__code=code, unit=unit, period__code="2026").first()
    return found.value if found else None


def test_an_item_is_recorded_and_counted(tree, grassroots_officer):
    client = client_for(grassroots_officer)
    response = client.post(reverse("media:news_new"), ITEM)
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert post.published_on == dt.date(2026, 10, 12) and post.views == 1250
    assert _count(tree.school_a) == 1 and _count(tree.school_a, "news_posts_press") is None
    again = client.post(reverse("media:news_new"), ITEM)  # a double click
    assert again.status_code == 400
    assert "Tin bài này đã được ghi nhận cho công đoàn này." in again.content.decode()
    assert NewsPost.objects.count() == 1 and _count(tree.school_a) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published_on", "01/12/2026", "Ngày này chưa đến."),
        ("views", "-5", "Giá trị phải từ 0 trở lên."),
        ("address", "không phải địa chỉ", "Nhập một URL hợp lệ."),
        ("channel", "", "Trường này là bắt buộc."),
        ("activity", "999999", "Không có hoạt động nào mang số này."),
    ],
)
def test_bad_input_is_refused_next_to_the_field(tree, grassroots_officer, field, value, message):
    response = client_for(grassroots_officer).post(
        reverse("media:news_new"), {**ITEM, field: value}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html.split(f'name="{field}"')[1][:800], html.split(f'name="{field}"')[1][:800]
    assert not NewsPost.objects.exists()


def test_correcting_and_removing_recount_the_figures(tree, grassroots_officer):
    client = client_for(grassroots_officer)
    client.post(reverse("media:news_new"), ITEM)
    post = NewsPost.objects.get()
    url = reverse("media:news_edit", kwargs={"post_id": post.pk})
    moved = {**ITEM, "channel": "lao_dong", "published_on": "12/10/2025", "version": "1"}
    assert client.post(url, moved).status_code == 302
    assert _count(tree.school_a) is None  # no item left in 2026
    stale = client.post(url, {**moved, "title": "Tiêu đề khác"})  # the page of version 1
    assert stale.status_code == 400 and "Người khác đã sửa bản ghi này" in stale.content.decode()
    delete = reverse("media:news_delete", kwargs={"post_id": post.pk})
    assert client.post(delete, {"version": "2"}).status_code == 302
    assert not NewsPost.objects.exists()


def test_outside_the_scope_nothing_is_seen_or_changed(tree, grassroots_officer, outsider):
    client_for(grassroots_officer).post(reverse("media:news_new"), ITEM)
    post = NewsPost.objects.get()
    client = client_for(outsider)
    assert ITEM["title"] not in client.get(reverse("media:news")).content.decode()
    assert client.get(reverse("media:news"), {"unit": "GD-001"}).status_code == 403
    url = reverse("media:news_edit", kwargs={"post_id": post.pk})
    assert client.get(url).status_code == 403
    assert client.post(reverse("media:news_delete", kwargs={"post_id": post.pk})).status_code == 403
    recorded = client.post(reverse("media:news_new"), {**ITEM, "address": ""})
    assert recorded.status_code == 403 and NewsPost.objects.count() == 1


def test_the_list_searches_and_counts_by_channel(tree, province_officer, grassroots_officer):
    client = client_for(grassroots_officer)
    client.post(reverse("media:news_new"), ITEM)
    client.post(
        reverse("media:news_new"),
        {**ITEM, "channel": "provincial_paper", "address": "", "title": "Hội thi giáo viên giỏi"},
    )
    page = client_for(province_officer).get(reverse("media:news"), {"q": "luat cong doan"})
    html = page.content.decode()
    assert "Tuyên truyền Luật Công đoàn 2024".lower() in html.lower()
    assert "Hội thi giáo viên giỏi" not in html
    listed = client_for(province_officer).get(reverse("media:news")).content.decode()
    assert "Trang Facebook" in listed and "Báo tỉnh" in listed
    assert _count(tree.province, "news_posts") is None  # figures are the publisher's own
    assert _count(tree.school_a, "news_posts_press") == 1
