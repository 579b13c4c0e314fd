"""Classifier benchmark on UIT-ViHSD (Vietnamese hate speech: CLEAN / OFFENSIVE / HATE).

    .venv/bin/python -m tests.bench.bench_classifier [--data ../shared/bench-data/vihsd] [--no-doc]

Trains on the folder's train.csv and measures on its dev.csv with the two commands a user runs,
`tuyengiao classifier train` and `tuyengiao classifier evaluate` (each in its own process with
one thread: OMP, OpenBLAS, MKL), so the figures are the command's. The model goes to a temporary
folder and is deleted: the data set is for research only, and no model trained on it may be
kept in the repository. A baseline is measured in the same run: word-unigram TF-IDF and a
plain logistic regression (scikit-learn's defaults). The section of docs/BENCHMARKS.md between
the bench_classifier markers is rewritten, with the published test-split figures beside ours.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.common import DOC, ROOT, machine

NAME = "bench_classifier"
START = f"<!-- {NAME}:start -->"
END = f"<!-- {NAME}:end -->"
HEADING = "Media classifier (UIT-ViHSD)"
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}
PUBLISHED = [
    ("Dataset paper's baselines (Luu et al. 2021)", "0.60–0.63"),
    ("PhoBERT-base", "0.650"),
    ("ViSoBERT (transformer, GPU)", "0.688"),
]


def command(*args: str) -> tuple[str, float]:
    """`tuyengiao <args>` in its own process with one thread; its output and wall seconds."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tuyengiao.settings", **ONE_THREAD)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "tuyengiao.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"`tuyengiao {' '.join(args)}` failed:\n{done.stderr}")
    return done.stdout, seconds


def ours(data: Path, columns: list[str], folder: Path) -> dict[str, Any]:
    model = folder / "vihsd.npz"
    summary, train_seconds = command(
        "classifier", "train", "--input", str(data / "train.csv"), *columns,
        "--output", str(model),
    )  # fmt: skip
    print(summary, flush=True)
    line, _ = command(
        "classifier", "evaluate", "--model", str(model), "--input", str(data / "dev.csv"), *columns
    )  # fmt: skip
    found: dict[str, Any] = json.loads(line)
    found.update(
        train_seconds=train_seconds,
        size=model.stat().st_size,
        summary=summary.strip(),
    )
    return found


def baseline(data: Path, text: str, label: str) -> dict[str, Any]:
    """Word-unigram TF-IDF + logistic regression with scikit-learn's defaults, in this process
    (limited to one thread before NumPy loads)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    def read(name: str) -> tuple[list[str], list[str]]:
        with (data / name).open(encoding="utf-8-sig", newline="") as source:
            rows = [r for r in csv.DictReader(source) if r[text].strip() and r[label].strip()]
        return [r[text] for r in rows], [r[label].strip() for r in rows]

    train_texts, train_labels = read("train.csv")
    dev_texts, dev_labels = read("dev.csv")
    started = time.perf_counter()
    vectorizer = TfidfVectorizer()
    regression = LogisticRegression(max_iter=2000)
    regression.fit(vectorizer.fit_transform(train_texts), train_labels)
    train_seconds = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    predicted = regression.predict(vectorizer.transform(dev_texts))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    labels = sorted(set(dev_labels) | set(predicted))
    per_class = f1_score(dev_labels, predicted, labels=labels, average=None)
    return {
        "macro_f1": round(float(f1_score(dev_labels, predicted, average="macro")), 4),
        "accuracy": round(float(accuracy_score(dev_labels, predicted)), 4),
        "f1": {k: round(float(v), 4) for k, v in zip(labels, per_class, strict=True)},
        "texts_per_second": round(len(dev_texts) / seconds, 1),
        "texts_per_cpu_second": round(len(dev_texts) / cpu_seconds, 1),
        "n": len(dev_texts),
        "train_seconds": train_seconds,
        "size": None,
    }


def markdown(args: argparse.Namespace, mine: dict[str, Any], base: dict[str, Any]) -> str:
    labels = sorted(mine["f1"])
    names = {"0": "CLEAN", "1": "OFFENSIVE", "2": "HATE"}
    header = ["model", "split", "macro-F1", "accuracy"]
    header += [f"F1 {names.get(k, k)}" for k in labels]
    header += ["texts/s (1 core)", "texts per CPU-second", "model file", "training"]
    lines = [
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with "
        f"`.venv/bin/python -m tests.bench.{NAME} --data {args.data}`; the commands it runs:",
        "",
        "```",
        f"tuyengiao classifier train --input {args.data}/train.csv --text-column "
        f"{args.text_column} --label-column {args.label_column} --output /tmp/…/vihsd.npz",
        f"tuyengiao classifier evaluate --model /tmp/…/vihsd.npz --input {args.data}/dev.csv "
        f"--text-column {args.text_column} --label-column {args.label_column}",
        "```",
        "",
        *machine([])[:2],
        f"- Load average (1 min): {args.load_before:.2f} before, {os.getloadavg()[0]:.2f} after",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        _row("this project (`tuyengiao classifier`)", "dev", mine, labels),
        _row("baseline: word-unigram TF-IDF + logistic regression", "dev", base, labels),
    ]
    for name, figure in PUBLISHED:
        cells = [name, "test", figure, "–", *["–"] * len(labels), "–", "–", "–", "–"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "The training command's summary:", "", "```", mine["summary"], "```"]
    return "\n".join([START, "", *lines, "", END])


def _row(name: str, split: str, found: dict[str, Any], labels: list[str]) -> str:
    size = f"{found['size'] / 1e6:.1f} MB" if found.get("size") else "–"
    cells = [name, split, f"{found['macro_f1']:.4f}", f"{found['accuracy']:.4f}"]
    cells += [f"{found['f1'].get(k, 0):.4f}" for k in labels]
    cells += [f"{found['texts_per_second']:,.0f}", f"{found['texts_per_cpu_second']:,.0f}"]
    cells += [size, f"{found['train_seconds']:.0f} s"]
    return "| " + " | ".join(cells) + " |"


def write_doc(section: str) -> None:
    """The section in place of the previous one; the text around it is kept."""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {HEADING}\n\n" + section + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data", type=Path, default=Path("../shared/bench-data/vihsd"))
    parser.add_argument("--text-column", default="free_text")
    parser.add_argument("--label-column", default="label_id")
    parser.add_argument("--no-doc", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args()
    data = args.data if args.data.is_absolute() else ROOT / args.data
    if not (data / "train.csv").is_file() or not (data / "dev.csv").is_file():
        sys.exit(f"No train.csv and dev.csv in {data}.")
    args.load_before = os.getloadavg()[0]
    columns = ["--text-column", args.text_column, "--label-column", args.label_column]
    with tempfile.TemporaryDirectory(prefix="bench-classifier-") as folder:
        mine = ours(data, columns, Path(folder))
    print(json.dumps({k: v for k, v in mine.items() if k != "summary"}), flush=True)
    os.environ.update(ONE_THREAD)
    base = baseline(data, args.text_column, args.label_column)
    print("baseline:", json.dumps(base), flush=True)
    section = markdown(args, mine, base)
    if args.no_doc:
        print(section)
    else:
        write_doc(section)
        print(f"Results written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
