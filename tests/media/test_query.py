"""Topic queries: the language staff write (AND, OR, NOT, phrases, brackets), the diacritics
rule (without marks: folded; with marks: exact), whole words, highlights at the right
offsets, the messages of the errors, and the matcher of many queries agreeing with each."""

import unicodedata

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tuyengiao.media.query import (
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    MAX_WORDS,
    QueryError,
    TopicMatcher,
    mark,
    parse,
)
from tuyengiao.media.text import normalise

POST = (
    "Công nhân Công ty May Hòa Bình bị NỢ LƯƠNG ba tháng. Luồng xe về quê đông. "
    "Tiền  lương thấp, chưa đóng bảo hiểm xã hội; #tienluong covid-19"
)


def matches(query: str, text: str = POST) -> bool:
    return parse(query).matches(text)


def spans(query: str, text: str = POST) -> list[str]:
    stored = normalise(text).text
    return [stored[start:end] for start, end in parse(query).highlight(text)]


# --- diacritics -----------------------------------------------------------------------------------


def test_a_word_without_diacritics_matches_with_or_without_them():
    assert matches("luong", "tiền lương")
    assert matches("luong", "tien luong")
    assert matches("LUONG", "TIỀN LƯƠNG")
    assert matches("luong", "luồng xe đông")  # folded, "luồng" is "luong" too: documented


def test_a_word_with_diacritics_matches_only_that_spelling():
    assert matches("lương", "tiền lương")
    assert matches("lương", "TIỀN LƯƠNG")
    assert not matches("lương", "tien luong")
    assert not matches("lương", "luồng xe đông")
    assert not matches("lương", "lường trước")


def test_d_with_stroke_counts_as_a_diacritic():
    assert matches("đoàn", "Công đoàn")
    assert not matches("đoàn", "cong doan")
    assert matches("doan", "Công đoàn")


def test_the_rule_applies_word_by_word_inside_phrases():
    assert matches('"tien lương"', "tiền lương")
    assert matches('"tien lương"', "tien lương")
    assert not matches('"tien lương"', "tiền luong")


def test_both_tone_mark_styles_and_decomposed_queries_are_one_spelling():
    assert matches("hoà", "Công ty Hòa Bình")
    assert matches("hòa", "Công ty Hoà Bình")
    assert matches("thuỷ", "THỦY ĐIỆN")
    assert matches(unicodedata.normalize("NFD", "lương"), "tiền lương")
    assert matches("lương", unicodedata.normalize("NFD", "tiền lương"))


# --- words, phrases and operators -----------------------------------------------------------------


def test_words_match_whole_words_only():
    assert not matches("luong", "tiềnlương")
    assert not matches("luong", "#tienluong")
    assert matches("tienluong", "#tienluong")
    assert matches("#tienluong", "#tienluong ngay")
    assert not matches("cong", "congdoan")
    assert not matches("hoa", "hoang")


def test_phrases_match_whole_words_only():
    assert not matches('"tang ca"', "giá xăng tăng cao")  # "tang cao" starts with "tang ca"
    assert not matches('"an toan"', "bạn toàn nói đúng, an tâm")  # "ban toan" holds "an toan"
    assert parse('"an toan"').highlight("bạn toàn nói đúng") == []
    assert matches('"tang ca"', "bị ép tăng ca, tăng cao")
    assert parse('"tang ca"').highlight("tăng cao, tăng ca") == [(10, 17)]


def test_phrases_need_the_words_in_order_with_only_punctuation_between():
    assert matches('"tiền lương"', "Tiền  lương thấp")
    assert matches('"tiền lương"', "tiền,\nlương")
    assert not matches('"tiền lương"', "lương tiền")
    assert not matches('"tiền lương"', "tiền thưởng và lương")
    assert matches("“nợ lương”", "bị nợ lương")  # curly quotes, as phones type them


def test_a_term_with_punctuation_inside_is_the_phrase_of_its_words():
    assert matches("covid-19", "dịch covid 19 bùng phát")
    assert matches("covid-19", "COVID-19")
    assert not matches("covid-19", "covid năm 2019")


def test_adjacent_terms_are_anded():
    assert matches("nợ lương", "bị nợ ba tháng lương")
    assert not matches("nợ lương", "nợ tiền điện")


def test_or_and_not():
    assert matches("đình OR ngừng", "ngừng việc")
    assert matches("lương NOT luồng", "nợ lương")
    assert not matches("luong NOT luồng", "luồng xe")
    assert matches("luong -luồng", "nợ lương")
    assert not matches('luong -"luồng xe"', "luồng xe")
    assert not matches("luong -(xe OR tàu)", "lương xe")


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    # a OR b c = a OR (b AND c)
    assert matches("bhxh OR nợ lương", "có bhxh")
    assert not matches("bhxh OR nợ lương", "chỉ nợ")
    # NOT a b = (NOT a) AND b
    assert matches("lương NOT xe OR tàu", "tàu")
    assert not matches("lương NOT xe", "lương xe")


def test_brackets_group():
    assert matches("(bhxh OR lương) nợ", "nợ bhxh")
    assert not matches("(bhxh OR lương) nợ", "bhxh đóng đủ")
    assert matches("((a OR b) (c OR d)) OR e", "b d")


def test_operators_are_written_in_capitals():
    assert matches("lương and thưởng", "lương and thưởng")  # "and" is a word here
    assert not matches("lương and thưởng", "lương thưởng")
    assert matches("lương AND thưởng", "lương thưởng")


def test_case_never_matters():
    assert matches("LƯƠNG", "tiền lương")
    assert matches('"NỢ lương"', "Bị nợ LƯƠNG")


# --- highlights -----------------------------------------------------------------------------------


