"""A trained classifier and its file.

The file is a NumPy `.npz` archive (zip) of plain arrays, read with `allow_pickle=False`: a model
may come from an upload, and unpickling runs code. It holds a JSON header (`header`, UTF-8
bytes: format, version, labels, feature and training settings, the metrics measured when it
was trained), each feature block's vocabulary (`vocab_<i>`, the n-grams joined by newlines,
UTF-8 bytes) and IDF weights (`idf_<i>`), and the linear layer (`coef`, `intercept`) with the
per-class decision bias (`bias`). Anything else, an object array, a size that does not add up
or a file that would inflate past `MAX_INFLATED` is refused with ModelFileError.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tuyengiao.media.classifier.features import FeatureSettings, FeatureSpace, FittedBlock

FORMAT = "tuyengiao-text-classifier"
VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INFLATED = 400 * 1024 * 1024
BATCH = 2000
"""Texts transformed at once: large enough for NumPy to pay off, small enough for memory."""


class ModelFileError(ValueError):
    """The file is not a classifier this code can read safely."""


@dataclass
class Model:
    """A linear classifier over TF-IDF n-gram features.

    A text's scores are its linear scores divided by `temperature` (fitted on held-out
    predictions, so that the probabilities are calibrated) plus the per-class `bias` (tuned on
    the same predictions to maximise macro-F1, so that rare classes are not drowned by frequent
    ones). `predict` takes the best score and `predict_proba` their softmax: the two always
    agree, and the probabilities lean towards rare classes as the decisions do. `metrics` are
    those measured at training time."""

    labels: list[str]
    features: FeatureSpace
    coef: np.ndarray
    intercept: np.ndarray
    bias: np.ndarray
    temperature: float = 1.0
    metrics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    # --- prediction

    def logits(self, texts: Iterable[str]) -> np.ndarray:
        """The linear scores, one row per text, computed BATCH texts at a time."""
        batch: list[str] = []
        parts: list[np.ndarray] = []
        for text in texts:
            batch.append(text if isinstance(text, str) else "")
            if len(batch) == BATCH:
                parts.append(self._logits(batch))
                batch = []
        if batch or not parts:
            parts.append(self._logits(batch))
        return np.vstack(parts)

    def _logits(self, texts: Sequence[str]) -> np.ndarray:
        matrix = self.features.transform(self.features.read(texts))
        scores: np.ndarray = np.asarray(matrix @ self.coef.T, dtype=np.float64) + self.intercept
        return scores

    def scores(self, texts: Iterable[str]) -> np.ndarray:
        """Log-probabilities (up to a constant per text), one column per label."""
        found: np.ndarray = self.logits(texts) / self.temperature + self.bias
        return found

    def predict(self, texts: Iterable[str]) -> list[str]:
        return [self.labels[i] for i in self.scores(texts).argmax(axis=1)]

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities, one column per label in `labels` order; the argmax is `predict`."""
        probabilities: np.ndarray = np.exp(_log_softmax(self.scores(texts)))
        return probabilities

    # --- the file

    def save(self, path: Path | str) -> int:
        """Write the model to `path` (the `.npz` suffix is not added), through a temporary file
        renamed over it; its size in bytes."""
        arrays: dict[str, np.ndarray] = {"header": _bytes(json.dumps(self._header()))}
        for i, block in enumerate(self.features.blocks):
            arrays[f"vocab_{i}"] = _bytes("\n".join(block.vocabulary))
            arrays[f"idf_{i}"] = block.idf.astype(np.float32)
        arrays["coef"] = self.coef.astype(np.float32)
        arrays["intercept"] = self.intercept.astype(np.float32)
        arrays["bias"] = self.bias.astype(np.float32)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        data = buffer.getvalue()
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        partial.replace(path)  # a model in use is never seen half-written
        return len(data)

    def _header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "labels": self.labels,
            "features": self.features.settings.as_dict(),
            "temperature": self.temperature,
            "metrics": self.metrics,
            "settings": self.settings,
        }

    @classmethod
    def load(cls, path: Path | str) -> Model:
        """The model in `path`; ModelFileError if it is not one, or not a safe one."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise ModelFileError(f"Cannot read {path}: {error.strerror}.") from error
        if size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path} is {size:,} bytes; a model file is at most 50 MB.")
        return cls.from_bytes(path.read_bytes(), name=str(path))

    @classmethod
    def from_bytes(cls, data: bytes, *, name: str = "the model file") -> Model:
        """The model in `data` (an uploaded file's content); ModelFileError as for `load`."""
        if len(data) > MAX_FILE_BYTES:
            raise ModelFileError(f"{name} is {len(data):,} bytes; a model file is at most 50 MB.")
        _check_archive(data, name)
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
            raise ModelFileError(f"{name} is not a readable model file ({error}).") from error
        return _from_arrays(arrays, name)


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(array: np.ndarray, name: str, key: str) -> str:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ModelFileError(f"{name}: {key} is not UTF-8 text.")
    try:
        return array.tobytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{name}: {key} is not UTF-8 text.") from error


def _check_archive(data: bytes, name: str) -> None:
    """A zip of .npy members only, none of them pickled Python objects, that does not inflate
    past MAX_INFLATED."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ModelFileError(f"{name} is not a model file (not a zip archive).") from error
    if sum(member.file_size for member in members) > MAX_INFLATED:
        raise ModelFileError(f"{name} would inflate past {MAX_INFLATED // 2**20} MB; refused.")
    for member in members:
        if not member.filename.endswith(".npy"):
            raise ModelFileError(f"{name} holds {member.filename!r}, which a model never does.")


def _from_arrays(arrays: dict[str, np.ndarray], name: str) -> Model:
    if "header" not in arrays:
        raise ModelFileError(f"{name} has no header: not a classifier model.")
    try:
        header = json.loads(_text(arrays["header"], name, "header"))
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{name}: the header is not JSON.") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{name} is not a {FORMAT} file.")
    if header.get("version") != VERSION:
        raise ModelFileError(
            f"{name} is version {header.get('version')}; this code reads {VERSION}."
        )
    try:
        settings = FeatureSettings.from_dict(header["features"])
        blocks = [
            FittedBlock(
                spec,
                _vocabulary(_text(arrays[f"vocab_{i}"], name, f"vocab_{i}")),
                np.asarray(arrays[f"idf_{i}"], dtype=np.float32),
            )
            for i, spec in enumerate(settings.blocks)
        ]
        model = Model(
            labels=[str(label) for label in header["labels"]],
            features=FeatureSpace(settings, blocks),
            coef=np.asarray(arrays["coef"], dtype=np.float32),
            intercept=np.asarray(arrays["intercept"], dtype=np.float64),
            bias=np.asarray(arrays["bias"], dtype=np.float64),
            temperature=float(header.get("temperature", 1.0)),
            metrics=dict(header.get("metrics") or {}),
            settings=dict(header.get("settings") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{name} is incomplete or inconsistent ({error}).") from error
    _check_shapes(model, name)
    return model


def _vocabulary(joined: str) -> list[str]:
    return joined.split("\n") if joined else []


def _check_shapes(model: Model, name: str) -> None:
    classes, width = len(model.labels), model.features.size
    blocks_ok = all(len(b.idf) == len(b.vocabulary) for b in model.features.blocks)
    if (
        classes < 2
        or not blocks_ok
        or model.coef.shape != (classes, width)
        or model.intercept.shape != (classes,)
        or model.bias.shape != (classes,)
        or not model.temperature > 0
    ):
        raise ModelFileError(f"{name}: the arrays do not fit together.")


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
