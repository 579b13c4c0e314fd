"""What happens to every item found online, whatever its source: normalised (media.text), set
aside if its address was seen already, linked to the item it repeats if its text is a near
duplicate (media.dedupe), matched against the unit's topic queries (media.query), classified
(media.classifier: relevant, sentiment, toxic, grievance) and given a severity that orders the
triage queue (media.severity). One batch of items is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from tuyengiao.accounts.models import User
from tuyengiao.media import dedupe, severity
from tuyengiao.media.classifier.model import Model
from tuyengiao.media.models_monitoring import (
    ClassifierModel,
    Item,
    ItemBand,
    LabelField,
    Source,
    Topic,
)
from tuyengiao.media.query import QueryError, TopicMatcher, parse
from tuyengiao.media.text import normalise

TITLE_LIMIT = 500
AUTHOR_LIMIT = 200
ADDRESS_LIMIT = 1000


@dataclass(frozen=True)
class Found:
    """One item as a source gave it, before anything is done to it."""

    text: str
    title: str = ""
    address: str = ""
    author: str = ""
    published_at: dt.datetime | None = None


@dataclass
class Outcome:
    created: list[Item] = field(default_factory=list)
    seen: int = 0  # the address was already there
    near: int = 0  # stored, but as a near duplicate of an earlier item
    empty: int = 0  # nothing to read


def classifiers() -> dict[str, Model]:
    """The model of each field: the one staff switched to, or the project's default."""
    from tuyengiao.media.classifier.defaults import default_models

    models = dict(default_models())
    for chosen in ClassifierModel.objects.filter(active=True):
        models[chosen.field] = _loaded(chosen)
    return models


_LOADED: dict[tuple[int, str], Model] = {}


def _loaded(chosen: ClassifierModel) -> Model:
    key = (chosen.pk, chosen.file.name or "")
    if key not in _LOADED:
        with chosen.file.open("rb") as handle:
            _LOADED[key] = Model.from_bytes(handle.read(), name=chosen.file.name or "")
    return _LOADED[key]


def topic_matcher(unit_id: int) -> TopicMatcher[int]:
    """The unit's active topics, compiled once per batch; a query that no longer parses
    (saved before a rule changed) is left out rather than stopping the pipeline."""
    compiled = []
    for topic in Topic.objects.filter(unit_id=unit_id, active=True):
        try:
            compiled.append((topic.pk, parse(topic.query)))
        except QueryError:
            continue
    return TopicMatcher(compiled)


def _prepared(source: Source, found: Found, by: User | None) -> Item | None:
    text = normalise(found.text)
    title = normalise(found.title).text[:TITLE_LIMIT]
    if not text.text and not title:
        return None
    address = found.address.strip()[:ADDRESS_LIMIT]
    return Item(
        source=source,
        unit_id=source.unit_id,
        address=address,
        canonical=dedupe.canonical_url(address)[:ADDRESS_LIMIT] if address else "",
        title=title,
        text=text.text or title,
        truncated=text.truncated,
        author=normalise(found.author).text[:AUTHOR_LIMIT],
        published_at=found.published_at,
        submitted_by=by,
    )


def _unseen(unit_id: int, items: list[Item]) -> list[Item]:
    """The items whose address neither the unit's stored items nor an earlier one of the batch
    have."""
    addresses = {i.canonical for i in items if i.canonical}
    stored = set(
        Item.objects.filter(unit_id=unit_id, canonical__in=addresses).values_list(
            "canonical", flat=True
        )
    )
    kept = []
    for item in items:
        if item.canonical:
            if item.canonical in stored:
                continue
            stored.add(item.canonical)
        kept.append(item)
    return kept


def _classify(items: Sequence[Item], models: dict[str, Model]) -> None:
    texts = [f"{item.title}\n{item.text}" if item.title else item.text for item in items]
    for name, model in models.items():
        probabilities = model.predict_proba(texts)
        for item, row in zip(items, probabilities, strict=True):
            best = model.labels[int(row.argmax())]
            item.scores[name] = {
                label: round(float(p), 3) for label, p in zip(model.labels, row, strict=True)
            }
            _set(item, name, best)


def _set(item: Item, name: str, label: str) -> None:
    """The classifier's answer in the item's field (the same values people give as labels)."""
    if name == LabelField.RELEVANT:
        item.relevant = label == "relevant"
    elif name == LabelField.TOXIC:
        item.toxic = label == "toxic"
    elif name == LabelField.SENTIMENT:
        item.sentiment = label
    elif name == LabelField.GRIEVANCE:
        item.grievance = label


def _near(
    unit_id: int,
    items: list[Item],
    sketch: dedupe.Sketch | None,
    batch: dedupe.NearDuplicateIndex[int],
) -> Item | None:
    """The earlier item this one repeats: among the batch first, then among the unit's
    stored items sharing a band with it (confirmed on the fingerprints), the closest."""
    if sketch is None:
        return None
    earlier = batch.first_near(sketch)
    batch.add(len(batch), sketch)  # the items of the batch by position: unsaved, unhashable
    if earlier is not None:
        return items[earlier]
    candidates = ItemBand.objects.filter(value__in=sketch.bands, item__unit_id=unit_id)
    close = sorted(
        (dedupe.distance(fingerprint, sketch.fingerprint), pk)
        for pk, fingerprint in set(candidates.values_list("item_id", "item__fingerprint"))
        if fingerprint is not None and dedupe.is_near(fingerprint, sketch.fingerprint)
    )
    return Item.objects.get(pk=close[0][1]) if close else None


@transaction.atomic
def ingest(source: Source, found: Iterable[Found], by: User | None = None) -> Outcome:
    """Process one batch from `source` and store what is new (the caller holds the gate)."""
    outcome = Outcome()
    prepared = []
    for entry in found:
        item = _prepared(source, entry, by)
        if item is None:
            outcome.empty += 1
        else:
            prepared.append(item)
    items = _unseen(source.unit_id, prepared)
    outcome.seen = len(prepared) - len(items)
    if not items:
        return outcome
    _classify(items, classifiers())
    matcher = topic_matcher(source.unit_id)
    batch: dedupe.NearDuplicateIndex[int] = dedupe.NearDuplicateIndex()
    matched: list[tuple[Item, list[int]]] = []
    bands: dict[int, list[int]] = {}
    with_sketch: list[Item] = []  # in the order of the batch index
    for item in items:
        sketch = dedupe.sketch(item.text)
        item.fingerprint = sketch.fingerprint if sketch else None
        item.duplicate_of = _near(source.unit_id, with_sketch, sketch, batch)
        if sketch is not None:
            with_sketch.append(item)
        outcome.near += item.duplicate_of is not None
        topics = matcher.match(f"{item.title}\n{item.text}")
        item.severity = severity.score(item, len(topics))
        matched.append((item, topics))
        bands[id(item)] = list(sketch.bands) if sketch else []
    _store(source, matched, bands)
    outcome.created = [item for item, _topics in matched]
    return outcome


def _store(
    source: Source, matched: list[tuple[Item, list[int]]], bands: dict[int, list[int]]
) -> None:
    for item, _topics in matched:
        item.save()  # one by one: the primary keys are needed on every database
    ItemBand.objects.bulk_create(
        [
            ItemBand(item=item, value=value)
            for item, _t in matched
            for value in set(bands[id(item)])
        ],
        batch_size=2000,
    )
    through = Item.topics.through
    through.objects.bulk_create(
        [through(item_id=item.pk, topic_id=topic) for item, topics in matched for topic in topics],
        batch_size=2000,
    )
    Source.objects.filter(pk=source.pk).update(item_count=F("item_count") + len(matched))
