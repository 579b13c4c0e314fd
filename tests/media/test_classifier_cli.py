"""`tuyengiao classifier train|evaluate` on CSV files: the summary, the JSON line, and a clear
message for each way a file can be wrong."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tuyengiao.media.classifier import Model, trainingset


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    train_rows = trainingset.rows("train", seed=11)[:500]
    train_rows += [{"text": "", "toxic": "clean"}, {"text": "không nhãn", "toxic": ""}]
    test_rows = trainingset.rows("test", seed=11)[:300]
    columns = ("noi_dung", "toxic")
    for row in train_rows + test_rows:
        row["noi_dung"] = row["text"]
    found = {
        "train": _write(folder / "train.csv", train_rows, columns),
        "test": _write(folder / "test.csv", test_rows, columns),
        "model": folder / "toxic.npz",
        "summary": folder / "summary.txt",
    }
    found["summary"].write_text(_train(found))
    return found


def _run(*args: str) -> str:
    out = StringIO()
    call_command("classifier", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _train(files: dict[str, Path], source: Path | None = None, column: str = "noi_dung") -> str:
    return _run(
        "train",
        "--input",
        str(source or files["train"]),
        "--text-column",
        column,
        "--label-column",
        "toxic",
        "--output",
        str(files["model"]),
    )


def _evaluate(files: dict[str, Path], source: Path | None = None) -> str:
    return _run(
        "evaluate",
        "--model",
        str(files["model"]),
        "--input",
        str(source or files["test"]),
        "--text-column",
        "noi_dung",
        "--label-column",
        "toxic",
    )


def test_train_then_evaluate(files: dict[str, Path]) -> None:
    summary = files["summary"].read_text()
    assert "Trained on 500 rows (2 skipped)" in summary
    assert "Classes: clean: " in summary and "toxic: " in summary
    assert "Held-out (3 folds): macro-F1" in summary
    assert Model.load(files["model"]).labels == ["clean", "toxic"]
    lines = _evaluate(files).splitlines()
    assert len(lines) == 1
    found = json.loads(lines[0])
    assert {"macro_f1", "accuracy", "f1", "texts_per_second", "n"} <= set(found)
    assert found["n"] == 300 and found["skipped"] == 0
    assert 0.7 < found["macro_f1"] <= 1 and 0.7 < found["accuracy"] <= 1
    assert set(found["f1"]) == {"clean", "toxic"}
    assert found["texts_per_second"] > 100


def test_a_bom_semicolons_and_a_megabyte_text_are_read(
    files: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "excel.csv"
    huge = "Công ty nợ lương. " * 60_000
    lines = ["noi_dung;toxic", *[f"{huge};clean", "Đm bọn chủ;toxic", "Trời đẹp;clean"] * 3]
    source.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    found = json.loads(_evaluate(files, source))
    assert found["n"] == 9


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "text,label\nxin chào,a\n".encode(),
            "no column 'noi_dung' or 'toxic'; its columns are: 'text', 'label'",
        ),
        ("noi_dung,toxic\nCông nhân,clean\n".encode("cp1258"), "is not UTF-8"),
        (b"", "is empty"),
        (b"noi_dung,toxic\n", "has no row with both"),
        ("noi_dung,toxic\nmột,clean\nhai,clean\n".encode(), "at least 2 classes"),
    ],
    ids=["wrong-column", "not-utf8", "empty", "header-only", "one-class"],
)
def test_bad_files_stop_with_a_message(
    files: dict[str, Path], tmp_path: Path, content: bytes, message: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    output = tmp_path / "never.npz"
    with pytest.raises(CommandError, match=message):
        _run("train", "--input", str(source), "--text-column", "noi_dung", "--label-column",
             "toxic", "--output", str(output))  # fmt: skip
    assert not output.exists()


def test_a_missing_file_or_a_bad_model_stop_with_a_message(
    files: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _train(files, tmp_path / "missing.csv")
    fake = tmp_path / "fake.npz"
    fake.write_bytes(b"PK not really")
    with pytest.raises(CommandError, match="not a model file"):
        _run("evaluate", "--model", str(fake), "--input", str(files["test"]), "--text-column",
             "noi_dung", "--label-column", "toxic")  # fmt: skip


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path: Path) -> None:
    source = tmp_path / "latin.csv"
    source.write_bytes("noi_dung,toxic\nCông nhân,clean\n".encode("cp1258"))
    done = subprocess.run(  # noqa: S603 (our own command)
        [
            sys.executable,
            "-m",
            "tuyengiao.cli",
            "classifier",
            "train",
            "--input",
            str(source),
            "--text-column",
            "noi_dung",
            "--label-column",
            "toxic",
            "--output",
            str(tmp_path / "m.npz"),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "is not UTF-8" in done.stderr
