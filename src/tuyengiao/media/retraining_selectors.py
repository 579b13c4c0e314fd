"""The models page's reads: each field's default model with its evaluation, the retrained
models with theirs beside the evaluation of the model in use when they were trained (on the same
held-out labels), and whether the labels kept allow a retraining. Only for the staff who manage
the models (media.retraining.can_manage_models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy

from tuyengiao.accounts.models import User
from tuyengiao.media.classifier import default_models
from tuyengiao.media.models_monitoring import (
    ClassifierModel,
    Grievance,
    LabelField,
    Sentiment,
)
from tuyengiao.media.retraining import UNDER_WAY, labelled, problem, require_manager

CLASS_NAMES = {
    "relevant": gettext_lazy("relevant"),
    "irrelevant": gettext_lazy("irrelevant"),
    "toxic": gettext_lazy("toxic"),
    "clean": gettext_lazy("clean"),
    **dict(Sentiment.choices),
    **dict(Grievance.choices),
}


def class_name(value: str) -> str:
    return str(CLASS_NAMES.get(value, value))


@dataclass
class Evaluation:
    """A model's scores as the page shows them: macro-F1, accuracy and F1 per class, on `n`
    texts; for a retrained model also those of the model in use then, on the same texts."""

    macro_f1: float | None = None
    accuracy: float | None = None
    n: int = 0
    per_class: list[tuple[str, float]] = field(default_factory=list)
    compared_macro_f1: float | None = None
    compared_accuracy: float | None = None

    @classmethod
    def of(cls, scores: dict[str, Any] | None) -> Evaluation:
        if not scores or "macro_f1" not in scores:
            return cls()
        current = scores.get("current") or {}
        return cls(
            macro_f1=scores["macro_f1"],
            accuracy=scores.get("accuracy"),
            n=int(scores.get("n") or 0),
            per_class=[(class_name(k), v) for k, v in (scores.get("f1") or {}).items()],
            compared_macro_f1=current.get("macro_f1"),
            compared_accuracy=current.get("accuracy"),
        )


@dataclass
class FieldModels:
    """One field on the models page: the default model's evaluation (on the project's test
    set), the retrained models, the one in use, and whether the labels allow a retraining."""

    field: str
    label: str
    default: Evaluation
    models: list[ClassifierModel]
    labels: dict[str, int]
    problem: str | None

    @property
    def in_use(self) -> ClassifierModel | None:
        return next((m for m in self.models if m.active), None)

    @property
    def under_way(self) -> bool:
        return any(m.state in UNDER_WAY for m in self.models)

    def evaluations(self) -> list[tuple[ClassifierModel, Evaluation]]:
        return [(m, Evaluation.of(m.metrics)) for m in self.models]


def models_for(user: User) -> list[FieldModels]:
    """Every field's models and labels, for the staff who manage them."""
    require_manager(user)
    models: dict[str, list[ClassifierModel]] = {f: [] for f in LabelField.values}
    for chosen in ClassifierModel.objects.select_related("trained_by"):
        models[chosen.field].append(chosen)
    defaults = default_models()
    pages = []
    for value, label in LabelField.choices:
        found = labelled(user, value)
        metrics = defaults[value].metrics
        pages.append(
            FieldModels(
                field=value,
                label=str(label),
                default=Evaluation.of(metrics.get("test") or metrics.get("held_out")),
                models=models[value],
                labels={class_name(k): n for k, n in found.counts.items()},
                problem=problem(found),
            )
        )
    return pages


def model_for_user(user: User, model_id: int) -> ClassifierModel:
    """The gate to one retrained model: 403 for those who do not manage models, 404 if none."""
    require_manager(user)
    found = ClassifierModel.objects.select_related("trained_by").filter(pk=model_id).first()
    if found is None:
        raise Http404(str(model_id))
    return found
