"""Reads of online items, scoped to the acting user: the triage queue — worst first, filtered —
and one item's page (its text with the topics' matches marked, classes, duplicates, labels,
case).

Speed. The queue reads the items of the units ever under the reader's scope unit, not
dismissed, not near duplicates, ordered by (severity, found, id) descending. The units are
those of the sources in scope (a handful: sources are watched for a province or a district),
and the partial index `item_queue` (unit, -severity, -found_at, -id) holds exactly the queue's
rows in its order, so a page reads its 50 rows and the count counts index entries. The
duplicate counts, topics and cases are read for the page's rows only. The search uses
Item.search_key (title and text folded, every word must occur): a scan of the unit's queue,
stopping at the page's last match. The author is never searched (no looking people up)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from tuyengiao.accounts.models import User
from tuyengiao.core.text import search_terms
from tuyengiao.media import highlight, monitor_access
from tuyengiao.media.item_services import LABEL_VALUES, VALUE_NAMES, label_value
from tuyengiao.media.models_monitoring import (
    Grievance,
    Item,
    ItemCase,
    Label,
    LabelField,
    Source,
    Topic,
)
from tuyengiao.media.query import Query
from tuyengiao.orgs import access, hierarchy

ANY_GRIEVANCE = "any"
YES, NO = "yes", "no"


@dataclass(frozen=True)
class QueueFilter:
    query: str = ""
    topic: int | None = None
    source: int | None = None
    relevant: str = ""  # yes, no
    sentiment: str = ""
    toxic: str = ""  # yes, no
    grievance: str = ""  # a Grievance, or "any" for every grievance but none
    case: str = ""  # yes: with a case, no: without
    dismissed: bool = False  # the dismissed items instead of the queue


def _in_scope(user: User, items: QuerySet[Item]) -> QuerySet[Item]:
    """The items of the units ever under the user's scope unit. An item's unit is its
    source's (a source never changes unit), so the few units watched are read from the
    sources first: the items are then read by unit, in the queue's index order, rather than
    probing the index for each of a province's thousands of units and sorting the result."""
    root = access.scope_root_id(user)
    if root is None:
        return items
    watched = (
        Source.objects.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return items.filter(unit_id__in=list(watched))


def queue_for_user(user: User, filters: QueueFilter = QueueFilter()) -> QuerySet[Item]:
    """The items of the units ever under the user's scope, worst first, then newest."""
    items = _in_scope(user, Item.objects.select_related("source", "case__assigned_to"))
    items = items.filter(dismissed=filters.dismissed, duplicate_of__isnull=True)
    items = _classes(items, filters)
    if filters.topic is not None:
        through = Item.topics.through.objects.filter(item_id=OuterRef("pk"), topic=filters.topic)
        items = items.filter(Exists(through))
    if filters.source is not None:
        items = items.filter(source_id=filters.source)
    if filters.case:
        items = items.filter(case__isnull=filters.case == NO)
    for term in search_terms(filters.query):
        items = items.filter(search_key__contains=term)
    return items.order_by("-severity", "-found_at", "-id")


def _classes(items: QuerySet[Item], filters: QueueFilter) -> QuerySet[Item]:
    if filters.relevant:
        items = items.filter(relevant=filters.relevant == YES)
    if filters.toxic:
        items = items.filter(toxic=filters.toxic == YES)
    if filters.sentiment:
        items = items.filter(sentiment=filters.sentiment)
    if filters.grievance == ANY_GRIEVANCE:
        items = items.exclude(grievance__in=["", Grievance.NONE])
    elif filters.grievance:
        items = items.filter(grievance=filters.grievance)
    return items


@dataclass
class Row:
    """One line of the queue: the item, a passage with its topics marked, its topics and
    how many near duplicates repeat it."""

    item: Item
    passage: SafeString
    topics: list[Topic] = field(default_factory=list)
    duplicates: int = 0


def rows(items: Sequence[Item]) -> list[Row]:
    """The page's rows, in three queries whatever the page size: topics, duplicate counts,
    and nothing per row."""
    ids = [item.pk for item in items]
    through = Item.topics.through.objects.filter(item_id__in=ids).select_related("topic")
    topics: dict[int, list[Topic]] = {}
    for link in through:
        topics.setdefault(link.item_id, []).append(link.topic)
    counts = dict(
        Item.objects.filter(duplicate_of_id__in=ids)
        .values("duplicate_of_id")
        .annotate(n=Count("id"))
        .values_list("duplicate_of_id", "n")
    )
    compiled = _compiled({t.pk: t for found in topics.values() for t in found})
    return [
        Row(
            item=item,
            passage=highlight.passage(
                item.text, [compiled[t.pk] for t in topics.get(item.pk, []) if t.pk in compiled]
            ),
            topics=sorted(topics.get(item.pk, []), key=lambda t: t.name),
            duplicates=counts.get(item.pk, 0),
        )
        for item in items
    ]


def _compiled(topics: dict[int, Topic]) -> dict[int, Query]:
    found = {}
    for pk, topic in topics.items():
        queries = highlight.compiled([topic.query])
        if queries:
            found[pk] = queries[0]
    return found


def sources_for_user(user: User) -> QuerySet[Source]:
    """The sources of the units ever under the user's scope (the queue's filter)."""
    sources = Source.objects.all()
    root = access.scope_root_id(user)
    if root is not None:
        sources = sources.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    return sources.order_by("name", "id")


def item_for_user(user: User, item_id: int) -> Item:
    """The gate to one item: 404 if there is none, 403 unless its unit is in the user's
    scope or the user is the assignee of its case."""
    item = (
        Item.objects.select_related("source", "unit", "duplicate_of", "case__assigned_to")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(item_id)
    access.require(
        access.can_read(user, item.unit) or monitor_access.is_assignee(user, _case(item))
    )
    return item


def _case(item: Item) -> ItemCase | None:
    try:
        return item.case
    except ItemCase.DoesNotExist:
        return None


@dataclass(frozen=True)
class Choice:
    value: str
    name: str
    score: int | None  # the classifier's probability, in percent


@dataclass(frozen=True)
class ClassRow:
    """One field of the item: its value, the last person to decide it, and the values a
    person may choose with the classifier's probability of each."""

    field: str
    label: str
    value: str
    value_name: str
    decided: Label | None
    choices: list[Choice]


@dataclass(frozen=True)
class ItemPage:
    item: Item
    title: SafeString
    text: SafeString
    link: str  # the item's address when it is a web address (never a javascript: one)
    topics: list[Topic]
    duplicates: list[Item]
    classes: list[ClassRow]
    labels: list[Label]
    case: ItemCase | None
    can_triage: bool
    can_open_case: bool


def item_page(user: User, item_id: int) -> ItemPage:
    item = item_for_user(user, item_id)
    topics = _topics_shown(item)
    queries = highlight.compiled(topic.query for topic in topics)
    labels = list(item.labels.select_related("made_by")[:50])
    case = _case(item)
    triage = monitor_access.can_triage(user, item.unit)
    return ItemPage(
        item=item,
        title=highlight.marked(item.title, queries),
        text=highlight.marked(item.text, queries),
        link=item.address if item.address.lower().startswith(("https://", "http://")) else "",
        topics=topics,
        duplicates=list(item.duplicates.select_related("source").order_by("found_at", "id")[:50]),
        classes=_class_rows(item, labels),
        labels=labels,
        case=case,
        can_triage=triage,
        can_open_case=case is None
        and not item.dismissed
        and item.duplicate_of_id is None
        and monitor_access.can_manage(user, item.unit),
    )


def _topics_shown(item: Item) -> list[Topic]:
    """The topics it matched when found, and the unit's active topics it matches now (one
    written since)."""
    stored = list(item.topics.all())
    known = {topic.pk for topic in stored}
    text = f"{item.title}\n{item.text}"
    for topic in Topic.objects.filter(unit_id=item.unit_id, active=True).exclude(pk__in=known):
        queries = highlight.compiled([topic.query])
        if queries and queries[0].matches(text):
            stored.append(topic)
    return sorted(stored, key=lambda topic: topic.name)


def _class_rows(item: Item, labels: list[Label]) -> list[ClassRow]:
    latest: dict[str, Label] = {}
    for label in labels:  # newest first
        latest.setdefault(label.field, label)
    scores = item.scores if isinstance(item.scores, dict) else {}
    found = []
    for name, title in LabelField.choices:
        given = scores.get(name) or {}
        value = label_value(item, name)
        found.append(
            ClassRow(
                field=name,
                label=str(title),
                value=value,
                value_name=str(VALUE_NAMES.get(value, value)),
                decided=latest.get(name),
                choices=[
                    Choice(
                        value=choice,
                        name=str(VALUE_NAMES.get(choice, choice)),
                        score=round(100 * float(given[choice])) if choice in given else None,
                    )
                    for choice in LABEL_VALUES[name]
                ],
            )
        )
    return found
