"""Vietnamese text: canonical Unicode form and diacritic-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Old-style tone placement ("hoà", "thuỷ") and new-style ("hòa", "thủy") name the same word;
# search keys drop the marks entirely, display text keeps what the user typed, in NFC.


def clean(text: str) -> str:
    """NFC with collapsed whitespace: the form every stored name takes."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_LINE_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_block(text: str) -> str:
    """Text of several paragraphs as pasted from a word processor, made plain: NFC, one kind
    of line break, no control or zero-width characters, spaces collapsed within lines, at most
    one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n\n"))
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def search_key(text: str) -> str:
    """Lower-case, no diacritics, đ→d: "Công đoàn ngành Giáo dục" → "cong doan nganh giao duc"."""
    decomposed = unicodedata.normalize("NFD", clean(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def search_terms(query: str) -> list[str]:
    """The words of a query as search keys; each must appear for a match."""
    return [term for term in search_key(query).split(" ") if term]
