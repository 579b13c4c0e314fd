"""Labelled texts from a CSV file, with a clear message for each way the file can be wrong.

The file must be UTF-8 (a byte-order mark is accepted: spreadsheet programs write one) with a
header row; the columns are separated by commas, or by semicolons or tabs when the named
columns are only found that way. Rows without a text or a label are skipped and counted, not
fatal: hand-labelled files have gaps. Texts are kept whole here; the features read only their
beginning.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

FIELD_LIMIT = 64 * 1024 * 1024
"""Python's csv refuses fields past 128 KiB by default; a pasted article may be longer."""


class CsvError(ValueError):
    """The file cannot be read as labelled texts; the message says why, for a person."""


@dataclass
class LabelledRows:
    texts: list[str]
    labels: list[str]
    skipped: int
    columns: list[str]


def read_labelled_csv(path: Path | str, text_column: str, label_column: str) -> LabelledRows:
    """The (text, label) rows of `path`; CsvError if the file is missing, not UTF-8, empty or
    lacks one of the columns (the message lists the columns it has)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CsvError(f"Cannot read {path}: {error.strerror or error}.") from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvError(
            f"{path} is not UTF-8 (byte {error.start} is {raw[error.start]:#04x}); "
            "save it as 'CSV UTF-8' and try again."
        ) from error
    if not content.strip():
        raise CsvError(f"{path} is empty.")
    return _rows(content, path, text_column, label_column)


def _rows(content: str, path: Path, text_column: str, label_column: str) -> LabelledRows:
    wanted = (text_column, label_column)
    header_line = content.splitlines()[0]
    delimiter = _delimiter(header_line, wanted)
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
        missing = [name for name in wanted if name not in header]
        if missing:
            found = ", ".join(repr(name) for name in header) or "none"
            raise CsvError(
                f"{path} has no column {' or '.join(repr(m) for m in missing)}; "
                f"its columns are: {found}."
            )
        text_at, label_at = header.index(text_column), header.index(label_column)
        texts, labels, skipped = [], [], 0
        for row in reader:
            text = row[text_at].strip() if len(row) > text_at else ""
            label = row[label_at].strip() if len(row) > label_at else ""
            if text and label:
                texts.append(text)
                labels.append(label)
            elif any(cell.strip() for cell in row):
                skipped += 1
    except csv.Error as error:
        raise CsvError(
            f"{path} is not a well-formed CSV file (line {reader.line_num}: {error})."
        ) from error
    if not texts:
        raise CsvError(f"{path} has no row with both a {text_column!r} and a {label_column!r}.")
    return LabelledRows(texts, labels, skipped, header)


def _delimiter(header_line: str, wanted: tuple[str, ...]) -> str:
    for delimiter in (",", ";", "\t"):
        names = [name.strip().strip('"') for name in header_line.split(delimiter)]
        if all(name in names for name in wanted):
            return delimiter
    return ","
