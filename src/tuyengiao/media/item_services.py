"""Writes people make on items: a label (relevant? negative? toxic? which grievance?) — stored
as a Label, who and when, and applied to the item's field, its severity recomputed — and
dismissing or restoring an item. A label that confirms the classifier is stored too: both
kinds of decision are the training data of the next model. Every write is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, snapshot
from tuyengiao.media import monitor_access, severity
from tuyengiao.media.models_monitoring import (
    OPEN_ITEM_CASES,
    Grievance,
    Item,
    ItemCase,
    Label,
    LabelField,
    Sentiment,
)
from tuyengiao.orgs import access

# The values of each field, as the classifier names them (media/data/training).
LABEL_VALUES: dict[str, tuple[str, ...]] = {
    LabelField.RELEVANT: ("relevant", "irrelevant"),
    LabelField.SENTIMENT: tuple(Sentiment.values),
    LabelField.TOXIC: ("toxic", "clean"),
    LabelField.GRIEVANCE: tuple(Grievance.values),
}
# How the values read on the pages.
VALUE_NAMES: dict[str, str | Promise] = {
    "relevant": gettext_lazy("Relevant"),
    "irrelevant": gettext_lazy("Not relevant"),
    "toxic": gettext_lazy("Toxic or offensive"),
    "clean": gettext_lazy("Not toxic"),
    **dict(Sentiment.choices),
    **dict(Grievance.choices),
}
CLASS_FIELDS = ["relevant", "sentiment", "toxic", "grievance", "severity"]


def label_value(item: Item, field: str) -> str:
    """The item's field in the classifier's words ("" when never set)."""
    if field == LabelField.RELEVANT:
        return "" if item.relevant is None else ("relevant" if item.relevant else "irrelevant")
    if field == LabelField.TOXIC:
        return "" if item.toxic is None else ("toxic" if item.toxic else "clean")
    return str(getattr(item, field))


def _apply(item: Item, field: str, value: str) -> None:
    if field == LabelField.RELEVANT:
        item.relevant = value == "relevant"
    elif field == LabelField.TOXIC:
        item.toxic = value == "toxic"
    elif field == LabelField.SENTIMENT:
        item.sentiment = value
    else:
        item.grievance = value


def _locked(item: Item) -> Item:
    stored = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
    return stored


@transaction.atomic
def label_add(actor: User | None, *, item: Item, field: str, value: str) -> Label:
    """A person's decision on one field of the item. The last decision is the item's value;
    the earlier ones stay, each with who made it."""
    stored = _locked(item)
    access.require(actor is None or monitor_access.can_triage(actor, stored.unit))
    if value not in LABEL_VALUES.get(field, ()):
        raise ValidationError(_("Choose one of the values offered."))
    before = snapshot(stored, CLASS_FIELDS)
    _apply(stored, field, value)
    stored.severity = severity.score(stored, stored.topics.count())
    stored.save(update_fields=CLASS_FIELDS)
    label = Label.objects.create(item=stored, field=field, value=value, made_by=actor)
    audit_record(
        actor,
        action="item.label",
        obj=stored,
        unit=stored.unit,
        before=before,
        after=snapshot(stored, CLASS_FIELDS) | {"label": f"{field}={value}"},
    )
    return label


@transaction.atomic
def item_dismiss(actor: User | None, *, item: Item) -> Item:
    """Out of the queue: nothing to do about it. An item whose case is still open stays."""
    stored = _locked(item)
    access.require(actor is None or monitor_access.can_triage(actor, stored.unit))
    if ItemCase.objects.filter(item=stored, state__in=OPEN_ITEM_CASES).exists():
        raise ValidationError(_("The item has an open case: close the case first."))
    return _set_dismissed(actor, stored, True)


@transaction.atomic
def item_restore(actor: User | None, *, item: Item) -> Item:
    stored = _locked(item)
    access.require(actor is None or monitor_access.can_triage(actor, stored.unit))
    return _set_dismissed(actor, stored, False)


def _set_dismissed(actor: User | None, item: Item, dismissed: bool) -> Item:
    if item.dismissed == dismissed:
        return item  # the second of two clicks changes nothing
    before = snapshot(item, ["dismissed"])
    item.dismissed = dismissed
    item.save(update_fields=["dismissed"])
    audit_record(
        actor,
        action="item.dismiss" if dismissed else "item.restore",
        obj=item,
        unit=item.unit,
        before=before,
        after=snapshot(item, ["dismissed"]),
    )
    return item