def test_highlights_are_the_exact_spans_of_the_positive_words():
    text = "Công nhân bị NỢ LƯƠNG. Luồng xe, tiền lương."
    assert parse("luong").highlight(text) == [(16, 21), (23, 28), (38, 43)]
    assert parse("lương").highlight(text) == [(16, 21), (38, 43)]
    assert spans('nợ lương -"luồng xe"', text) == ["NỢ", "LƯƠNG", "lương"]


def test_a_highlighted_phrase_spans_its_words_and_what_is_between():
    assert spans('"tiền lương"') == ["Tiền lương"]
    assert spans('"bảo hiểm xã hội" OR bhxh') == ["bảo hiểm xã hội"]


def test_overlapping_highlights_are_merged():
    assert spans('"tiền lương" OR lương', "tiền lương cao") == ["tiền lương"]


def test_highlight_spans_refer_to_the_stored_text_after_normalisation():
    raw = unicodedata.normalize("NFD", "Nợ\u00a0\u00a0 lương\u200b ở Hoà Bình")
    stored = normalise(raw).text
    assert stored == "Nợ lương ở Hòa Bình"
    found = parse("luong OR hoa").highlight(raw)
    assert [stored[start:end] for start, end in found] == ["lương", "Hòa"]
    assert parse("luong OR hoa").highlight(normalise(raw)) == found


def test_mark_wraps_spans_and_escapes_the_rest():
    text = "<b>Nợ</b> lương & thưởng"
    assert mark(text, parse("lương").highlight(text)) == (
        "&lt;b&gt;Nợ&lt;/b&gt; <mark>lương</mark> &amp; thưởng"
    )


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Write at least one word or phrase to look for."),
        ("   !!! ", "Write at least one word or phrase to look for."),
        ("(lương", "A bracket “(” is not closed."),
        ("((a OR b) c", "A bracket “(” is not closed."),
        ("lương)", "A closing bracket “)” has no opening bracket."),
        ("a) OR (b", "A closing bracket “)” has no opening bracket."),
        ('"nợ lương', "A quotation mark is not closed."),
        ("lương ()", "The brackets are empty: put words between them."),
        ('lương ""', "The quotation marks are empty: put words between them."),
        ("lương OR", "“OR” must be followed by a word, a phrase or a bracket."),
        ("lương AND", "“AND” must be followed by a word, a phrase or a bracket."),
        ("lương AND OR thưởng", "“AND” must be followed by a word, a phrase or a bracket."),
        ("(lương OR) thưởng", "“OR” must be followed by a word, a phrase or a bracket."),
        ("lương NOT", "“NOT” must be followed by a word, a phrase or a bracket."),
        ("AND lương", "“AND” must come between two words, phrases or brackets."),
        ("(OR lương)", "“OR” must come between two words, phrases or brackets."),
        (
            "NOT lương",
            "The query only excludes: add a word or phrase to look for "
            "(“NOT” and “-” only leave words out).",
        ),
        (
            "-lương OR -thưởng",
            "The query only excludes: add a word or phrase to look for "
            "(“NOT” and “-” only leave words out).",
        ),
        (
            "nợ OR NOT lương",
            "The query only excludes: add a word or phrase to look for "
            "(“NOT” and “-” only leave words out).",
        ),
        ("a " * (MAX_WORDS + 1), f"The query has too many words: at most {MAX_WORDS}."),
        (
            "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
            f"The brackets are nested too deeply: at most {MAX_DEPTH} levels.",
        ),
        (
            "x" * (MAX_QUERY_CHARS + 1),
            f"The query is too long: at most {MAX_QUERY_CHARS} characters.",
        ),
    ],
)
def test_errors_say_what_is_wrong(query, message):
    with translation.override("en"), pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.message == message


def test_the_limits_themselves_are_accepted():
    parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    parse(" ".join(["a"] * MAX_WORDS))


def test_a_query_error_is_a_value_error_with_its_message():
    with translation.override("en"), pytest.raises(ValueError, match="not closed"):
        parse("(a")


# --- many queries at once -------------------------------------------------------------------------

QUERIES = {
    "wages": '"nợ lương" OR "chậm trả lương"',
    "insurance": '(bhxh OR "bảo hiểm xã hội") (nợ OR "chậm đóng")',
    "strike": "dinh cong OR ngung viec",
    "zone": '"Khánh Phú" -"bóng đá"',
    "union": "cong doan NOT thao",
}


def test_the_matcher_gives_the_keys_in_order():
    matcher = TopicMatcher(QUERIES)
    text = "Công nhân KCN Khánh Phú ngừng việc vì bị nợ lương, công đoàn vào cuộc"
    assert matcher.match(text) == ["wages", "strike", "zone", "union"]
    assert matcher.match("Đội bóng đá Khánh Phú thắng") == []
    assert matcher.match("Công ty nợ bảo hiểm xã hội") == ["insurance"]


WORDS = [
    "lương",
    "luong",
    "nợ",
    "no",
    "bhxh",
    "đình",
    "cong",
    "công",
    "đoàn",
    "thao",
    "xe",
    "Khánh",
]


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(WORDS + [",", "bóng đá", "Phú", "chậm", "trả", "đóng"]), max_size=25)
)
def test_the_matcher_agrees_with_each_query_alone(pieces):
    """The prefilter (queries filed under their rarer needed words) never loses a match."""
    text = normalise(" ".join(pieces))
    compiled = {key: parse(source) for key, source in QUERIES.items()}
    expected = [key for key, query in compiled.items() if query.matches(text)]
    assert TopicMatcher(compiled).match(text) == expected


@given(st.text(max_size=60))
def test_any_query_text_parses_or_raises_a_query_error(source):
    try:
        query = parse(source)
    except QueryError as error:
        assert error.message
    else:
        assert query.needs
        query.matches("công nhân nợ lương")
