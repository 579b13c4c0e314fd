"""Text normalisation for Vietnamese social-media text, shared by training and prediction.

Comments, posts and news snippets spell the same word many ways: with or without diacritics,
with the tone mark on either vowel ("hoà"/"hòa"), stretched ("quáaaa"), in teen code ("ko",
"dc", "j"), in capitals for shouting. A classifier trained on one set meets the other spellings
in the next, so the features are read from a normalised text, and again from the same text
without diacritics. URLs, mentions and numbers become placeholder tokens (their value rarely
matters, their presence may); emoji and emoticons are kept as tokens (they carry sentiment).
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 3000
"""Only the first characters of a text are read: a pasted 1 MB text costs what 3,000 do."""

URL = "xurl"
USER = "xuser"
NUMBER = "xnum"
EMAIL = "xemail"
PHONE = "xphone"

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|vn|net|org|info|ly|me)(?:/\S*)?\b")
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_USER_RE = re.compile(r"@\w+")
_PHONE_RE = re.compile(r"(?<!\w)(?:\+?84|0)(?:[\s.]?\d){8,10}(?!\w)")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
# Pictographs, dingbats, symbols and flags: each one a token of its own. Skin tones, variation
# selectors and joiners carry no meaning for us and are dropped.
_EMOJI_RE = re.compile(
    "([\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff\u2700-\u27bf])"
)
_EMOJI_NOISE_RE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d\u200b\u200c\ufeff]")
_LETTER_RUN_RE = re.compile(r"([^\W\d_])\1+")
_OTHER_RUN_RE = re.compile(r"([^\w\s])\1{2,}")
_SPACE_RE = re.compile(r"\s+")
TOKEN_RE = re.compile(r"\w+|[^\w\s]+")

# Old-style tone placement ("hòa", "thúy") is what most people type; the new style ("hoà",
# "thuý") is rewritten to it when the syllable ends after the two vowels.
_TONES = {"à": "ò", "á": "ó", "ả": "ỏ", "ã": "õ", "ạ": "ọ", "è": "ò", "é": "ó"}
_NEW_STYLE_RE = re.compile(r"(?<![^\W\d_])([hkltnmsxvcgđbdpqr]*)(o)([àáảãạèéẻẽẹ])(?![^\W\d_])")
_NEW_STYLE_UY_RE = re.compile(r"(u)([ỳýỷỹỵ])(?![^\W\d_])")
_OLD_VOWEL = {
    "à": "a",
    "á": "a",
    "ả": "a",
    "ã": "a",
    "ạ": "a",
    "è": "e",
    "é": "e",
    "ẻ": "e",
    "ẽ": "e",
    "ẹ": "e",
}
_O_TONE = {
    "à": "ò",
    "á": "ó",
    "ả": "ỏ",
    "ã": "õ",
    "ạ": "ọ",
    "è": "ò",
    "é": "ó",
    "ẻ": "ỏ",
    "ẽ": "õ",
    "ẹ": "ọ",
}
_U_TONE = {"ỳ": "ù", "ý": "ú", "ỷ": "ủ", "ỹ": "ũ", "ỵ": "ụ"}

# Teen code and common abbreviations, read as the word they stand for. Only unambiguous
# ones: "k" alone is "không" in comments, "r" is "rồi", "j" is "gì".
TEEN_CODE = {
    "k": "không",
    "ko": "không",
    "kg": "không",
    "khg": "không",
    "hok": "không",
    "hong": "không",
    "hông": "không",
    "kh": "không",
    "khong": "không",
    "dc": "được",
    "đc": "được",
    "dk": "được",
    "đk": "được",
    "duoc": "được",
    "vs": "với",
    "ng": "người",
    "ngta": "người ta",
    "j": "gì",
    "r": "rồi",
    "bt": "biết",
    "bit": "biết",
    "mk": "mình",
    "mik": "mình",
    "mn": "mọi người",
    "mng": "mọi người",
    "cty": "công ty",
    "cđ": "công đoàn",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "bhtn": "bảo hiểm thất nghiệp",
    "nld": "người lao động",
    "nlđ": "người lao động",
    "cn": "công nhân",
    "t": "tao",
    "m": "mày",
    "ntn": "như thế nào",
    "thik": "thích",
    "iu": "yêu",
    "ak": "à",
    "uk": "ừ",
    "ukm": "ừ",
    "oke": "ok",
    "okela": "ok",
    "okie": "ok",
    "cx": "cũng",
    "cug": "cũng",
    "trc": "trước",
    "đt": "điện thoại",
    "sdt": "số điện thoại",
    "sđt": "số điện thoại",
    "nt": "nhắn tin",
    "ib": "nhắn tin",
    "inbox": "nhắn tin",
    "lm": "làm",
    "lun": "luôn",
    "wa": "quá",
    "qá": "quá",
    "z": "vậy",
    "v": "vậy",
    "zậy": "vậy",
    "dzậy": "vậy",
    "thui": "thôi",
    "ms": "mới",
    "nhìu": "nhiều",
    "bn": "bao nhiêu",
    "vn": "việt nam",
    "sg": "sài gòn",
    "hn": "hà nội",
}

_STRIP_TABLE: dict[int, str] = {}


def _build_strip_table() -> None:
    """Every precomposed Latin letter with diacritics mapped to its base letter, and đ to d."""
    for code in range(0xC0, 0x2000):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            _STRIP_TABLE[code] = base
    for char, base in (("đ", "d"), ("Đ", "D")):
        _STRIP_TABLE[ord(char)] = base
    for code in range(0x300, 0x370):  # combining marks left over
        _STRIP_TABLE[code] = ""


_build_strip_table()


def strip_diacritics(text: str) -> str:
    """The text as typed without diacritics ("công đoàn" → "cong doan")."""
    return text.translate(_STRIP_TABLE)


def _old_style_tones(text: str) -> str:
    def o_vowel(match: re.Match[str]) -> str:
        onset, _, vowel = match.groups()
        return f"{onset}{_O_TONE[vowel]}{_OLD_VOWEL[vowel]}"

    text = _NEW_STYLE_RE.sub(o_vowel, text)
    return _NEW_STYLE_UY_RE.sub(lambda m: f"{_U_TONE[m.group(2)]}y", text)


def normalise(text: str, *, teen_code: bool = True) -> str:
    """The text read for features: cut to MAX_CHARS, NFC, lower case, placeholders for URLs,
    e-mails, mentions, phone numbers and numbers, emoji spaced out as tokens, stretched
    letters collapsed ("quáaaa" → "quáa", "đẹppp" → "đẹp"), old-style tone marks, teen code
    expanded, spaces collapsed."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).lower()
    text = _URL_RE.sub(f" {URL} ", text)
    text = _EMAIL_RE.sub(f" {EMAIL} ", text)
    text = _USER_RE.sub(f" {USER} ", text)
    text = _PHONE_RE.sub(f" {PHONE} ", text)
    text = _NUMBER_RE.sub(f" {NUMBER} ", text)
    text = _EMOJI_NOISE_RE.sub("", text)
    text = _LETTER_RUN_RE.sub(r"\1", text)
    text = _OTHER_RUN_RE.sub(r"\1\1", text)
    text = _EMOJI_RE.sub(r" \1 ", text)
    text = _old_style_tones(text)
    tokens = TOKEN_RE.findall(text)
    if teen_code:
        tokens = [TEEN_CODE.get(token, token) for token in tokens]
    return " ".join(tokens)


def normalise_stripped(normalised: str) -> str:
    """A normalised text without diacritics, stretched letters collapsed again ("quáa" →
    "qua")."""
    return _LETTER_RUN_RE.sub(r"\1", strip_diacritics(normalised))
