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


# --- Folding and Vietnamese tone marks (media monitoring, usable anywhere) ----------------------

_MARKS = re.compile(r"[\u0300-\u036f]")


def _fold_table() -> dict[int, str | None]:
    """Every precomposed Latin letter with marks → its lower-case base letter, đ/Đ → d, İ → i,
    and stray combining marks (U+0300–U+036F) → nothing. Letters whose decomposition is not
    one base letter plus marks are left to str.lower()."""
    table: dict[int, str | None] = {code: None for code in range(0x300, 0x370)}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not _MARKS.match(ch))
        if len(base) == 1 and base != chr(code):
            table[code] = base.lower()
    table.update({ord("đ"): "d", ord("Đ"): "d", 0x130: "i"})
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics, đ → d: "Lương TỐI THIỂU" → "luong toi thieu".

    The key for diacritic-insensitive matching. Unlike search_key it keeps the text's length
    and layout: on NFC text without stray combining marks (what `compose` and
    media.text.normalise give), fold(s)[i] is the folded s[i], so a match found at offsets in
    the folded text is at the same offsets in s. İ is the one letter whose str.lower() has two
    characters; it folds to i."""
    return unicodedata.normalize("NFC", text).translate(_FOLD).lower()


# Vowel-shape marks (circumflex, breve) must come before the tone mark for NFC to compose
# "ế" from e + U+0302 + U+0301; a few keyboards and converters emit them the other way round.
_SHAPE_AFTER_TONE = re.compile(r"([\u0300\u0301\u0303\u0309]+)([\u0302\u0306])")


def compose(text: str) -> str:
    """NFC, with decomposed Vietnamese composed even when the tone mark was typed before the
    vowel's circumflex or breve ("e" + U+0301 + U+0302 → "ế"). Marks that still compose with
    nothing are kept (see media.text.normalise, which drops them)."""
    text = unicodedata.normalize("NFC", text)
    if _MARKS.search(text) is None:
        return text
    decomposed = _SHAPE_AFTER_TONE.sub(r"\2\1", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", decomposed)


# The tone mark of the open syllables "oa", "oe", "uy" sits on the first vowel in the placement
# most Vietnamese news sites use ("hòa", "khỏe", "thủy") and on the second in the other one
# ("hoà", "khoẻ", "thuỷ"). Only these three endings differ: with a final consonant or vowel
# ("hoàng", "toán", "ngoài", "khuỷu", "huỳnh") both put it on the second, and after "q" the "u"
# belongs to the consonant ("quý", "quỹ" keep theirs).
_SECOND_VOWEL_TONED = re.compile(r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![^\W_])")


def _tone_on_first(match: re.Match[str]) -> str:
    start = match.start()
    if start and match.string[start - 1] in "qQ":
        return match[0]
    first, second = match[0][0], unicodedata.normalize("NFD", match[0][1])
    return unicodedata.normalize("NFC", first + second[1:]) + second[0]


def modern_tone_marks(text: str) -> str:
    """The tone marks of "oa", "oe", "uy" at the end of a syllable moved to the first vowel:
    "hoà" → "hòa", "khoẻ" → "khỏe", "THUỶ" → "THỦY"; nothing else changes, and the length is
    kept. This is the placement of most Vietnamese news sites; the project calls it the new
    style and "hoà" the old one (linguists often say the opposite, after the 1980s school
    rule that puts the mark on the main vowel — what matters is that one form is stored).
    Input must be NFC (see `compose`)."""
    return _SECOND_VOWEL_TONED.sub(_tone_on_first, text)
