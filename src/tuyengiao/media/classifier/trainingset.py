"""The project's own labelled Vietnamese set, and the default models trained on it.

    .venv/bin/python -m tuyengiao.media.classifier.trainingset [--seed 2026] [--no-models]

writes `media/data/training/train.csv` and `test.csv` (columns text, relevant, sentiment, toxic,
grievance) from the templates of `corpus`, then trains one model per label column on
train.csv, measures it on test.csv and writes it to `media/data/models/<column>.npz`.

Rows are templates with their slots filled, then dressed as people write online: an opener or a
closer, emoji, teen code, no diacritics, a typo, a stretched word, capitals; some complaints get
angry words, which makes them toxic. Every fifth template of each group is kept for test.csv
only, so the test figures are for phrasings the model has not seen (with the same slot words,
so they are still kinder than real posts). The same seed writes the same files.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from tuyengiao.media.classifier import corpus
from tuyengiao.media.classifier.csvdata import read_labelled_csv
from tuyengiao.media.classifier.defaults import DEFAULT_TASKS, TRAINING_DIR, model_path
from tuyengiao.media.classifier.normalise import strip_diacritics
from tuyengiao.media.classifier.training import evaluate, train

COLUMNS = ("text", *DEFAULT_TASKS)
DEFAULT_SEED = 2026
ROWS_PER_GROUP = {"train": 300, "test": 60}
HELD_OUT_EVERY = 5
TOXIC_SHARE = 0.18
"""Of the complaints, how many are written with angry words."""

TEEN_CODE = (
    ("không", ("ko", "k", "hông", "khong")),
    ("được", ("dc", "đc", "đk")),
    ("với", ("vs",)),
    ("người", ("ng",)),
    ("gì", ("j",)),
    ("rồi", ("r",)),
    ("biết", ("bít", "bt")),
    ("công ty", ("cty", "cty", "công ti")),
    ("bảo hiểm xã hội", ("bhxh", "BHXH")),
    ("công nhân", ("cn", "CN")),
    ("quá", ("wá", "qá")),
    ("vậy", ("z", "v", "zậy")),
    ("mình", ("mk", "mik")),
    ("mọi người", ("mn", "mng")),
    ("thôi", ("thui",)),
)
SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random) -> str:
    return SLOT_RE.sub(lambda m: rng.choice(corpus.SLOTS[m.group(1)]), template)


def dress(text: str, sentiment: str, rng: random.Random) -> str:
    """The text with an opener, a closer or emoji, as people add them."""
    if rng.random() < 0.3:
        opener = fill(rng.choice(corpus.OPENERS), rng)
        text = f"{opener}{rng.choice([', ', ': ', '. ', ' '])}{text[0].lower()}{text[1:]}"
    if rng.random() < 0.3:
        closer = rng.choice(corpus.CLOSERS)
        text = f"{text}{'' if closer[0] in '!.?' else ', '}{closer}"
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(corpus.EMOJI[sentiment]) * rng.choice([1, 1, 2, 3])}".rstrip()
    return text


def make_toxic(text: str, rng: random.Random, *, about_work: bool) -> str:
    """A complaint said with swearing or an insult (its other labels stay)."""
    if rng.random() < 0.5:
        return f"{rng.choice(corpus.TOXIC_OPENERS)}, {text[0].lower()}{text[1:]}"
    closers = corpus.TOXIC_CLOSERS if about_work else corpus.EVERYDAY_TOXIC_CLOSERS
    return f"{text}, {rng.choice(closers)}"


def roughen(text: str, rng: random.Random) -> str:
    """Surface noise of online writing: teen code, no diacritics, a typo, a stretched last
    letter, all capitals or all lower case."""
    if rng.random() < 0.25:
        for word, codes in TEEN_CODE:
            if rng.random() < 0.7:
                text = re.sub(rf"\b{word}\b", _chooser(codes, rng), text, flags=re.I)
    if rng.random() < 0.1:
        text = _typo(text, rng)
    if rng.random() < 0.08:
        text = re.sub(r"(\w)(\W*)$", lambda m: m.group(1) * rng.randint(3, 6) + m.group(2), text)
    if rng.random() < 0.2:
        text = strip_diacritics(text)
    casing = rng.random()
    if casing < 0.05:
        text = text.upper()
    elif casing < 0.25:
        text = text.lower()
    return text


def _chooser(codes: tuple[str, ...], rng: random.Random) -> Callable[[re.Match[str]], str]:
    return lambda _: rng.choice(codes)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long_words = [i for i, word in enumerate(words) if len(word) > 3 and word.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word = words[i]
    j = rng.randrange(len(word) - 1)
    words[i] = (
        word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        if rng.random() < 0.5
        else word[:j] + word[j + 1 :]
    )
    return " ".join(words)


def rows(part: str, seed: int) -> list[dict[str, str]]:
    """The rows of `part` ("train" or "test"): each group's templates of that part, filled and
    dressed, until the group has its share of distinct texts."""
    rng = random.Random(f"{seed}-{part}")  # noqa: S311 (reproducible text, not secrets)
    found: dict[str, dict[str, str]] = {}
    for group in corpus.GROUPS.values():
        templates = [
            t
            for i, t in enumerate(group.templates)
            if (i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1) == (part == "test")
        ]
        wanted, made, tries = ROWS_PER_GROUP[part], 0, 0
        while made < wanted and tries < wanted * 20:
            tries += 1
            row = _row(group, rng.choice(templates), rng)
            if row["text"] not in found:
                found[row["text"]] = row
                made += 1
    result = list(found.values())
    rng.shuffle(result)
    return result


def _row(group: corpus.Group, template: str, rng: random.Random) -> dict[str, str]:
    text = fill(template, rng)
    toxic = group.toxic
    complaint = group.relevant == corpus.RELEVANT and group.sentiment == corpus.NEGATIVE
    if (complaint or group is corpus.DAILY_NEGATIVE) and rng.random() < TOXIC_SHARE:
        text, toxic = make_toxic(text, rng, about_work=complaint), corpus.TOXIC
    text = roughen(dress(text, group.sentiment, rng), rng)
    return {
        "text": text,
        "relevant": group.relevant,
        "sentiment": group.sentiment,
        "toxic": toxic,
        "grievance": group.grievance,
    }


def write_csv(path: Path, found: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(found)


def train_defaults(train_csv: Path, test_csv: Path) -> None:
    """One model per label column, measured on the held-out templates, written in place."""
    model_path(DEFAULT_TASKS[0]).parent.mkdir(parents=True, exist_ok=True)
    for task in DEFAULT_TASKS:
        started = time.perf_counter()
        data = read_labelled_csv(train_csv, "text", task)
        model = train(data.texts, data.labels)
        test = read_labelled_csv(test_csv, "text", task)
        model.metrics["test"] = evaluate(model, test.texts, test.labels)
        size = model.save(model_path(task))
        print(
            f"{task}: {len(model.labels)} classes, {size / 1000:.0f} kB, "
            f"{time.perf_counter() - started:.1f} s; held-out macro-F1 "
            f"{model.metrics['held_out']['macro_f1']:.3f}, test macro-F1 "
            f"{model.metrics['test']['macro_f1']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=TRAINING_DIR)
    parser.add_argument("--no-models", action="store_true", help="write the CSV files only")
    args = parser.parse_args()
    paths = {part: args.out / f"{part}.csv" for part in ("train", "test")}
    for part, path in paths.items():
        found = rows(part, args.seed)
        write_csv(path, found)
        print(f"{path}: {len(found):,} rows")
    if not args.no_models:
        train_defaults(paths["train"], paths["test"])


if __name__ == "__main__":
    main()
