"""Text classification of monitored online content (relevance, sentiment, toxicity, grievance).

The API the rest of the app uses:

- `train(texts, labels, settings=None) -> Model`: TF-IDF word and character n-grams of the
  normalised text and of the text without diacritics, a class-weighted logistic regression,
  a per-class bias tuned for macro-F1 on held-out predictions (`TrainSettings` to change them);
- `evaluate(model, texts, labels) -> dict`: macro_f1, accuracy, f1 per class, texts_per_second, n;
- `Model.load(path)`, `Model.from_bytes(data)` / `model.save(path)`: one `.npz` file without
  pickle (see `model`); `model.predict(texts)`, `model.predict_proba(texts)` (columns in
  `model.labels` order, argmax = predict), `model.labels`, `model.metrics` (measured when it was
  trained: `held_out`, and `test` for the defaults);
- `default_models()`: the project's models for each label column, trained on the labelled set
  it writes itself (`trainingset`), loaded once;
- `read_labelled_csv(path, text_column, label_column)`: the rows of a labelled CSV, or CsvError.
"""

from tuyengiao.media.classifier.csvdata import CsvError, LabelledRows, read_labelled_csv
from tuyengiao.media.classifier.defaults import DEFAULT_TASKS, default_models
from tuyengiao.media.classifier.features import BlockSpec, FeatureSettings
from tuyengiao.media.classifier.model import Model, ModelFileError
from tuyengiao.media.classifier.training import TrainingError, TrainSettings, evaluate, train

__all__ = [
    "DEFAULT_TASKS",
    "BlockSpec",
    "CsvError",
    "FeatureSettings",
    "LabelledRows",
    "Model",
    "ModelFileError",
    "TrainSettings",
    "TrainingError",
    "default_models",
    "evaluate",
    "read_labelled_csv",
    "train",
]
