"""The triage queue and an item's page: worst first then newest, dismissed items and near
duplicates out of it (counted on the original), every filter, the search without diacritics,
the scope; the item's text with its topics' matches marked and anything it says shown as
text; people's labels stored (who, when) and applied, the severity recomputed; dismissing and
restoring; outsiders refused."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import client_for
from tests.media import monitor_data as data
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import item_services
from tuyengiao.media.item_case_services import case_open
from tuyengiao.media.models_monitoring import Item, Label
from tuyengiao.media.queue_selectors import QueueFilter, queue_for_user

QUEUE = reverse("media:queue")


@pytest.fixture
def stream(tree):
    """The province's items: a grievance, a scam, chatter, a repost of the grievance, a
    dismissed one; and one of the education sector's page."""
    wages_topic = data.topic(tree.province, "Lương công nhân NB", '"no luong" OR "chậm lương"')
    found_in = data.source(tree.province)
    items = {
        "wages": data.item(found_in, data.WAGES, minutes=10, severity=60, relevant=True,
                           sentiment="negative", grievance="unpaid_wages", toxic=False),
        "scam": data.item(found_in, data.SCAM, minutes=20, severity=60, relevant=True,
                          sentiment="neutral", grievance="scam", toxic=False),
        "chatter": data.item(found_in, data.CHATTER, minutes=30, severity=3, relevant=False,
                             sentiment="positive", grievance="none", toxic=False),
        "rude": data.item(found_in, "Bọn quản lý công ty này là lũ ăn cướp, đồ khốn nạn, "
                          "chửi thẳng mặt luôn chứ sợ gì", minutes=40, severity=35,
                          relevant=True, sentiment="negative", grievance="none", toxic=True),
        "gone": data.item(found_in, "Tin cũ về công đoàn đã xử lý xong từ lâu rồi nhé mọi "
                          "người đừng chia sẻ nữa", minutes=50, severity=90, dismissed=True),
    }  # fmt: skip
    items["repost"] = data.item(found_in, "CHIA SẺ: " + data.WAGES, minutes=60)
    sector = data.source(tree.education, "Trang Trường THPT Hoa Lư A")
    items["school"] = data.item(
        sector, "Giáo viên Trường THPT Hoa Lư A phản ánh chậm lương tháng 10", severity=40,
        relevant=True, sentiment="neutral", grievance="none", toxic=False,
    )  # fmt: skip
    return items | {"topic": wages_topic, "source": found_in, "sector": sector}


def _ids(user, **filters):
    return [item.pk for item in queue_for_user(user, QueueFilter(**filters))]


def test_worst_first_then_newest_without_dismissed_or_near_duplicates(stream, province_officer):
    assert stream["repost"].duplicate_of_id == stream["wages"].pk
    order = _ids(province_officer)
    # equal severity: the newer (scam, found 10 minutes later) first
    expected = ["scam", "wages", "school", "rude", "chatter"]
    assert order == [stream[name].pk for name in expected]
    page = client_for(province_officer).get(QUEUE).content.decode()
    positions = [page.index(f"/monitor/items/{stream[name].pk}/") for name in expected]
    assert positions == sorted(positions)
    assert f"/monitor/items/{stream['repost'].pk}/" not in page
    assert f"/monitor/items/{stream['gone'].pk}/" not in page
    wages_row = page.split(f"/monitor/items/{stream['wages'].pk}/")[1].split("</li>")[0]
    assert re.search(r"\b1\b", wages_row.split('class="dups"')[1][:80])  # one near duplicate


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"relevant": "no"}, ["chatter"]),
        ({"relevant": "yes", "toxic": "yes"}, ["rude"]),
        ({"sentiment": "negative"}, ["wages", "rude"]),
        ({"grievance": "any"}, ["scam", "wages"]),
        ({"grievance": "scam"}, ["scam"]),
        ({"query": "NO LUONG cong nhan"}, ["wages"]),  # without diacritics, any case
        ({"query": "lừa đảo"}, ["scam"]),
        ({"query": "luong thang 10"}, ["school"]),
        ({"dismissed": True}, ["gone"]),
    ],
)
def test_filters(stream, province_officer, filters, expected):
    assert _ids(province_officer, **filters) == [stream[name].pk for name in expected]


def test_filters_by_topic_source_and_case(stream, province_officer, tree):
    assert _ids(province_officer, topic=stream["topic"].pk) == [stream["wages"].pk]
    assert stream["school"].pk not in _ids(province_officer, source=stream["source"].pk)
    assert _ids(province_officer, source=stream["sector"].pk) == [stream["school"].pk]
    case_open(province_officer, item=stream["scam"])
    assert _ids(province_officer, case="yes") == [stream["scam"].pk]
    assert stream["scam"].pk not in _ids(province_officer, case="no")
    # the same through the page's query string
    page = client_for(province_officer).get(QUEUE, {"topic": stream["topic"].pk, "q": "no luong"})
    assert f"/monitor/items/{stream['wages'].pk}/" in page.content.decode()
    assert f"/monitor/items/{stream['scam'].pk}/" not in page.content.decode()


def test_each_reader_sees_the_items_of_their_scope(stream, upper_officer, outsider):
    assert _ids(upper_officer) == [stream["school"].pk]
    assert _ids(outsider) == []
    page = client_for(outsider).get(QUEUE).content.decode()
    assert "Trường THPT Hoa Lư A" not in page and "Lương công nhân NB" not in page  # nor filters


def test_the_queue_page_costs_a_fixed_number_of_queries(
    stream, province_officer, django_assert_max_num_queries
):
    client = client_for(province_officer)
    client.get(QUEUE)
    with django_assert_max_num_queries(12):
        assert client.get(QUEUE).status_code == 200


