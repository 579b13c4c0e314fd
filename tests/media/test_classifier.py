"""The media classifier: normalisation, training quality on the project's own labelled set,
the pickle-free model file, and the shipped default models."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tuyengiao.media.classifier import (
    BlockSpec,
    FeatureSettings,
    Model,
    ModelFileError,
    TrainingError,
    TrainSettings,
    default_models,
    evaluate,
    train,
    trainingset,
)
from tuyengiao.media.classifier.defaults import TRAINING_DIR
from tuyengiao.media.classifier.normalise import MAX_CHARS, normalise, normalise_stripped

# Small features and two folds: the tests measure the pipeline, not the best settings.
QUICK = TrainSettings(
    features=FeatureSettings(blocks=(BlockSpec("word", 1, 2), BlockSpec("char", 2, 4, plain=True))),
    folds=2,
)


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict[str, str]]]:
    return {part: trainingset.rows(part, seed=7) for part in ("train", "test")}


@pytest.fixture(scope="module")
def relevance(rows: dict[str, list[dict[str, str]]]) -> Model:
    sample = rows["train"][:900]
    return train([r["text"] for r in sample], [r["relevant"] for r in sample], QUICK)


# --- normalisation


def test_normalise_reads_online_spellings_alike() -> None:
    assert normalise("Hoà bình QUÁAAAA đẹppp") == "hòa bình quáa đẹp"
    assert normalise("ko dc j") == "không được gì"
    assert normalise("Xem https://vnexpress.net/a-b @Lan 3.500.000đ") == "xem xurl xuser xnum đ"
    assert normalise("gọi 0912 345 678 nhé") == "gọi xphone nhé"
    assert normalise("vui quá😂😂😂😂 :)))))") == "vui quá 😂 😂 :))"
    assert normalise_stripped(normalise("Công đoàn ĐÒI LƯƠNG")) == "cong doan doi luong"
    assert normalise("co\u0302ng nha\u0302n") == "công nhân"  # decomposed → NFC


def test_normalise_reads_only_the_beginning_of_a_long_text() -> None:
    assert len(normalise("a " * 1_000_000)) <= MAX_CHARS


# --- training and evaluation


def test_trained_model_classifies_unseen_phrasings(
    relevance: Model, rows: dict[str, list[dict[str, str]]]
) -> None:
    """Held-out templates (phrasings never trained on) are still told apart."""
    test = rows["test"]
    found = evaluate(relevance, [r["text"] for r in test], [r["relevant"] for r in test])
    assert found["macro_f1"] > 0.75, found
    assert set(found["f1"]) == {"relevant", "irrelevant"}
    assert found["n"] == len(test)
    assert found["texts_per_second"] > 100
    assert relevance.metrics["held_out"]["macro_f1"] > 0.8
    assert relevance.metrics["trained_on"] == 900


def test_many_classes_and_the_bias_favouring_rare_ones(
    rows: dict[str, list[dict[str, str]]],
) -> None:
    sample = rows["train"][:1500]
    model = train([r["text"] for r in sample], [r["grievance"] for r in sample], QUICK)
    assert len(model.labels) == 10 and model.bias.shape == (10,)
    test = rows["test"]
    found = evaluate(model, [r["text"] for r in test], [r["grievance"] for r in test])
    assert found["macro_f1"] > 0.3, found
    assert model.predict(["Công ty nợ lương công nhân 3 tháng chưa trả"]) == ["unpaid_wages"]


def test_probabilities(relevance: Model) -> None:
    texts = ["Công nhân bị nợ lương ba tháng", "Quán phở ngon quá", ""]
    proba = relevance.predict_proba(texts)
    assert proba.shape == (3, 2)
    assert np.allclose(proba.sum(axis=1), 1)
    assert relevance.predict(texts)[:2] == ["relevant", "irrelevant"]
    assert relevance.predict([]) == []


def test_training_refuses_a_single_class() -> None:
    with pytest.raises(TrainingError, match="at least 2 classes"):
        train(["một", "hai", "ba"], ["a", "a", "a"], QUICK)


def test_tiny_classes() -> None:
    """A class with one text does not stop the held-out rounds; too few texts skip them."""
    texts = ["lương thấp", "nợ lương", "trời đẹp", "đi chơi", "ăn phở"]
    model = train(texts, ["x", "x", "y", "y", "z"], QUICK)
    assert model.metrics["held_out"]["folds"] == 2
    assert model.predict(["nợ lương"]) == ["x"]
    model = train(texts[:3], ["x", "x", "y"], QUICK)
    assert model.metrics["held_out"] is None
    assert model.predict(["trời đẹp"]) == ["y"]


def test_training_refuses_a_text_column_given_as_labels() -> None:
    texts = [f"bài số {i}" for i in range(150)]
    with pytest.raises(TrainingError, match="150 distinct values"):
        train(texts, texts, QUICK)


def test_a_megabyte_text_is_classified_quickly(relevance: Model) -> None:
    huge = "Công ty nợ lương công nhân. " * 40_000  # about 1 MB
    started = time.perf_counter()
    assert relevance.predict([huge, "ok"])[0] == "relevant"
    assert time.perf_counter() - started < 2


# --- the model file


def test_save_and_load_give_the_same_model(relevance: Model, tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    size = relevance.save(path)
    assert size == path.stat().st_size < 5_000_000
    loaded = Model.load(path)
    texts = ["Công nhân KCN Gián Khẩu ngừng việc", "Trận này Việt Nam đá hay", "🙂", ""]
    assert loaded.predict(texts) == relevance.predict(texts)
    assert np.allclose(loaded.predict_proba(texts), relevance.predict_proba(texts), atol=1e-6)
    assert loaded.labels == relevance.labels
    assert loaded.metrics == relevance.metrics


def _archive(**arrays: object) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_a_model_file_with_a_pickle_inside_is_refused(relevance: Model, tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    relevance.save(path)
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["coef"] = np.array([{"boom": 1}], dtype=object)
    path.write_bytes(_archive(**arrays))
    with pytest.raises(ModelFileError):
        Model.load(path)


def test_files_that_are_not_models_are_refused(tmp_path: Path) -> None:
    cases = {
        "text.npz": b"not a zip at all",
        "empty.npz": _archive(),
        "other.npz": _archive(header=np.frombuffer(b'{"format": "x"}', dtype=np.uint8)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.pkl", b"\x80\x04K\x01.")
    cases["pickle.npz"] = buffer.getvalue()
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ModelFileError):
            Model.load(tmp_path / name)
    with pytest.raises(ModelFileError, match="Cannot read"):
        Model.load(tmp_path / "missing.npz")


# --- the shipped set and models


def test_the_shipped_training_set_is_what_the_generator_writes(tmp_path: Path) -> None:
    """Change the templates, then run `python -m tuyengiao.media.classifier.trainingset`."""
    for part in ("train", "test"):
        written = tmp_path / f"{part}.csv"
        trainingset.write_csv(written, trainingset.rows(part, seed=trainingset.DEFAULT_SEED))
        assert written.read_bytes() == (TRAINING_DIR / f"{part}.csv").read_bytes(), part


def test_default_models() -> None:
    models = default_models()
    assert set(models) == {"relevant", "sentiment", "toxic", "grievance"}
    assert models is default_models()
    texts = [
        "Công ty nợ lương công nhân 3 tháng chưa trả, anh em bức xúc",
        "Hôm nay trời đẹp, cả nhà đi chơi công viên",
    ]
    assert models["relevant"].predict(texts) == ["relevant", "irrelevant"]
    assert models["grievance"].predict(texts) == ["unpaid_wages", "none"]
    assert models["toxic"].predict(["Đm bọn chủ khốn nạn quỵt lương"]) == ["toxic"]
    for model in models.values():
        assert model.metrics["test"]["macro_f1"] > 0.4
