"""Retraining the classifiers from the labels people made, and switching to a retrained model.

A retraining takes, for one field, the latest label of each labelled item (within the scope of
the person who asks) joined with the item's text, and optionally the project's own training set
(the default models' data) so that a few labels adjust a model rather than replace it. A quarter
of the labels is held out: the new model is trained without them, then it and the model in use
are both measured on them — the same texts, so the page compares like with like. The model saved
is the one measured (what staff switch to is what they read about); it is saved inactive.

Staff of the province (and administrators) start retrainings and switch models; the model is
the installation's, for every unit's items, so `pipeline.classifiers()` takes it at once. The
labels die with their items (media.retention): a retraining uses those still kept."""

from __future__ import annotations

import logging
import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from huey.contrib.djhuey import db_task

from tuyengiao.accounts.models import AUDIT_ROLES, User
from tuyengiao.core.services import audit_record
from tuyengiao.media.classifier import (
    CsvError,
    Model,
    TrainingError,
    default_models,
    evaluate,
    read_labelled_csv,
    train,
)
from tuyengiao.media.classifier.defaults import TRAINING_DIR
from tuyengiao.media.models_monitoring import (
    ClassifierModel,
    Label,
    LabelField,
    TrainingState,
)
from tuyengiao.media.pipeline import classifiers
from tuyengiao.orgs import access, hierarchy

log = logging.getLogger(__name__)

TRAINING_SET = TRAINING_DIR / "train.csv"
HELD_OUT_SHARE = 0.25
SEED = 0
UNDER_WAY = (TrainingState.QUEUED, TrainingState.RUNNING)


def min_labels() -> int:
    """Labels of a field needed before a retraining is worth it (MONITOR_RETRAIN_MIN_LABELS)."""
    return int(getattr(settings, "MONITOR_RETRAIN_MIN_LABELS", 30))


def can_manage_models(user: User) -> bool:
    """The models serve every unit: the province's staff and administrators manage them."""
    return user.is_active and user.role in AUDIT_ROLES


def require_manager(user: User | None) -> None:
    if user is not None and not can_manage_models(user):
        raise PermissionDenied(_("Only the province's staff manage the classifier models."))


# --- the labelled texts ---------------------------------------------------------------------


