"""`tuyengiao classifier train|evaluate`: text classifiers from labelled CSV files.

    tuyengiao classifier train --input FILE.csv --text-column C --label-column L --output MODEL
    tuyengiao classifier evaluate --model MODEL --input FILE.csv --text-column C --label-column L

`train` prints a short summary (classes, rows, seconds, file size, held-out metrics); `evaluate`
prints one JSON line: macro_f1, accuracy, f1 per class, texts_per_second, n (and skipped, the
rows without a text or a label). A bad file (not UTF-8, a column missing, empty, one class)
stops with a message and a non-zero exit; nothing is written then."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.media.classifier import (
    CsvError,
    LabelledRows,
    Model,
    ModelFileError,
    TrainingError,
    evaluate,
    read_labelled_csv,
    train,
)


class Command(BaseCommand):
    help = "Text classifiers: `classifier train` from a labelled CSV, `classifier evaluate`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fit = actions.add_parser("train", help="train a model from a labelled UTF-8 CSV")
        _data_arguments(fit)
        fit.add_argument("--output", required=True, type=Path, help="the model file to write")
        check = actions.add_parser("evaluate", help="measure a model on a labelled UTF-8 CSV")
        check.add_argument("--model", required=True, type=Path, help="a model file")
        _data_arguments(check)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self._train(options)
        else:
            self._evaluate(options)

    def _train(self, options: dict[str, Any]) -> None:
        rows = _read(options)
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        started = time.perf_counter()
        progress = self.stderr.write if options["verbosity"] > 1 else None
        try:
            model = train(rows.texts, rows.labels, progress=progress)
        except TrainingError as error:
            raise CommandError(str(error)) from error
        size = model.save(output)
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{k}: {v:,}" for k, v in model.metrics["counts"].items())
        self.stdout.write(
            f"Trained on {len(rows.texts):,} rows ({rows.skipped:,} skipped) in {seconds:.1f} s."
        )
        self.stdout.write(f"Classes: {counts}.")
        self.stdout.write(
            f"Wrote {output} ({size / 1e6:.1f} MB, {model.features.size:,} features)."
        )
        held_out = model.metrics.get("held_out")
        if held_out:
            per_class = json.dumps(held_out["f1"], ensure_ascii=False)
            self.stdout.write(
                f"Held-out ({held_out['folds']} folds): macro-F1 {held_out['macro_f1']:.4f}, "
                f"accuracy {held_out['accuracy']:.4f}, F1 {per_class}."
            )
        else:
            self.stdout.write("Held-out: too few rows per class to measure.")

    def _evaluate(self, options: dict[str, Any]) -> None:
        try:
            model = Model.load(options["model"])
        except ModelFileError as error:
            raise CommandError(str(error)) from error
        rows = _read(options)
        try:
            found = evaluate(model, rows.texts, rows.labels)
        except TrainingError as error:
            raise CommandError(str(error)) from error
        found["skipped"] = rows.skipped
        self.stdout.write(json.dumps(found, ensure_ascii=False))


def _data_arguments(parser: CommandParser) -> None:
    parser.add_argument("--input", required=True, type=Path, help="a labelled UTF-8 CSV file")
    parser.add_argument("--text-column", required=True, help="the column holding the texts")
    parser.add_argument("--label-column", required=True, help="the column holding the labels")


def _read(options: dict[str, Any]) -> LabelledRows:
    try:
        return read_labelled_csv(options["input"], options["text_column"], options["label_column"])
    except CsvError as error:
        raise CommandError(str(error)) from error
