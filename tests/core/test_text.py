from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.core.text import clean, search_key, search_terms


def test_search_key_drops_diacritics_and_maps_d_with_stroke():
    assert search_key("Công đoàn ngành Giáo dục") == "cong doan nganh giao duc"
    assert search_key("ĐOÀN  Thủy") == "doan thuy"


def test_old_and_new_tone_placement_share_a_key():
    assert search_key("Hoà Bình") == search_key("Hòa Bình")
    assert search_key("thuỷ") == search_key("thủy")


def test_clean_composes_decomposed_input():
    decomposed = "Cơ\u0302ng"  # combining circumflex typed separately
    assert clean("  Công   đoàn ") == "Công đoàn"
    assert len(clean(decomposed)) <= len(decomposed)


def test_search_terms_split_on_spaces():
    assert search_terms(" cong  Đoàn ") == ["cong", "doan"]


@given(st.text())
def test_search_key_is_idempotent(text):
    assert search_key(search_key(text)) == search_key(text)
