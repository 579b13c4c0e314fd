"""Dedupe: one canonical address per page, and reposted texts found again by their MinHash
sketch — with a changed headline, a few words changed, the other tone-mark style or no
diacritics — while different articles on the same subject are not taken for copies."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyengiao.media.dedupe import (
    BANDS,
    MIN_WORDS,
    NEAR_DISTANCE,
    NearDuplicateIndex,
    Sketch,
    bands,
    canonical_url,
    distance,
    fingerprint,
    first_seen,
    is_near,
    similarity,
    sketch,
)
from tuyengiao.media.text import normalise

# --- canonical addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://vnexpress.net/luong-toi-thieu-vung-tang-6-tu-1-7-4789123.html"
            "?utm_source=facebook&utm_medium=social&utm_campaign=share#box_comment",
            "https://vnexpress.net/luong-toi-thieu-vung-tang-6-tu-1-7-4789123.html",
        ),
        (
            "http://WWW.Dantri.com.vn:80/xa-hoi/cong-nhan-bi-no-luong-20240101.htm/",
            "https://dantri.com.vn/xa-hoi/cong-nhan-bi-no-luong-20240101.htm",
        ),
        (
            "https://tuoitre.vn/cong-nhan-ngung-viec-2024010112345678.htm?gidzl=AbC-1&zarsrc=30",
            "https://tuoitre.vn/cong-nhan-ngung-viec-2024010112345678.htm",
        ),
        (
            "https://laodong.vn/cong-doan/tet-sum-vay-1234567.ldo?fbclid=IwAR3xyz&gclid=abc",
            "https://laodong.vn/cong-doan/tet-sum-vay-1234567.ldo",
        ),
        (
            "https://thanhnien.vn/cong-nhan-185240101.htm/amp",
            "https://thanhnien.vn/cong-nhan-185240101.htm",
        ),
        ("nld.com.vn/cong-doan.htm", "https://nld.com.vn/cong-doan.htm"),
        ("https://vietnamnet.vn", "https://vietnamnet.vn/"),
        (
            "https://search.example.vn/tim?q=l%C6%B0%C6%A1ng&page=2&sort=new&utm_term=x",
            "https://search.example.vn/tim?page=2&q=l%C6%B0%C6%A1ng&sort=new",
        ),
        ("https://example.vn/a//b/./c/../d/", "https://example.vn/a/b/d"),
        ("https://example.vn/t%c3%a0i%2Dli%65u", "https://example.vn/t%C3%A0i-lieu"),
        ("https://example.vn:8443/x", "https://example.vn:8443/x"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ],
)
def test_news_addresses(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/permalink.php?story_fbid=pfbid02abc&id=100064",
        "https://m.facebook.com/story.php?story_fbid=pfbid02abc&id=100064&mibextid=Nif5oz",
        "https://mbasic.facebook.com/story.php?id=100064&story_fbid=pfbid02abc&__tn__=%2AW-R",
        "http://web.facebook.com/100064/posts/pfbid02abc/?__cft__[0]=AZU&__tn__=%2CO%2CP-R",
        "https://fb.com/100064/posts/pfbid02abc#comments",
    ],
)
def test_the_addresses_of_one_facebook_post_are_one(url):
    assert canonical_url(url) == "https://facebook.com/100064/posts/pfbid02abc"


def test_facebook_keeps_the_parameters_naming_the_content():
    assert canonical_url("https://www.facebook.com/watch/?v=123456&ref=sharing") == (
        "https://facebook.com/watch?v=123456"
    )
    assert canonical_url(
        "https://m.facebook.com/groups/congnhan/posts/789/?comment_id=42&notif_id=1"
    ) == ("https://facebook.com/groups/congnhan/posts/789?comment_id=42")
    assert canonical_url("https://www.facebook.com/profile.php?id=100064&sk=about") == (
        "https://facebook.com/profile.php?id=100064"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://youtu.be/dQw4w9WgXcQ?si=Abc123&t=42",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&list=PL1",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?autoplay=1",
    ],
)
def test_the_addresses_of_one_youtube_video_are_one(url):
    assert canonical_url(url) == "https://youtube.com/watch?v=dQw4w9WgXcQ"


def test_tiktok_zalo_and_x_lose_their_share_parameters():
    assert canonical_url(
        "https://www.tiktok.com/@congdoanvn/video/7301234567890?is_from_webapp=1&sender_device=pc"
        "&web_id=7300"
    ) == ("https://tiktok.com/@congdoanvn/video/7301234567890")
    assert canonical_url("https://twitter.com/tld_vn/status/1700?s=20&t=abc") == (
        "https://x.com/tld_vn/status/1700"
    )
    assert canonical_url("https://zingnews.vn/bai-viet-post1.html?zarsrc=31&utm_source=zalo") == (
        "https://zingnews.vn/bai-viet-post1.html"
    )


def test_paths_keep_their_case_and_hosts_that_are_domains_keep_their_prefix():
    assert canonical_url("https://youtu.be/AbCdEf") != canonical_url("https://youtu.be/abcdef")
    assert canonical_url("https://m.me/congdoanvn") == "https://m.me/congdoanvn"


@pytest.mark.parametrize(
    "url",
    ["", "   ", "mailto:lienhe@congdoan.vn", "javascript:alert(1)", "http://", "ftp://x.vn/a"],
)
def test_what_is_not_a_web_address_is_refused(url):
    with pytest.raises(ValueError):
        canonical_url(url)


@given(
    st.sampled_from(["http://", "https://", "https://www.", "http://m."]),
    st.sampled_from(["vnexpress.net", "laodong.vn", "baoninhbinh.org.vn"]),
    st.lists(st.from_regex(r"[a-z0-9\-]{1,12}", fullmatch=True), min_size=0, max_size=4),
    st.dictionaries(
        st.sampled_from(["id", "page", "utm_source", "fbclid", "q", "zarsrc"]),
        st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True),
        max_size=4,
    ),
)
def test_canonical_addresses_are_stable(scheme, host, segments, params):
    url = scheme + host + "/" + "/".join(segments)
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert once.startswith(f"https://{host}/")
    assert "utm_" not in once and "fbclid" not in once and "zarsrc" not in once


# --- near-duplicate text --------------------------------------------------------------------------

ARTICLE = (
    "Sáng 12/3, hàng trăm công nhân Công ty TNHH May Hòa Bình tại khu công nghiệp Khánh Phú "
    "đã ngừng việc tập thể để phản ánh việc công ty chậm trả lương ba tháng liên tiếp và chưa "
    "đóng bảo hiểm xã hội cho người lao động. Theo phản ánh của công nhân, từ tháng 12 năm "
    "trước đến nay công ty chỉ tạm ứng 30% tiền lương, nhiều người phải vay mượn để trang trải "
    "tiền thuê trọ. Công đoàn khu công nghiệp đã có mặt, đối thoại với ban giám đốc và đề nghị "
    "công ty cam kết thời hạn trả nợ lương trước ngày 20/3. Đại diện công ty cho rằng do đơn "
    "hàng sụt giảm nên dòng tiền gặp khó khăn."
)
REPOSTS = {
    "a new headline": "NÓNG: Hàng trăm công nhân ngừng việc vì bị nợ lương\n\n" + ARTICLE,
    "a few words changed": ARTICLE.replace("hàng trăm", "gần 500")
    .replace("ban giám đốc", "lãnh đạo doanh nghiệp")
    .replace("ba tháng", "3 tháng"),
    "old tone marks": ARTICLE.replace("Hòa", "Hoà"),
    "no diacritics": "".join(
        ch.upper() if orig.isupper() else ch
        for orig, ch in zip(ARTICLE, normalise(ARTICLE).folded, strict=True)
    ),
    "a source line and odd spaces": ARTICLE.replace(" ", "\u00a0", 5) + "\n\nNguồn: Báo Lao Động",
}
SAME_SUBJECT = (
    "Chiều 14/3, Liên đoàn Lao động tỉnh Ninh Bình làm việc với Công ty TNHH May Hòa Bình về "
    "việc công ty chậm trả lương và nợ bảo hiểm xã hội. Tại buổi làm việc, công ty cam kết trả "
    "hết lương tháng 1 trước ngày 25/3 và xây dựng lộ trình đóng bù bảo hiểm. Liên đoàn Lao "
    "động tỉnh đề nghị Thanh tra Sở Nội vụ kiểm tra, xử lý nếu doanh nghiệp không thực hiện "
    "đúng cam kết với người lao động."
)
OTHER = (
    "Liên đoàn Lao động tỉnh Ninh Bình tổ chức chương trình Tết Sum vầy, trao 1.200 suất quà "
    "cho đoàn viên, người lao động có hoàn cảnh khó khăn và hỗ trợ vé xe cho công nhân về quê "
    "đón Tết. Chương trình Mái ấm công đoàn năm nay cũng hỗ trợ xây mới 25 căn nhà."
)


def _sketch(text: str) -> Sketch:
    found = sketch(text)
    assert found is not None
    return found


@pytest.mark.parametrize("edit", list(REPOSTS))
def test_a_reposted_article_is_a_near_duplicate(edit):
    original, repost = _sketch(ARTICLE), _sketch(REPOSTS[edit])
    assert is_near(original.fingerprint, repost.fingerprint)
    assert set(original.bands) & set(repost.bands), "the banded lookup must find it"


def test_different_articles_on_the_same_subject_are_not():
    article = _sketch(ARTICLE)
    for text in (SAME_SUBJECT, OTHER):
        other = _sketch(text)
        assert not is_near(article.fingerprint, other.fingerprint)
        assert distance(article.fingerprint, other.fingerprint) > NEAR_DISTANCE + 4


def test_the_same_text_has_the_same_sketch_in_every_process():
    """Sketches are stored: they must not depend on hash() randomisation or a library's
    random stream. These values were computed once and must never change."""
    found = _sketch("Công nhân Công ty May Hòa Bình bị nợ lương ba tháng liên tiếp")
    assert found == sketch("CÔNG NHÂN CÔNG TY MAY HOÀ BÌNH BỊ NỢ LƯƠNG BA THÁNG LIÊN TIẾP")
    assert found.fingerprint == PINNED_FINGERPRINT
    assert found.bands[:2] == PINNED_BANDS


PINNED_FINGERPRINT = 7722439032092205208
PINNED_BANDS = (5035353942728617678, -4084655547053712703)


def test_fingerprints_and_bands_fit_a_signed_64_bit_column():
    for text in (ARTICLE, SAME_SUBJECT, OTHER, *REPOSTS.values()):
        found = _sketch(text)
        assert len(found.bands) == BANDS
        for value in (found.fingerprint, *found.bands):
            assert -(2**63) <= value < 2**63
        assert fingerprint(text) == found.fingerprint
        assert bands(text) == list(found.bands)


def test_short_texts_get_no_sketch():
    assert sketch("Đồng ý, ủng hộ công nhân") is None
    assert fingerprint("Đồng ý") is None
    assert bands("") == []
    assert sketch(" ".join(["lương"] * MIN_WORDS)) is not None


def test_distance_and_similarity():
    assert distance(0, -1) == 64
    assert distance(5, 5) == 0
    assert similarity(7, 7) == 1.0
    assert similarity(0, -1) == 0.0
    assert is_near(0, 0b1111_1111_1111)
    assert not is_near(0, (1 << (NEAR_DISTANCE + 1)) - 1)


def test_the_index_finds_the_original_among_many():
    index: NearDuplicateIndex[str] = NearDuplicateIndex()
    rng = random.Random(3)
    vocabulary = normalise(ARTICLE + " " + SAME_SUBJECT + " " + OTHER).text.split()
    for i in range(2000):
        index.add(f"noise-{i}", _sketch(" ".join(rng.choices(vocabulary, k=60))))
    index.add("article", _sketch(ARTICLE))
    index.add("same-subject", _sketch(SAME_SUBJECT))
    assert len(index) == 2002
    for repost in REPOSTS.values():
        assert index.near(_sketch(repost)) == ["article"]
    assert index.first_near(_sketch(OTHER)) is None


def test_add_and_find_indexes_copies_too():
    index: NearDuplicateIndex[int] = NearDuplicateIndex()
    assert index.add_and_find(1, _sketch(ARTICLE)) is None
    assert index.add_and_find(2, _sketch(REPOSTS["a new headline"])) == 1
    assert index.add_and_find(3, _sketch(OTHER)) is None
    assert len(index) == 3


def test_first_seen_over_a_batch():
    batch = [
        ("a", sketch(ARTICLE)),
        ("b", sketch(OTHER)),
        ("c", sketch(REPOSTS["a few words changed"])),
        ("d", sketch("Đồng ý")),
        ("e", sketch(REPOSTS["no diacritics"])),
    ]
    assert first_seen(batch) == {"c": "a", "e": "a"}


def _replaced(text: str, start: int, tag: str) -> str:
    """Every twelfth word from `start` replaced."""
    found = text.split()
    for at in range(start, len(found), 12):
        found[at] = f"{tag}{at}"
    return " ".join(found)


def test_a_copy_of_a_copy_leads_to_the_first():
    """The copy of a copy may be too far from the original to be near it: it is found
    through the copy, and given the original."""
    edited = _replaced(ARTICLE, 0, "sửa")
    further = _replaced(edited, 6, "lại")
    assert is_near(_sketch(ARTICLE).fingerprint, _sketch(edited).fingerprint)
    assert is_near(_sketch(edited).fingerprint, _sketch(further).fingerprint)
    assert not is_near(_sketch(ARTICLE).fingerprint, _sketch(further).fingerprint)
    batch = [("a", sketch(ARTICLE)), ("b", sketch(edited)), ("c", sketch(further))]
    assert first_seen(batch) == {"b": "a", "c": "a"}
