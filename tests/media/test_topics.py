"""Topic queries: written by the staff who can write the unit, refused with media.query's own
message next to the field when they cannot be read, tried on the unit's latest items (how many
match, a few with the matches marked) before saving, corrected with optimistic locking,
switched off and on; others are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import client_for
from tests.media import monitor_data as data
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import topic_services as services
from tuyengiao.media.models_monitoring import Item, Topic
from tuyengiao.media.query import QueryError, parse
from tuyengiao.media.topic_selectors import preview

NEW = reverse("media:topic_new")


def _error_of(query: str) -> str:
    """What media.query says of the query, in the active language."""
    with pytest.raises(QueryError) as refused:
        parse(query)
    return refused.value.message


@pytest.fixture
def found(tree):
    source = data.source(tree.province)
    return [
        data.item(source, data.WAGES, minutes=1),
        data.item(source, "Công ty chậm trả luong, công nhân bức xúc vì không có tiền", minutes=2),
        data.item(source, data.CHATTER, minutes=3),
    ]


@pytest.mark.parametrize(
    "query", ["(lương", "NOT (tăng ca)", '"nợ lương', "lương OR", "lương ()", "a AND OR b"]
)
def test_a_query_that_cannot_be_read_is_refused_next_to_its_field(province_officer, query):
    response = client_for(province_officer).post(
        NEW, {"unit": "NB", "name": "Lương", "query": query, "active": "on", "action": "save"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["query"] and errors["query"] == [_error_of(query)]
    assert not Topic.objects.exists()


def test_a_topic_is_written_audited_and_matched_against_new_items(tree, province_officer):
    response = client_for(province_officer).post(
        NEW, {"unit": "NB", "name": "Nợ lương", "query": '"no luong" OR "chậm lương"',
              "active": "on", "action": "save"},
    )  # fmt: skip
    topic = Topic.objects.get()
    assert response.status_code == 302 and topic.unit == tree.province and topic.active
    assert AuditEntry.objects.filter(action="topic.create", object_id=str(topic.pk)).exists()
    item = data.item(data.source(tree.province), data.WAGES)
    assert list(item.topics.all()) == [topic]


def test_two_topics_of_one_unit_are_not_named_alike(tree, province_officer):
    services.topic_create(
        province_officer, unit=tree.province, data=services.TopicInput("Nợ lương", "no luong")
    )
    with pytest.raises(ValidationError) as refused:
        services.topic_create(
            province_officer, unit=tree.province, data=services.TopicInput("NO LUONG", "luong")
        )
    assert set(refused.value.message_dict) == {"name"}
    # another unit may use the name
    services.topic_create(
        province_officer, unit=tree.education, data=services.TopicInput("Nợ lương", "luong")
    )


def test_try_it_counts_the_matches_and_marks_them_without_saving(found, province_officer):
    response = client_for(province_officer).post(
        NEW, {"unit": "NB", "name": "", "query": "luong -kem", "action": "try"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Topic.objects.exists()
    assert response.context["preview"].tried == 3 and response.context["preview"].matched == 2
    assert "<mark>lương</mark>" in body and "<mark>luong</mark>" in body  # folded word: both
    assert response.context["form"].errors == {}  # the name may wait until saving


def test_a_word_with_diacritics_matches_only_that_spelling(found, tree):
    assert preview(tree.province, parse("lương")).matched == 1
    assert preview(tree.province, parse("luong")).matched == 2
    assert preview(tree.province, parse('"đi chơi" công viên')).matched == 1


def test_try_it_with_a_bad_query_shows_the_message(found, province_officer):
    response = client_for(province_officer).post(
        NEW, {"unit": "NB", "name": "", "query": "(luong", "action": "try"}
    )
    assert response.context["form"].errors["query"] == [_error_of("(luong")]
    assert response.context["preview"] is None


def test_try_it_is_refused_on_another_units_items(found, upper_officer):
    response = client_for(upper_officer).post(
        NEW, {"unit": "NB", "name": "", "query": "luong", "action": "try"}
    )
    assert response.context["preview"] is None and "unit" in response.context["form"].errors
    assert "nợ lương" not in response.content.decode()


def test_correcting_with_a_stale_version_is_refused(tree, province_officer):
    topic = data.topic(tree.province, "Nợ lương", "no luong")
    client = client_for(province_officer)
    url = reverse("media:topic_edit", args=[topic.pk])
    assert "<mark>" not in client.get(url).content.decode()  # nothing found yet
    saved = client.post(
        url, {"version": "1", "name": "Nợ lương", "query": "no luong OR nợ BHXH", "active": "on"}
    )
    assert saved.status_code == 302
    stale = client.post(url, {"version": "1", "name": "Lương", "query": "luong", "active": "on"})
    topic.refresh_from_db()
    assert stale.status_code == 400 and stale.context["form"].non_field_errors()
    assert (topic.name, topic.query, topic.version) == ("Nợ lương", "no luong OR nợ BHXH", 2)


def test_switching_off_and_on(tree, province_officer):
    topic = data.topic(tree.province, "Nợ lương", "no luong")
    client = client_for(province_officer)
    url = reverse("media:topic_active", args=[topic.pk])
    client.post(url, {"version": "1", "active": "0"})
    topic.refresh_from_db()
    assert not topic.active
    assert not data.item(data.source(tree.province), data.WAGES).topics.exists()
    client.post(url, {"version": "2", "active": "1"})
    topic.refresh_from_db()
    assert topic.active and topic.version == 3
    actions = AuditEntry.objects.filter(object_type="media.topic").values_list("action", flat=True)
    assert sorted(actions) == ["topic.activate", "topic.deactivate"]


def test_who_may_write_topics(tree, leader, upper_officer, outsider, province_officer):
    topic = data.topic(tree.province, "Nợ lương", "no luong")
    assert client_for(leader).get(NEW).status_code == 403
    assert client_for(leader).get(reverse("media:topic_edit", args=[topic.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.topic_create(
            upper_officer, unit=tree.province, data=services.TopicInput("Lương", "luong")
        )
    refused = client_for(outsider).post(
        reverse("media:topic_edit", args=[topic.pk]),
        {"version": "1", "name": "x", "query": "x", "active": "on"},
    )
    assert refused.status_code == 403
    assert (
        client_for(outsider)
        .post(reverse("media:topic_active", args=[topic.pk]), {"version": "1", "active": "0"})
        .status_code
        == 403
    )
    topic.refresh_from_db()
    assert topic.name == "Nợ lương" and topic.active
    listing = client_for(outsider).get(reverse("media:topics")).content.decode()
    assert "Nợ lương" not in listing
    assert "Nợ lương" in client_for(province_officer).get(reverse("media:topics")).content.decode()


def test_saving_matches_the_latest_items_again_and_reranks_them(found, tree, province_officer):
    wages, slow, chatter = found
    before = {item.pk: Item.objects.get(pk=item.pk).severity for item in found}
    topic = services.topic_create(
        province_officer, unit=tree.province, data=services.TopicInput("Lương", "luong")
    )
    assert set(topic.items.values_list("pk", flat=True)) == {wages.pk, slow.pk}
    assert Item.objects.get(pk=wages.pk).severity > before[wages.pk]
    assert Item.objects.get(pk=chatter.pk).severity == before[chatter.pk]
    services.topic_update(
        province_officer, topic=topic, data=services.TopicInput("Lương", "lương"), version=1
    )
    assert list(topic.items.values_list("pk", flat=True)) == [wages.pk]
    assert Item.objects.get(pk=slow.pk).severity == before[slow.pk]
    entry = AuditEntry.objects.get(action="topic.update")
    assert entry.after["items_rematched"] == 1
    services.topic_set_active(province_officer, topic=topic, active=False, version=2)
    assert list(topic.items.values_list("pk", flat=True)) == [wages.pk]  # links kept
