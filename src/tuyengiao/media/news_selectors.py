"""Reads of the news items, scoped to the acting user: the list (search, channel, unit, year),
its counts by channel, and one item behind its gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.text import search_terms
from tuyengiao.media.models import Channel, NewsPost
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit


@dataclass(frozen=True)
class NewsFilter:
    query: str = ""
    channel: str = ""
    unit: OrgUnit | None = None  # items of the units ever under it
    year: int | None = None


def news_for_user(user: User, filters: NewsFilter = NewsFilter()) -> QuerySet[NewsPost]:
    """The items of the units ever under the user's scope, newest first."""
    found = NewsPost.objects.select_related("unit", "activity")
    root = access.scope_root_id(user)
    if root is not None:
        found = found.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    if filters.unit is not None:
        access.require(access.can_read(user, filters.unit))
        found = found.filter(unit_id__in=hierarchy.ever_descendant_ids(filters.unit.pk))
    if filters.channel:
        found = found.filter(channel=filters.channel)
    if filters.year:
        start = dt.date(filters.year, 1, 1)
        found = found.filter(
            published_on__gte=start, published_on__lt=start.replace(year=start.year + 1)
        )
    for term in search_terms(filters.query):
        found = found.filter(search_key__contains=term)
    return found.order_by("-published_on", "-id")


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    items: int
    views: int


def by_channel(found: QuerySet[NewsPost]) -> list[ChannelCount]:
    """How many of the listed items each channel carried, and their views (one query)."""
    rows = found.order_by().values("channel").annotate(items=Count("id"), views=Sum("views"))
    counted = {row["channel"]: row for row in rows}
    return [
        ChannelCount(value, str(label), counted[value]["items"], counted[value]["views"] or 0)
        for value, label in Channel.choices
        if value in counted
    ]


def news_for_user_by_id(user: User, post_id: int) -> NewsPost:
    """The gate to one item: 404 if there is none, 403 if its union is outside the scope."""
    post = NewsPost.objects.select_related("unit", "activity").filter(pk=post_id).first()
    if post is None:
        raise Http404(post_id)
    access.require(access.can_read(user, post.unit))
    return post


def can_write(user: User, post: NewsPost) -> bool:
    return access.can_write(user, post.unit)