@dataclass
class Labelled:
    """The latest label of each labelled item for one field, with the item's text."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ignored: int = 0  # values the field's classes do not have
    groups: list[int] = field(default_factory=list)  # the original an item repeats, or itself

    def add(self, text: str, label: str, group: int) -> None:
        self.texts.append(text)
        self.labels.append(label)
        self.groups.append(group)

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))


def classes_of(field_name: str) -> list[str]:
    """The values a field's model may answer: the default model's (the item's field takes them)."""
    return list(default_models()[field_name].labels)


def labelled(user: User | None, field_name: str) -> Labelled:
    """The field's labels on the items of the user's scope (None: every item), the latest per
    item; the text as the pipeline classifies it (title, then text)."""
    rows = Label.objects.filter(field=field_name)
    root = access.scope_root_id(user) if user is not None else None
    if root is not None:
        rows = rows.filter(item__unit_id__in=hierarchy.ever_descendant_ids(root))
    allowed, seen, found = set(classes_of(field_name)), set(), Labelled()
    ordered = rows.order_by("item_id", "-made_at", "-id")
    for item_id, value, title, text, original in ordered.values_list(
        "item_id", "value", "item__title", "item__text", "item__duplicate_of_id"
    ).iterator(chunk_size=2000):
        if item_id in seen:
            continue
        seen.add(item_id)
        if value not in allowed:
            found.ignored += 1
            continue
        found.add(f"{title}\n{text}" if title else text, value, original or item_id)
    return found


def problem(found: Labelled) -> str | None:
    """Why these labels cannot make a model yet, for a person; None if they can."""
    needed = min_labels()
    if len(found.labels) < needed:
        return ngettext(
            "Retraining needs at least %(needed)s label for this field; there is %(n)s.",
            "Retraining needs at least %(needed)s labels for this field; there are %(n)s.",
            needed,
        ) % {"needed": needed, "n": len(found.labels)}
    if len(found.counts) < 2:
        return _(
            "All the labels of this field say the same (%(value)s): a model needs at least two "
            "different answers to learn from."
        ) % {"value": next(iter(found.counts), "—")}
    return None


def split(found: Labelled) -> tuple[Labelled, Labelled]:
    """(to train on, held out): about a quarter of each class held out — at least one label of
    a class with two or more, none of a class with one — the same split every time. An item
    and the reposts of it stay on the same side: a model is not measured on what it read."""
    chance = random.Random(SEED)  # noqa: S311 - a reproducible split, not a secret
    groups = found.groups or list(range(len(found.labels)))
    rows: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        rows.setdefault(group, []).append(index)
    by_class: dict[str, list[int]] = {}
    for group, indices in rows.items():
        by_class.setdefault(found.labels[indices[0]], []).append(group)
    held: set[int] = set()
    for label, members in by_class.items():
        total = found.labels.count(label)
        wanted = max(1, round(total * HELD_OUT_SHARE)) if total >= 2 else 0
        chance.shuffle(members)
        taken = 0
        for group in members:
            size = sum(1 for i in rows[group] if found.labels[i] == label)
            if taken >= wanted or total - taken - size < 1:
                continue
            held.update(rows[group])
            taken += size
    parts = Labelled(), Labelled()
    for index, (text, label) in enumerate(zip(found.texts, found.labels, strict=True)):
        (parts[1] if index in held else parts[0]).add(text, label, groups[index])
    return parts


def project_set(field_name: str) -> Labelled:
    """The project's own labelled texts for the field (the default models' training data)."""
    try:
        rows = read_labelled_csv(TRAINING_SET, "text", field_name)
    except CsvError as error:
        raise TrainingError(str(error)) from error
    return Labelled(rows.texts, rows.labels)


# --- asking for a retraining ----------------------------------------------------------------


@transaction.atomic
def model_request(
    actor: User | None, *, field_name: str, with_training_set: bool = True
) -> ClassifierModel:
    """Queue a retraining of `field_name`; the worker trains it once this transaction has
    committed (`retrain`), and the page follows its progress. Refused with the reason when
    the labels cannot make a model, or while the field's last retraining is still running."""
    require_manager(actor)
    if field_name not in LabelField.values:
        raise ValidationError({"field": _("Choose a field to retrain.")})
    reason = problem(labelled(actor, field_name))
    if reason:
        raise ValidationError({"field": reason})
    if ClassifierModel.objects.filter(field=field_name, state__in=UNDER_WAY).exists():
        raise ValidationError({"field": _("This field is being retrained already: wait for it.")})
    chosen = ClassifierModel.objects.create(
        field=field_name,
        state=TrainingState.QUEUED,
        trained_by=actor,
        metrics={"with_training_set": with_training_set},
    )
    audit_record(
        actor,
        action="media.model.train",
        obj=chosen,
        after={"field": field_name, "with_training_set": with_training_set},
    )
    transaction.on_commit(lambda: retrain(chosen.pk))
    return chosen


def model_progress(model_id: int, percent: int, step: str) -> None:
    """How far a retraining has gone, written at once (outside any transaction) for the page."""
    ClassifierModel.objects.filter(pk=model_id).update(
        state=TrainingState.RUNNING, progress=percent, step=step[:200]
    )


ROUND = re.compile(r"held-out round (\d+)/(\d+)")


def _reporter(model_id: int) -> Any:
    """train()'s messages as progress: 20 % with the features, then up to 75 % by round."""

    def say(message: str) -> None:
        found = ROUND.search(message)
        if found:
            done, rounds = int(found[1]), int(found[2])
            step = _("Training: round %(n)s of %(of)s") % {"n": done, "of": rounds}
            model_progress(model_id, 20 + 55 * done // rounds, step)
        else:
            model_progress(model_id, 20, _("Training"))

    return say


# --- the worker's part ----------------------------------------------------------------------


def model_make(model_id: int) -> ClassifierModel:
    """Train a queued retraining, measure it and the model in use on the held-out labels, save
    its file. A failure is written on the row for the page (and re-raised if unexpected)."""
    chosen = ClassifierModel.objects.select_related("trained_by").get(pk=model_id)
    try:
        _make(chosen)
    except (TrainingError, ValidationError) as error:
        _failed(model_id, "; ".join(getattr(error, "messages", [str(error)])))
    except Exception:
        _failed(model_id, _("The retraining failed; tell the administrator."))
        raise
    chosen.refresh_from_db()
    return chosen


def _failed(model_id: int, message: str) -> None:
    ClassifierModel.objects.filter(pk=model_id).update(
        state=TrainingState.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def _make(chosen: ClassifierModel) -> None:
    with_set = bool(chosen.metrics.get("with_training_set"))
    model_progress(chosen.pk, 5, _("Reading the labels"))
    found = labelled(chosen.trained_by, chosen.field)
    reason = problem(found)
    if reason:
        raise TrainingError(reason)
    learn, held = split(found)
    texts, labels = list(learn.texts), list(learn.labels)
    if with_set:
        extra = project_set(chosen.field)
        texts, labels = texts + extra.texts, labels + extra.labels
    model = train(texts, labels, progress=_reporter(chosen.pk))
    model_progress(chosen.pk, 80, _("Measuring on the held-out labels"))
    current = ClassifierModel.objects.filter(field=chosen.field, active=True).first()
    measured = {
        **_measure(model, held),
        "current": {
            **_measure(classifiers()[chosen.field], held),
            "model": current.pk if current else None,
        },
        "labels": len(found.labels),
        "held_out_labels": len(held.labels),
        "counts": found.counts,
        "with_training_set": with_set,
        "trained_on": len(texts),
        "cross_validated": model.metrics.get("held_out"),
    }
    model.metrics["labels_evaluation"] = measured
    model_progress(chosen.pk, 90, _("Saving"))
    _save(chosen, model, measured, len(found.labels))


def _measure(model: Model, held: Labelled) -> dict[str, Any]:
    scores = evaluate(model, held.texts, held.labels)
    return {key: scores[key] for key in ("macro_f1", "accuracy", "f1", "n")}


def _save(chosen: ClassifierModel, model: Model, measured: dict[str, Any], labels: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.npz"
        model.save(path)
        content = path.read_bytes()
    chosen.file.save(f"{chosen.field}-{chosen.pk}.npz", ContentFile(content), save=False)
    chosen.metrics, chosen.labels_used = measured, labels
    chosen.state, chosen.progress, chosen.step = TrainingState.DONE, 100, ""
    chosen.finished_at = timezone.now()
    chosen.save(
        update_fields=[
            "file",
            "metrics",
            "labels_used",
            "state",
            "progress",
            "step",
            "finished_at",
        ]
    )


@db_task()  # type: ignore[untyped-decorator]
def retrain(model_id: int) -> None:
    """The worker's part: media.tasks imports this module so that the consumer knows it."""
    model_make(model_id)


# --- switching --------------------------------------------------------------------------------


@transaction.atomic
def model_activate(actor: User | None, *, chosen: ClassifierModel) -> ClassifierModel:
    """Classify new items with `chosen` from now on, instead of the field's model in use."""
    require_manager(actor)
    chosen = ClassifierModel.objects.select_for_update().get(pk=chosen.pk)
    if chosen.state != TrainingState.DONE or not chosen.file:
        raise ValidationError(_("Only a model whose training has finished can be used."))
    if chosen.active:
        raise ValidationError(_("This model is in use already."))
    before = _in_use(chosen.field)
    ClassifierModel.objects.filter(field=chosen.field, active=True).update(active=False)
    chosen.active = True
    chosen.save(update_fields=["active"])
    audit_record(
        actor,
        action="media.model.activate",
        obj=chosen,
        before={"field": chosen.field, "in_use": before},
        after={"field": chosen.field, "in_use": chosen.pk},
    )
    return chosen


@transaction.atomic
def model_default(actor: User | None, *, field_name: str) -> None:
    """Go back to the project's default model for the field."""
    require_manager(actor)
    active = ClassifierModel.objects.select_for_update().filter(field=field_name, active=True)
    current = active.first()
    if current is None:
        raise ValidationError(_("The default model is in use already."))
    active.update(active=False)
    audit_record(
        actor,
        action="media.model.default",
        obj=current,
        before={"field": field_name, "in_use": current.pk},
        after={"field": field_name, "in_use": "default"},
    )


def _in_use(field_name: str) -> int | str:
    current = ClassifierModel.objects.filter(field=field_name, active=True).first()
    return current.pk if current else "default"
