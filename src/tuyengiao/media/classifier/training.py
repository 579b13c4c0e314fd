"""Training and evaluation.

`train` fits the features on all the texts, then a class-weighted multinomial logistic
regression `folds` times on part of them to predict the rest: on these held-out predictions it
fits a temperature for the probabilities, then tunes a per-class bias for macro-F1, and measures
the metrics the model file keeps. The final regression is fitted on every text. Nothing in it knows
a particular data set: the same settings serve a hate-speech benchmark and the project's own
labels.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from tuyengiao.media.classifier.features import FeatureSettings, FeatureSpace, Readings
from tuyengiao.media.classifier.model import Model

Progress = Callable[[str], None]
MAX_CLASSES = 100


class TrainingError(ValueError):
    """The labelled texts cannot make a model (fewer than two classes, no texts)."""


@dataclass(frozen=True)
class TrainSettings:
    """`c`: inverse regularisation strength of the regression; `class_weight`: "balanced"
    weighs each class by the inverse of its frequency, "sqrt" by its square root, None every
    text alike; `folds`: held-out rounds for the bias, the temperature and the metrics (0:
    none); `tune_bias`: whether predict favours macro-F1 over accuracy."""

    features: FeatureSettings = field(default_factory=FeatureSettings)
    c: float = 2.0
    class_weight: str | None = "balanced"
    folds: int = 3
    tune_bias: bool = True
    max_iter: int = 1000
    solver: str = "newton-cg"
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["features"] = self.features.as_dict()
        return found


def clean_pairs(texts: Sequence[object], labels: Sequence[object]) -> tuple[list[str], list[str]]:
    """The (text, label) pairs with a text and a label, both as stripped strings."""
    kept_texts, kept_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        text_s = text.strip() if isinstance(text, str) else ""
        label_s = str(label).strip() if label is not None else ""
        if text_s and label_s:
            kept_texts.append(text_s)
            kept_labels.append(label_s)
    return kept_texts, kept_labels


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    settings: TrainSettings | None = None,
    progress: Progress | None = None,
) -> Model:
    """A model of the labelled texts (pairs without a text or a label are left out)."""
    settings = settings or TrainSettings()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    texts, labels = clean_pairs(texts, labels)
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise TrainingError(f"Training needs at least 2 classes; found {len(classes)}.")
    if len(classes) > MAX_CLASSES:
        raise TrainingError(
            f"The labels have {len(classes):,} distinct values; a label column has at most "
            f"{MAX_CLASSES} (is it the right column?)."
        )
    y = np.array([classes.index(label) for label in labels])
    readings = Readings.of(texts, teen_code=settings.features.teen_code)
    space = FeatureSpace.fit(settings.features, readings)
    matrix = space.transform(readings)
    say(f"{len(texts):,} texts, {len(classes)} classes, {space.size:,} features")
    bias, temperature, held_out = _held_out(matrix, y, classes, settings, say)
    coef, intercept = _fit(matrix, y, len(classes), settings)
    metrics: dict[str, Any] = {
        "trained_on": len(texts),
        "counts": dict(sorted(Counter(labels).items())),
        "features": space.size,
        "held_out": held_out,
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return Model(
        labels=classes,
        features=space,
        coef=coef,
        intercept=intercept,
        bias=bias,
        temperature=temperature,
        metrics=metrics,
        settings=settings.as_dict(),
    )


def _fit(
    matrix: sp.csr_matrix, y: np.ndarray, classes: int, settings: TrainSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The regression's weights as (classes × features) and intercepts, in softmax form also
    for two classes (scores -z/2, z/2 give the same probabilities as the sigmoid of z)."""
    from sklearn.linear_model import LogisticRegression

    present = np.unique(y)
    regression = LogisticRegression(
        C=settings.c,
        class_weight=_class_weight(y, settings.class_weight),
        max_iter=settings.max_iter,
        solver=settings.solver,
        random_state=settings.seed,
    )
    regression.fit(matrix, y)
    coef = np.zeros((classes, matrix.shape[1]), dtype=np.float32)
    intercept = np.full(classes, -1e3 if len(present) < classes else 0.0)
    if len(present) == 2:
        half_w, half_b = regression.coef_[0] / 2, regression.intercept_[0] / 2
        coef[present[0]], coef[present[1]] = -half_w, half_w
        intercept[present[0]], intercept[present[1]] = -half_b, half_b
    else:
        coef[present] = regression.coef_
        intercept[present] = regression.intercept_
    return coef, intercept


def _class_weight(y: np.ndarray, kind: str | None) -> str | dict[int, float] | None:
    """With "sqrt", each class weighs the square root of its inverse frequency, half-way
    between every text alike and "balanced". Not the default: on ViHSD dev it gained 0.003
    macro-F1 (noise), on the project's unseen templates it lost 0.015 to 0.055."""
    if kind != "sqrt":
        return kind
    counts = np.bincount(y)
    present = np.flatnonzero(counts)
    return {int(k): float(np.sqrt(len(y) / (len(present) * counts[k]))) for k in present}


