"""Normalisation of monitored text: one Unicode form, one tone-mark placement, clean spaces,
bounded length — and the folded form, aligned with the text, that matching relies on."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.text import compose, fold, modern_tone_marks, search_key
from tuyengiao.media.text import MAX_CHARS, RAW_LIMIT, normalise, words

# Vietnamese letters in both cases, with spaces and punctuation: what the properties draw from.
VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđbcdghklmnpqrstvx"
)
vietnamese_text = st.text(
    alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " ,.-\n\u00a0"), max_size=80
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("khoẻ", "khỏe"),
        ("thuỷ", "thủy"),
        ("THUỶ ĐIỆN", "THỦY ĐIỆN"),
        ("HOÀ", "HÒA"),
        ("Thuỵ", "Thụy"),
        ("uỷ ban", "ủy ban"),
        ("hoạ sĩ", "họa sĩ"),
        ("loè loẹt", "lòe loẹt"),
        ("oà khóc", "òa khóc"),
        ("khoẻ.", "khỏe."),
    ],
)
def test_old_style_tone_marks_are_moved_to_the_first_vowel(old, new):
    assert modern_tone_marks(old) == new
    assert normalise(old).text == new
    assert modern_tone_marks(new) == new


@pytest.mark.parametrize(
    "word",
    ["quý", "quỹ", "Quỳnh", "QUÝ", "hoàng", "toán", "ngoài", "khuỷu", "huỳnh", "xoáy", "thuyền"],
)
def test_syllables_where_both_styles_agree_are_left_alone(word):
    """After "q" the "u" is the consonant's; with a final consonant or vowel the mark is on
    the second vowel in both styles."""
    assert modern_tone_marks(word) == word


def test_old_style_new_style_and_decomposed_input_normalise_equal():
    new = "Công đoàn Hòa Bình chăm lo sức khỏe, thủy lợi"
    old = "Công đoàn Hoà Bình chăm lo sức khoẻ, thuỷ lợi"
    for variant in (new, old, unicodedata.normalize("NFD", new), unicodedata.normalize("NFD", old)):
        assert normalise(variant).text == new


def test_tone_typed_before_the_circumflex_is_composed():
    assert compose("e\u0301\u0302") == "ế"
    assert compose("Vie\u0323\u0302t") == "Việt"
    assert normalise("Tie\u0301\u0302n lu\u031bo\u031bng").text == "Tiến lương"


def test_stray_combining_marks_are_dropped():
    assert normalise("x\u0301 lương\u0300").text == "x lương"


def test_whitespace_is_collapsed_and_invisible_characters_removed():
    raw = (
        "  Công\u00a0\u00a0nhân\t\u200bnợ\u200d lư\u00adơng \u2003\r\n\r\n\r\n\r\n"
        "đình\u2028công \x07"
    )
    assert normalise(raw).text == "Công nhân nợ lương\n\nđình\ncông"


def test_paragraphs_keep_one_blank_line():
    assert normalise("Tiêu đề\r\n\r\nĐoạn một.  \n  Dòng hai.\u2029Đoạn hai.").text == (
        "Tiêu đề\n\nĐoạn một.\nDòng hai.\n\nĐoạn hai."
    )


def test_styled_letters_from_social_media_become_plain():
    assert normalise("𝐂𝐨̂𝐧𝐠 𝐧𝐡𝐚̂𝐧 𝗻𝗼̛̣ 𝗹𝘂̛𝗼̛𝗻𝗴 ｂｈｘｈ").text == "Công nhân nợ lương bhxh"


def test_empty_and_none_give_empty_text():
    assert normalise(None).text == ""
    assert normalise(" \u200b\n ").text == ""
    assert not normalise("").truncated


def test_a_megabyte_is_cut_at_a_space_and_flagged():
    raw = "lương " * 200_000  # 1.2 MB
    normalised = normalise(raw)
    assert normalised.truncated
    assert len(normalised.text) <= MAX_CHARS
    assert normalised.text.endswith("lương")
    assert len(raw) > RAW_LIMIT


def test_a_long_text_without_spaces_is_cut_at_the_limit():
    normalised = normalise("x" * (MAX_CHARS + 10))
    assert normalised.truncated
    assert len(normalised.text) == MAX_CHARS


def test_a_text_under_the_limit_is_not_flagged():
    assert not normalise("lương " * 1000).truncated


def test_fold_drops_diacritics_and_case_and_keeps_the_length():
    text = "Người LAO ĐỘNG nợ lương, İstanbul"
    assert fold(text) == "nguoi lao dong no luong, istanbul"
    assert len(fold(text)) == len(text)


def test_words_split_on_punctuation_hashes_and_underscores():
    assert words("#tienluong covid-19 lương_thưởng, @cong.doan") == [
        "tienluong",
        "covid",
        "19",
        "lương",
        "thưởng",
        "cong",
        "doan",
    ]


def test_the_folded_words_are_read_once_and_agree_with_the_folded_text():
    normalised = normalise("Công nhân NỢ lương; luồng xe")
    assert normalised.folded == "cong nhan no luong; luong xe"
    assert normalised.folded_tokens == ["cong", "nhan", "no", "luong", "luong", "xe"]
    assert normalised.lower_words == {"công", "nhân", "nợ", "lương", "luồng", "xe"}
    assert normalised.folded_words == {"cong", "nhan", "no", "luong", "xe"}


@given(st.text(max_size=200))
def test_normalise_is_idempotent(raw):
    once = normalise(raw).text
    assert normalise(once).text == once


@given(st.text(max_size=200))
def test_folded_and_lower_forms_are_aligned_with_the_text(raw):
    """What highlights rely on: an offset into the folded or lower-case text is an offset
    into the stored text, and their words are the same words."""
    normalised = normalise(raw)
    assert len(normalised.folded) == len(normalised.text) == len(normalised.lower)
    assert normalised.folded_tokens == words(normalised.folded)


_NEW_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌ][aeAE]|[ùúủũụÙÚỦŨỤ][yY])(?![^\W_])")


def _old_style(text: str) -> str:
    """The tone mark of "oa", "oe", "uy" at a syllable's end moved to the second vowel."""

    def move(match: re.Match[str]) -> str:
        first = unicodedata.normalize("NFD", match[0][0])
        return first[0] + unicodedata.normalize("NFC", match[0][1] + first[1:])

    return _NEW_STYLE.sub(move, text)


def test_the_old_style_helper_of_these_tests():
    assert _old_style("Hòa thủy QUÝ hòan khỏe") == "Hoà thuỷ QUÝ hòan khoẻ"


@given(vietnamese_text)
def test_both_tone_styles_and_nfd_normalise_equal(text):
    expected = normalise(text).text
    assert normalise(unicodedata.normalize("NFD", text)).text == expected
    assert normalise(_old_style(text)).text == expected
    assert normalise(unicodedata.normalize("NFD", _old_style(text))).text == expected


@given(vietnamese_text)
def test_fold_agrees_with_the_search_keys_of_core(text):
    """The same notion of "without diacritics" as the rest of the project's searches."""
    assert " ".join(fold(normalise(text).text).split()) == search_key(text.replace("\n", " "))
