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


def search_key(text: str) -> str:
    """Lower-case, no diacritics, đ→d: "Công đoàn ngành Giáo dục" → "cong doan nganh giao duc"."""
    decomposed = unicodedata.normalize("NFD", clean(text).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()


def search_terms(query: str) -> list[str]:
    """The words of a query as search keys; each must appear for a match."""
    return [term for term in search_key(query).split(" ") if term]