def _held_out(
    matrix: sp.csr_matrix,
    y: np.ndarray,
    classes: list[str],
    settings: TrainSettings,
    say: Progress,
) -> tuple[np.ndarray, float, dict[str, Any] | None]:
    """Out-of-fold scores of every text → the per-class bias, the temperature and the held-out
    metrics. None of them when no two classes have two texts each. A class with fewer texts
    than rounds is left out of the rounds it has none in (never predicted there)."""
    from sklearn.model_selection import StratifiedKFold

    counts = np.bincount(y, minlength=len(classes))
    folds = min(settings.folds, int(np.sort(counts)[-2]))
    if folds < 2:
        say("too few texts per class for held-out rounds: no bias tuning, no metrics")
        return np.zeros(len(classes)), 1.0, None
    scores = np.zeros((len(y), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=settings.seed)
    with warnings.catch_warnings():  # a class smaller than `folds` is missing from some rounds
        warnings.simplefilter("ignore", UserWarning)
        rounds = list(splitter.split(np.zeros(len(y)), y))
    for round_, (fit_rows, held_rows) in enumerate(rounds, 1):
        coef, intercept = _fit(matrix[fit_rows], y[fit_rows], len(classes), settings)
        scores[held_rows] = matrix[held_rows] @ coef.T + intercept
        say(f"held-out round {round_}/{folds}")
    temperature = fit_temperature(scores, y)
    log_p = _log_softmax(scores / temperature)
    bias = bagged_bias(log_p, y, settings.seed) if settings.tune_bias else np.zeros(len(classes))
    predicted = (log_p + bias).argmax(axis=1)
    held_out = scores_of(y, predicted, classes)
    held_out["folds"] = folds
    held_out["bias"] = [round(float(b), 3) for b in bias]
    return bias, temperature, held_out


def tune_bias(log_p: np.ndarray, y: np.ndarray, rounds: int = 3) -> np.ndarray:
    """A bias per class, added to the log-probabilities, that maximises macro-F1 on these
    held-out predictions: coordinate ascent over a grid, the first class fixed at 0; of equal
    scores the smallest bias wins, so that noise does not pull it far."""
    classes = log_p.shape[1]
    bias = np.zeros(classes)
    grid = sorted(np.round(np.arange(-3, 3.01, 0.1), 2), key=abs)
    best = macro_f1(y, log_p.argmax(axis=1), classes)
    for _ in range(rounds):
        changed = False
        for k in range(1, classes):
            for value in grid:
                trial = bias.copy()
                trial[k] = value
                score = macro_f1(y, (log_p + trial).argmax(axis=1), classes)
                if score > best + 1e-9:
                    best, bias, changed = score, trial, True
        if not changed:
            break
    return bias


def bagged_bias(log_p: np.ndarray, y: np.ndarray, seed: int, bags: int = 10) -> np.ndarray:
    """The mean of the biases tuned on `bags` bootstrap samples of the held-out predictions:
    a single tuning follows the noise of the few texts near a threshold (on ViHSD dev, one
    step of 0.1 moved macro-F1 by a point); the mean is steadier."""
    rng = np.random.default_rng(seed)
    tuned = [tune_bias(log_p[rows], y[rows]) for rows in rng.integers(0, len(y), (bags, len(y)))]
    return np.asarray(np.mean(tuned, axis=0))


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log-loss of the held-out probabilities."""
    from scipy.optimize import minimize_scalar

    def loss(log_t: float) -> float:
        log_p = _log_softmax(scores / np.exp(log_t))
        return float(-log_p[np.arange(len(y)), y].mean())

    found = minimize_scalar(loss, bounds=(-3, 3), method="bounded")
    return float(np.exp(found.x))


def macro_f1(y: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    """Macro-F1 over the classes present in `y` or `predicted` (as scikit-learn counts it)."""
    f1, present = _f1_per_class(y, predicted, classes)
    return float(f1[present].mean()) if present.any() else 0.0


def _f1_per_class(
    y: np.ndarray, predicted: np.ndarray, classes: int
) -> tuple[np.ndarray, np.ndarray]:
    true_positive = np.bincount(y[y == predicted], minlength=classes).astype(float)
    actual = np.bincount(y, minlength=classes).astype(float)
    guessed = np.bincount(predicted, minlength=classes).astype(float)
    denominator = actual + guessed
    f1 = np.divide(2 * true_positive, denominator, out=np.zeros(classes), where=denominator > 0)
    return f1, denominator > 0


def scores_of(y: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy and F1 per class (of the classes seen in truth or prediction)."""
    f1, present = _f1_per_class(y, predicted, len(classes))
    return {
        "macro_f1": round(float(f1[present].mean()) if present.any() else 0.0, 4),
        "accuracy": round(float((y == predicted).mean()) if len(y) else 0.0, 4),
        "f1": {label: round(float(f1[i]), 4) for i, label in enumerate(classes) if present[i]},
        "n": len(y),
    }


def evaluate(model: Model, texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """The model's macro-F1, accuracy and F1 per class on labelled texts, and how many texts
    it classifies per second, in batches: of wall-clock time, and of this process's CPU time
    (what the wall-clock rate would be on an idle core; the same on a quiet machine, as the
    work is single-threaded). Labels the model does not know count as errors."""
    texts, labels = clean_pairs(texts, labels)
    if not texts:
        raise TrainingError("No labelled texts to evaluate on.")
    started, cpu_started = time.perf_counter(), time.process_time()
    predicted = model.predict(texts)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    classes = sorted(set(model.labels) | set(labels))
    index = {label: i for i, label in enumerate(classes)}
    found = scores_of(
        np.array([index[label] for label in labels]),
        np.array([index[label] for label in predicted]),
        classes,
    )
    return {
        "macro_f1": found["macro_f1"],
        "accuracy": found["accuracy"],
        "f1": found["f1"],
        "texts_per_second": _rate(len(texts), seconds),
        "texts_per_cpu_second": _rate(len(texts), cpu_seconds),
        "n": len(texts),
    }


def _rate(count: int, seconds: float) -> float | None:
    return round(count / seconds, 1) if seconds > 0 else None


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
