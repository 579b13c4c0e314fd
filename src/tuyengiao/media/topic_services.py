"""Writes of topic queries: created for a unit, corrected, switched off and on. A query is
stored only if media.query can read it, so the pipeline never meets one it cannot match; its
message goes next to the field. Every write checks the version the user saw and is audited.

The pipeline matches each new item against the unit's active topics. A topic written or
corrected today would otherwise match nothing until new items come, although "try it" showed
matches: so saving it (or switching it on) matches it again against the unit's latest items —
the same ones "try it" reads — and recomputes their severity. Older items keep the topics they
matched when found; switching a topic off keeps its links."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.media import monitor_access, severity
from tuyengiao.media.models_monitoring import NAME_LIMIT, Item, Topic
from tuyengiao.media.query import Query, QueryError, parse
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit

FIELDS = ["name", "query", "active"]
REMATCHED_ITEMS = 500  # as many as "try it" reads (topic_selectors.PREVIEW_ITEMS)


@dataclass(frozen=True)
class TopicInput:
    name: str
    query: str
    active: bool = True


def checked_query(text: str) -> Query:
    """The compiled query, or the field's error (the message media.query gives)."""
    try:
        return parse(text)
    except QueryError as error:
        raise ValidationError({"query": error.message}) from error


def _cleaned(unit: OrgUnit, data: TopicInput, topic: Topic | None = None) -> TopicInput:
    """The topic as it will be stored, or every field's error at once."""
    cleaned = TopicInput(name=clean(data.name), query=data.query.strip(), active=data.active)
    errors: dict[str, str] = {}
    if not cleaned.name:
        errors["name"] = _("Give the topic a name.")
    elif len(cleaned.name) > NAME_LIMIT:
        errors["name"] = _("At most %(limit)s characters.") % {"limit": NAME_LIMIT}
    elif _name_taken(unit, cleaned.name, topic):
        errors["name"] = _("This unit already has a topic of this name.")
    try:
        checked_query(cleaned.query)
    except ValidationError as error:
        errors["query"] = error.message_dict["query"][0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _name_taken(unit: OrgUnit, name: str, topic: Topic | None) -> bool:
    """Two topics of one unit named alike (diacritics and case aside) would confuse the
    queue's filter."""
    others = Topic.objects.filter(unit=unit)
    if topic is not None:
        others = others.exclude(pk=topic.pk)
    key = search_key(name)
    return any(search_key(other) == key for other in others.values_list("name", flat=True))


@transaction.atomic
def topic_create(actor: User | None, *, unit: OrgUnit, data: TopicInput) -> Topic:
    access.require(actor is None or monitor_access.can_manage(actor, unit))
    cleaned = _cleaned(unit, data)
    topic = Topic.objects.create(
        unit=unit, name=cleaned.name, query=cleaned.query, active=cleaned.active
    )
    after = snapshot(topic, FIELDS) | {"items_rematched": rematch(topic)}
    audit_record(actor, action="topic.create", obj=topic, unit=unit, after=after)
    return topic


def _locked(topic: Topic, version: int) -> Topic:
    stored = Topic.objects.select_for_update().select_related("unit").get(pk=topic.pk)
    check_version(stored, version)
    return stored


@transaction.atomic
def topic_update(actor: User | None, *, topic: Topic, data: TopicInput, version: int) -> Topic:
    """Applies to the items found from now on; those already matched keep their topics."""
    stored = _locked(topic, version)
    access.require(actor is None or monitor_access.can_manage(actor, stored.unit))
    cleaned = _cleaned(stored.unit, data, stored)
    before = snapshot(stored, FIELDS)
    stored.name, stored.query, stored.active = cleaned.name, cleaned.query, cleaned.active
    return _saved(actor, stored, "topic.update", before)


@transaction.atomic
def topic_set_active(actor: User | None, *, topic: Topic, active: bool, version: int) -> Topic:
    """Switched off, a topic matches no new item but keeps the items it matched."""
    stored = _locked(topic, version)
    access.require(actor is None or monitor_access.can_manage(actor, stored.unit))
    before = snapshot(stored, ["active"])
    stored.active = active
    return _saved(actor, stored, "topic.activate" if active else "topic.deactivate", before)


def _saved(actor: User | None, topic: Topic, action: str, before: dict[str, object]) -> Topic:
    topic.version += 1
    topic.save()
    after = snapshot(topic, sorted(before)) | {"items_rematched": rematch(topic)}
    audit_record(actor, action=action, obj=topic, unit=topic.unit, before=before, after=after)
    return topic


def rematch(topic: Topic) -> int:
    """Match the unit's latest items against the active topic as saved: links added where it
    matches, removed where it no longer does, the severity of those items recomputed (it
    counts topics). Returns how many items changed."""
    if not topic.active:
        return 0
    query = checked_query(topic.query)
    latest = list(
        Item.objects.filter(unit_id=topic.unit_id)
        .only("pk", "title", "text")
        .order_by("-found_at", "-id")[:REMATCHED_ITEMS]
    )
    through = Item.topics.through
    ids = [item.pk for item in latest]
    linked = set(
        through.objects.filter(topic=topic, item_id__in=ids).values_list("item_id", flat=True)
    )
    matching = {item.pk for item in latest if query.matches(f"{item.title}\n{item.text}")}
    added, removed = matching - linked, linked - matching
    through.objects.bulk_create([through(item_id=pk, topic_id=topic.pk) for pk in added])
    through.objects.filter(topic=topic, item_id__in=removed).delete()
    _rescore(added | removed)
    return len(added | removed)


def _rescore(ids: set[int]) -> None:
    rows = Item.topics.through.objects.filter(item_id__in=ids).values("item_id")
    counts = {row["item_id"]: row["n"] for row in rows.annotate(n=Count("id"))}
    items = list(Item.objects.filter(pk__in=ids).select_related("duplicate_of"))
    for item in items:
        item.severity = severity.score(item, counts.get(item.pk, 0))
    Item.objects.bulk_update(items, ["severity"])
