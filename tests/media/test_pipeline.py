"""The pipeline every found item goes through: an address seen before is set aside, a near
duplicate points at the item it repeats (in the batch or stored), topics match with and without
diacritics, the classifier's answers fill the item, and the severity puts workers' grievances
before chatter; a topic query that no longer parses does not stop anything."""

from __future__ import annotations

import pytest

from tuyengiao.media.models import Item, ItemBand, Source, Topic
from tuyengiao.media.pipeline import Found, ingest

WAGES = (
    "Công ty TNHH May Yên Khánh nợ lương công nhân ba tháng nay, hàng trăm người lao động "
    "kéo nhau ra cổng đòi quyền lợi mà chưa ai giải quyết, công đoàn ở đâu?"
)
REPOST = (
    "CHIA SẺ: Công ty TNHH May Yên Khánh nợ lương công nhân ba tháng nay, hàng trăm người lao "
    "động kéo nhau ra cổng đòi quyền lợi mà chưa ai giải quyết, công đoàn ở đâu?"
)
CHATTER = "Hôm nay trời đẹp quá, cả nhà đi chơi công viên, ăn kem ngon tuyệt vời các bạn ạ."


@pytest.fixture
def source(tree):
    Topic.objects.create(unit=tree.province, name="Nợ lương", query='"no luong" OR "chậm lương"')
    Topic.objects.create(unit=tree.province, name="Hỏng", query="(lương")  # saved long ago
    return Source.objects.create(unit=tree.province, name="Nhóm Facebook công nhân", kind="manual")


def test_a_batch_is_deduplicated_matched_classified_and_ranked(source):
    outcome = ingest(
        source,
        [
            Found(WAGES, address="https://m.facebook.com/groups/congnhan/posts/1?fbclid=x"),
            Found(WAGES, address="https://www.facebook.com/groups/congnhan/posts/1"),  # seen
            Found(REPOST, address="https://facebook.com/groups/congnhan/posts/2"),
            Found("   \u200b  "),
            Found(CHATTER, address="https://facebook.com/an.kem/posts/3"),
        ],
    )
    assert (len(outcome.created), outcome.seen, outcome.near, outcome.empty) == (3, 1, 1, 1)
    wages, repost, chatter = outcome.created
    assert wages.canonical == "https://facebook.com/groups/congnhan/posts/1"
    assert repost.duplicate_of == wages and wages.duplicate_of is None
    assert [t.name for t in Item.objects.get(pk=wages.pk).topics.all()] == ["Nợ lương"]
    assert wages.relevant is True and wages.sentiment == "negative"
    assert wages.grievance == "unpaid_wages" and chatter.relevant is False
    assert wages.severity > repost.severity and wages.severity > chatter.severity
    assert set(wages.scores) == {"relevant", "sentiment", "toxic", "grievance"}
    assert ItemBand.objects.filter(item=wages).count() == 16
    assert Source.objects.get().item_count == 3


def test_a_later_repost_is_found_among_the_stored_items(source):
    first = ingest(source, [Found(WAGES, address="https://facebook.com/a/posts/1")]).created[0]
    later = ingest(source, [Found(REPOST, address="https://facebook.com/b/posts/9")])
    assert later.near == 1 and later.created[0].duplicate_of == first


def test_items_of_another_unit_are_not_duplicates(source, tree):
    ingest(source, [Found(WAGES, address="https://facebook.com/a/posts/1")])
    other = Source.objects.create(unit=tree.education, name="Trang ngành", kind="manual")
    again = ingest(other, [Found(WAGES, address="https://facebook.com/a/posts/1")])
    assert (len(again.created), again.seen, again.near) == (1, 0, 0)
