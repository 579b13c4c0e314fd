"""The text of a monitored item as it is stored, shown, matched and fingerprinted.

Online content arrives in every Unicode shape: decomposed (NFD) from some phones and old
converters, tone marks on either vowel ("hoà"/"hòa"), non-breaking and zero-width spaces
from web pages, control characters from broken exports, and now and then a megabyte pasted
by mistake. `normalise` gives the one form everything downstream works on:

- letters styled with Unicode to stand out on social media (𝐛𝐨𝐥𝐝, 𝘪𝘵𝘢𝘭𝘪𝘤, ｆｕｌｌ ｗｉｄｔｈ) made
  plain letters (their NFKC form), so they can be read and matched;
- Unicode NFC, Vietnamese composed even when typed decomposed (core.text.compose); combining
  marks U+0300–U+036F that still compose with nothing are dropped (they are noise, and they
  would break words for matching);
- tone marks in the placement of most Vietnamese news sites, "hòa", "khỏe", "thủy"
  (core.text.modern_tone_marks), upper case too;
- line breaks kept (one kind, at most one blank line between paragraphs), every other run of
  whitespace — tabs, NBSP, the Unicode spaces — one space; zero-width characters, soft
  hyphens, bidirectional controls and control characters removed (they hide words from
  matching: "lư\u200bơng"; the price is that emoji joined by U+200D show as their parts);
- at most MAX_CHARS characters: longer texts are cut at a space and flagged `truncated`.

Highlights and fingerprints are computed on this text, and the offsets of highlights refer to
it: the model stores `Normalised.text` and the page shows that, not the raw input.
"""

from __future__ import annotations

import re
import unicodedata

from tuyengiao.core.text import compose, fold, modern_tone_marks

__all__ = ["MAX_CHARS", "RAW_LIMIT", "Normalised", "fold", "normalise", "words"]

MAX_CHARS = 50_000
"""The longest text kept: about 8,000 words, longer than nearly any news article. A 1 MB
paste costs a cut and the normalisation of RAW_LIMIT characters, not of the megabyte."""

RAW_LIMIT = 4 * MAX_CHARS
"""The raw input is cut here before any work, which bounds the cost whatever arrives."""

_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028]")
# Control characters (C0 but tab and newline, DEL, C1), zero-width spaces and joiners, word
# joiner and invisible operators, soft hyphen, Mongolian vowel separator, bidi controls, BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_MARKS = re.compile("[\u0300-\u036f]")
_STYLED = re.compile("[\U0001d400-\U0001d7ff\uff01-\uff5e]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|  ")
_AROUND_BREAK = re.compile(" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"[^\W_]+")
_LAST_SPACE_WINDOW = 200


class _FoldedWords(dict[str, str]):
    """Each lower-case word's folded form, kept: words repeat (Vietnamese has a few
    thousand syllables), and a dictionary look-up is cheaper than folding again."""

    def __missing__(self, word: str) -> str:
        folded = fold(word)
        if len(self) >= _FOLDED_WORDS_LIMIT:
            self.clear()
        self[word] = folded
        return folded


_FOLDED_WORDS_LIMIT = 200_000
_FOLDED_WORDS = _FoldedWords()


class Normalised:
    """A normalised text with the forms matching needs, each made once and on demand.
    `folded` (lower case, no diacritics) and `lower` have the text's length, so an offset
    into them is an offset into `text`. The words are read once, from `lower`, and folded
    word by word: the folded text itself is only made when a phrase or a highlight needs
    it."""

    __slots__ = (
        "text",
        "truncated",
        "_folded",
        "_lower",
        "_lower_tokens",
        "_folded_tokens",
        "_folded_words",
        "_lower_words",
    )

    def __init__(self, text: str, truncated: bool = False) -> None:
        self.text = text
        self.truncated = truncated
        self._folded: str | None = None
        self._lower: str | None = None
        self._lower_tokens: list[str] | None = None
        self._folded_tokens: list[str] | None = None
        self._folded_words: frozenset[str] | None = None
        self._lower_words: frozenset[str] | None = None

    def __repr__(self) -> str:
        cut = ", truncated" if self.truncated else ""
        return f"Normalised({self.text[:40]!r}{cut})"

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def lower(self) -> str:
        """Lower case with the diacritics kept (İ → i, as in fold, to keep the length)."""
        if self._lower is None:
            self._lower = self.text.replace("İ", "i").lower()
        return self._lower

    @property
    def lower_tokens(self) -> list[str]:
        """The words of the text in order, lower case (see `words`)."""
        if self._lower_tokens is None:
            self._lower_tokens = words(self.lower)
        return self._lower_tokens

    @property
    def folded_tokens(self) -> list[str]:
        """The words of the folded text in order: the same as words(folded)."""
        if self._folded_tokens is None:
            self._folded_tokens = list(map(_FOLDED_WORDS.__getitem__, self.lower_tokens))
        return self._folded_tokens

    @property
    def folded_words(self) -> frozenset[str]:
        """The distinct folded words: what a query's words written without diacritics are
        looked up in."""
        if self._folded_words is None:
            self._folded_words = frozenset(self.folded_tokens)
        return self._folded_words

    @property
    def lower_words(self) -> frozenset[str]:
        """The distinct lower-case words with their diacritics: what a query's words written
        with diacritics are looked up in."""
        if self._lower_words is None:
            self._lower_words = frozenset(self.lower_tokens)
        return self._lower_words


def words(text: str) -> list[str]:
    """The words of a text: runs of letters and digits. Everything else — spaces,
    punctuation, "#", "@", "_" — separates words, so "#tienluong" is the word "tienluong"
    and "covid-19" is "covid" then "19"."""
    return _WORD.findall(text)


def normalise(raw: str | None) -> Normalised:
    """The stored form of a monitored text (see the module's docstring for the rules)."""
    text = raw or ""
    truncated = len(text) > RAW_LIMIT
    text = _LINE_BREAKS.sub("\n", text[:RAW_LIMIT]).replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", text)
    if _STYLED.search(text) is not None:
        text = _STYLED.sub(_plain, text)
    text = compose(text)
    if _MARKS.search(text) is not None:
        text = _MARKS.sub("", text)
    text = modern_tone_marks(text)
    if _ODD_SPACE.search(text) is not None:  # most texts have none: skip the rewrite
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _BLANK_LINES.sub("\n\n", _AROUND_BREAK.sub("\n", text))
    text = text.strip()
    if len(text) > MAX_CHARS:
        return Normalised(_cut(text), truncated=True)
    return Normalised(text, truncated)


def _plain(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match[0])


def _cut(text: str) -> str:
    """The first MAX_CHARS characters, ending at a space or line break when one is near the
    limit, so no word is cut in half."""
    space = max(text.rfind(" ", 0, MAX_CHARS + 1), text.rfind("\n", 0, MAX_CHARS + 1))
    end = space if space > MAX_CHARS - _LAST_SPACE_WINDOW else MAX_CHARS
    return text[:end].rstrip()
