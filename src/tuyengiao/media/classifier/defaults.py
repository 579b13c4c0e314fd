"""The project's default models, shipped in `media/data/models/` and trained by
`python -m tuyengiao.media.classifier.trainingset` on the labelled set the project writes
itself (`media/data/training/`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tuyengiao.media.classifier.model import Model

MODELS_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
TRAINING_DIR = Path(__file__).resolve().parents[1] / "data" / "training"
DEFAULT_TASKS = ("relevant", "sentiment", "toxic", "grievance")
"""One model per label column of the training set."""


def model_path(task: str) -> Path:
    return MODELS_DIR / f"{task}.npz"


@cache
def default_models() -> dict[str, Model]:
    """Each task's default model, loaded on first use and kept for the process."""
    return {task: Model.load(model_path(task)) for task in DEFAULT_TASKS}