def test_the_item_page_marks_the_matches_and_shows_the_text_as_text(stream, province_officer, tree):
    found = data.item(
        stream["source"],
        'Công nhân bị nợ lương <script>alert("x")</script> & đòi quyền lợi chính đáng',
        title="Nợ lương <b>3 tháng</b>",
        author="Nguyễn Văn A",
        published_at=data.START,
    )
    page = client_for(province_officer).get(reverse("media:item", args=[found.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in body and "&lt;script&gt;alert(&quot;x&quot;)" in body
    assert "<mark>nợ lương</mark>" in body and "<mark>Nợ lương</mark> &lt;b&gt;3" in body
    assert "&amp; đòi" in body
    link = re.search(r'<a href="https://facebook.com/groups/congnhan/posts/\d+"[^>]*>', body)
    assert link and 'rel="noopener noreferrer nofollow"' in link[0]
    assert "01/11/2026 15:00" in body  # published 08:00 UTC, shown in Vietnam's time
    assert "Nguyễn Văn A" in body


def test_an_address_that_is_not_a_web_address_is_not_a_link(stream, province_officer):
    Item.objects.filter(pk=stream["chatter"].pk).update(address="javascript:alert(1)")
    body = client_for(province_officer).get(reverse("media:item", args=[stream["chatter"].pk]))
    assert 'href="javascript:' not in body.content.decode()


def test_the_page_shows_duplicates_and_the_classifiers_probabilities(stream, province_officer):
    Item.objects.filter(pk=stream["wages"].pk).update(
        scores={"relevant": {"relevant": 0.91, "irrelevant": 0.09}}
    )
    body = client_for(province_officer).get(reverse("media:item", args=[stream["wages"].pk]))
    text = body.content.decode()
    assert f"/monitor/items/{stream['repost'].pk}/" in text
    assert "91%" in text and "9%" in text


def test_a_label_is_stored_applied_and_reranks_the_item(stream, province_officer):
    chatter = stream["chatter"]
    client = client_for(province_officer)
    url = reverse("media:item_label", args=[chatter.pk])
    assert client.post(url, {"field": "grievance", "value": "unpaid_wages"}).status_code == 302
    assert client.post(url, {"field": "relevant", "value": "relevant"}).status_code == 302
    chatter.refresh_from_db()
    assert chatter.grievance == "unpaid_wages" and chatter.relevant is True
    assert chatter.severity == 30  # a grievance, now counted in full
    labels = list(Label.objects.filter(item=chatter).order_by("id"))
    assert [(lb.field, lb.value, lb.made_by) for lb in labels] == [
        ("grievance", "unpaid_wages", province_officer),
        ("relevant", "relevant", province_officer),
    ]
    assert all(label.made_at for label in labels)
    assert AuditEntry.objects.filter(action="item.label", object_id=str(chatter.pk)).count() == 2
    # confirming what the classifier said is a decision too
    client.post(url, {"field": "toxic", "value": "clean"})
    assert Label.objects.filter(item=chatter, field="toxic", value="clean").exists()


def test_bad_labels_are_refused(stream, province_officer):
    with pytest.raises(ValidationError):
        item_services.label_add(
            province_officer, item=stream["wages"], field="sentiment", value="furious"
        )
    with pytest.raises(ValidationError):
        item_services.label_add(province_officer, item=stream["wages"], field="age", value="30")
    response = client_for(province_officer).post(
        reverse("media:item_label", args=[stream["wages"].pk]), {"field": "toxic", "value": "x"}
    )
    assert response.status_code == 302 and not Label.objects.exists()


def test_who_may_label(stream, tree, leader, upper_officer):
    with pytest.raises(PermissionDenied):  # reads, does not decide
        item_services.label_add(leader, item=stream["wages"], field="toxic", value="clean")
    with pytest.raises(PermissionDenied):  # the province's item, not the sector's
        item_services.label_add(upper_officer, item=stream["wages"], field="toxic", value="clean")
    helper = data.collaborator("ctv", tree.province)
    item_services.label_add(helper, item=stream["wages"], field="toxic", value="clean")
    assert Label.objects.get().made_by == helper


def test_dismiss_and_restore(stream, province_officer):
    client = client_for(province_officer)
    rude = stream["rude"]
    assert client.post(reverse("media:item_dismiss", args=[rude.pk])).status_code == 302
    assert rude.pk not in _ids(province_officer)
    assert rude.pk in _ids(province_officer, dismissed=True)
    assert client.post(reverse("media:item_restore", args=[rude.pk])).status_code == 302
    assert rude.pk in _ids(province_officer)
    actions = AuditEntry.objects.filter(object_type="media.item", object_id=str(rude.pk))
    actions = actions.values_list("action", flat=True)
    assert sorted(actions) == ["item.dismiss", "item.restore"]


def test_an_item_with_an_open_case_is_not_dismissed(stream, province_officer):
    case_open(province_officer, item=stream["scam"])
    with pytest.raises(ValidationError):
        item_services.item_dismiss(province_officer, item=stream["scam"])
    assert not Item.objects.get(pk=stream["scam"].pk).dismissed


def test_outsiders_are_refused_the_item_and_its_actions(stream, outsider, upper_officer):
    client = client_for(outsider)
    wages = stream["wages"]
    assert client.get(reverse("media:item", args=[wages.pk])).status_code == 403
    for name in ("item_label", "item_dismiss", "item_restore", "item_case_open"):
        response = client.post(
            reverse(f"media:{name}", args=[wages.pk]), {"field": "toxic", "value": "toxic"}
        )
        assert response.status_code == 403, name
    wages.refresh_from_db()
    assert not wages.dismissed and not Label.objects.exists()
    assert client_for(upper_officer).get(reverse("media:item", args=[wages.pk])).status_code == 403
