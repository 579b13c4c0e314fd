"""Reads of topic queries, scoped to the acting user: the list, one topic behind its gate, and
the "try it" preview — how a query fares on the unit's latest items before it is saved."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from tuyengiao.accounts.models import User
from tuyengiao.media import highlight
from tuyengiao.media.models_monitoring import Item, Topic
from tuyengiao.media.query import Query
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit

PREVIEW_ITEMS = 500  # the latest items a query is tried on: a second's work at most
PREVIEW_EXAMPLES = 5


def topics_for_user(user: User) -> QuerySet[Topic]:
    """The topics of the units ever under the user's scope."""
    topics = Topic.objects.select_related("unit")
    root = access.scope_root_id(user)
    if root is not None:
        topics = topics.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    return topics.order_by("name", "id")


def topic_list_for_user(user: User) -> QuerySet[Topic]:
    """The list page: active topics first, with how many items each has matched."""
    return topics_for_user(user).annotate(matched=Count("items")).order_by("-active", "name", "id")


def topic_for_user(user: User, topic_id: int) -> Topic:
    """The gate to one topic: 404 if there is none, 403 if its unit is outside the scope."""
    topic = Topic.objects.select_related("unit").filter(pk=topic_id).first()
    if topic is None:
        raise Http404(topic_id)
    access.require(access.can_read(user, topic.unit))
    return topic


@dataclass(frozen=True)
class Example:
    item: Item
    title: SafeString
    passage: SafeString


@dataclass(frozen=True)
class Preview:
    tried: int  # the latest items of the unit the query was tried on
    matched: int
    examples: list[Example]


def preview(unit: OrgUnit, query: Query) -> Preview:
    """How many of the unit's latest items the query matches — the items its topic would
    have matched (the pipeline matches a unit's topics against the unit's items) — and the
    first few, their matches marked."""
    latest = list(
        Item.objects.filter(unit=unit)
        .only("pk", "title", "text", "found_at", "address")
        .order_by("-found_at", "-id")[:PREVIEW_ITEMS]
    )
    matching = [item for item in latest if query.matches(f"{item.title}\n{item.text}")]
    examples = [
        Example(
            item=item,
            title=highlight.marked(item.title, [query]),
            passage=highlight.passage(item.text, [query]),
        )
        for item in matching[:PREVIEW_EXAMPLES]
    ]
    return Preview(tried=len(latest), matched=len(matching), examples=examples)
