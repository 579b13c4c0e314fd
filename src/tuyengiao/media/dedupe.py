"""Duplicates among monitored items: the same address, then the same text reposted.

**Canonical address** (`canonical_url`): two addresses of one page give one string.

- http and https are one scheme (written https); the host is lower case, without a trailing
  dot, user name or default port (80, 443); a leading "www.", "m.", "mobile." or "amp." is
  dropped when a domain remains ("m.facebook.com" → "facebook.com", but "m.me" stays), and
  Facebook's other front doors (mbasic., touch., web., fb.com…) are facebook.com; youtu.be
  links, /shorts/ and /embed/ are youtube.com/watch?v=ID;
- the fragment (#…) is dropped; so are tracking parameters: utm_*, fbclid, gclid and the other
  ad-click ids, Zalo's zarsrc and gidzl, Mailchimp's and HubSpot's, "amp" markers — and on
  Facebook every parameter but those naming the content (story_fbid, id, fbid, v, comment
  ids), on YouTube every one but v (and list on a playlist), on TikTok, Instagram and X all;
- the remaining parameters are sorted; percent-escapes are upper case and unreserved
  characters unescaped; empty path segments, dot segments, a trailing "/amp" and a trailing
  slash are removed (the root is "/");
- Facebook's permalink.php and story.php?story_fbid=P&id=U are /U/posts/P.

Short links (fb.watch, vm.tiktok.com, bit.ly…) cannot be resolved without the network and
stay as they are. Paths keep their case: on most servers, and on YouTube, it matters.

**Near-duplicate text**: MinHash with LSH banding, over the set of word pairs (bigrams) of the
folded text (media.text: no diacritics, lower case), so reposts that lost their diacritics
or changed tone-mark style still match.

Why not SimHash: a 64-bit SimHash found by banded lookup (4 bands of 16 bits, Hamming
distance ≤ 3) only finds texts about 99% alike in cosine terms. A 300-word article reposted
under a new headline has ~92% of its word pairs in common, a 50-word post with three words
changed ~78%; both land 8–14 bits away, beyond any threshold that banded lookup can serve
among a million fingerprints (unrelated texts are ~32 bits away, too close for wider bands).
MinHash estimates the Jaccard similarity of the pair sets directly, and LSH banding turns a
threshold on it into exact-match lookups:

- 64 min-hashes (multiply-shift hashes of the pairs' 64-bit hashes); 16 bands of 4: a text
  is a candidate when one band is equal, with probability 1 − (1 − J⁴)¹⁶: 0.12 at J = 0.3,
  0.64 at 0.5, 0.89 at 0.6, 0.99 at 0.7, 0.0016 at 0.1 (unrelated texts on the same topic);
- the candidate is confirmed by the 64-bit fingerprint: the lowest bit of each min-hash
  (b-bit minwise hashing, Li & König 2010). Two bits agree with probability (1 + J) / 2, so
  the Hamming distance estimates J ≈ 1 − d / 32 (± about 0.1 with 64 bits); `is_near`
  accepts d ≤ NEAR_DISTANCE = 12, an estimate J ≥ 0.625. Measured on the benchmark's stream
  (tests/bench/bench_pipeline.py), of the candidate pairs it accepts 1% at J ≈ 0.3, 4% at
  0.4, 20% at 0.5, 49% at 0.6, 86% at 0.7, 96% at 0.8 and all above: reposts (a new
  headline, a few words changed: J ≥ 0.75) are found, texts sharing a few sentences are not.

The database stores `fingerprint` in a BigIntegerField (signed 64-bit) and the 16 `bands`
in an indexed column of a table of (band, item): a lookup is `band IN (…16 values…)`, then
`is_near` on the few candidates. `NearDuplicateIndex` does the same in memory.

Texts of fewer than MIN_WORDS words get no sketch (None): short comments ("Đồng ý", "Ủng
hộ công nhân") are alike without being copies; the canonical address is their dedupe key.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

from tuyengiao.media.text import Normalised, normalise

__all__ = [
    "BANDS",
    "MIN_WORDS",
    "NEAR_DISTANCE",
    "NearDuplicateIndex",
    "Sketch",
    "bands",
    "canonical_url",
    "distance",
    "fingerprint",
    "first_seen",
    "is_near",
    "similarity",
    "sketch",
]

# --- canonical address ---------------------------------------------------------------------------

_DROPPED_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_HOST_ALIASES = {
    "fb.com": "facebook.com",
    "mbasic.facebook.com": "facebook.com",
    "touch.facebook.com": "facebook.com",
    "mtouch.facebook.com": "facebook.com",
    "web.facebook.com": "facebook.com",
    "free.facebook.com": "facebook.com",
    "business.facebook.com": "facebook.com",
    "music.youtube.com": "youtube.com",
    "twitter.com": "x.com",
}
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "yclid",
        "ttclid",
        "twclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mibextid",
        "zarsrc",
        "gidzl",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "ref_url",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        "spm",
        "scm",
        "srsltid",
        "amp",
        "outputtype",
    }
)
_TRACKING_PREFIXES = ("utm_",)
_FACEBOOK_KEPT = frozenset(
    {"story_fbid", "id", "fbid", "v", "comment_id", "reply_comment_id", "multi_permalinks"}
)
_ALL_DROPPED = frozenset({"tiktok.com", "instagram.com", "x.com"})
_UNRESERVED_ESCAPE = re.compile(r"%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])")
_ANY_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_SLASHES = re.compile(r"/{2,}")
# A scheme has no dot: "vnexpress.net:8080/…" is a host and port typed without one.
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+-]*:")


def canonical_url(url: str) -> str:
    """The one address of a page (rules in the module's docstring); an address typed
    without a scheme ("vnexpress.net/…") is read as https. ValueError when it is not a web
    address (empty, mailto:, javascript:, no host, a bad port)."""
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(text):
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a web address: {url!r}")
    port = "" if parts.port in (None, 80, 443) else f":{parts.port}"
    params = parse_qsl(parts.query, keep_blank_values=True)
    host, path, params = _special(_host(parts.hostname), _path(parts.path), params)
    query = urlencode(sorted(_kept(host, path, params)), quote_via=quote)
    return urlunsplit(("https", host + port, path, query, ""))


def _host(hostname: str) -> str:
    host = hostname.rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # not a valid IDN: kept as written
            host = host.encode("idna").decode("ascii")
    if ":" in host:  # IPv6
        return f"[{host}]"
    stripped = True
    while stripped:
        stripped = False
        for prefix in _DROPPED_PREFIXES:
            rest = host[len(prefix) :]
            if host.startswith(prefix) and "." in rest:
                host, stripped = rest, True
    return _HOST_ALIASES.get(host, host)


def _path(raw: str) -> str:
    path = _SLASHES.sub("/", quote(raw, safe=_PATH_SAFE))
    path = _ANY_ESCAPE.sub(lambda m: m[0].upper(), path)
    path = _UNRESERVED_ESCAPE.sub(lambda m: unquote(m[0]), path)
    segments: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    if segments and segments[-1] == "amp":
        segments.pop()
    return "/" + "/".join(segments)


Params = list[tuple[str, str]]


def _special(host: str, path: str, params: Params) -> tuple[str, str, Params]:
    """YouTube's and Facebook's several addresses of one video or post made one."""
    if host == "youtu.be" and path != "/":
        return "youtube.com", "/watch", [("v", path.split("/")[1])]
    if host == "youtube.com":
        for prefix in ("/shorts/", "/embed/", "/live/"):
            if path.startswith(prefix):
                return host, "/watch", [("v", path[len(prefix) :].split("/")[0])]
    if host == "facebook.com" and path in ("/permalink.php", "/story.php"):
        found = dict(params)
        if found.get("story_fbid") and found.get("id"):
            rest = [(k, v) for k, v in params if k not in ("story_fbid", "id")]
            return host, f"/{found['id']}/posts/{found['story_fbid']}", rest
    return host, path, params


def _kept(host: str, path: str, params: Params) -> Params:
    if host == "facebook.com":
        return [(k, v) for k, v in params if k in _FACEBOOK_KEPT]
    if host == "youtube.com":
        wanted = {"v", "list"} if path == "/playlist" else {"v"}
        return [(k, v) for k, v in params if k in wanted]
    if host in _ALL_DROPPED:
        return []
    return [
        (k, v)
        for k, v in params
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    ]


# --- near-duplicate text -------------------------------------------------------------------------

MIN_WORDS = 8
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
NEAR_DISTANCE = 12
"""Hamming distance of fingerprints at or under which two texts are near duplicates:
estimated Jaccard similarity of their word pairs ≥ 1 − 12/32 = 0.625."""

_MASK = (1 << 64) - 1
_WORD_HASH_CACHE_LIMIT = 500_000
U64 = npt.NDArray[np.uint64]


def _splitmix64(x: int) -> int:
    """A fixed, well-mixed 64-bit function: the permutations' constants come from it, not
    from a random generator whose stream could change between library versions (the
    fingerprints are stored)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


_A = np.array([_splitmix64(2 * i) | 1 for i in range(PERMUTATIONS)], dtype=np.uint64)[:, None]
_B = np.array([_splitmix64(2 * i + 1) for i in range(PERMUTATIONS)], dtype=np.uint64)[:, None]
_BAND_SALT = np.array([_splitmix64(1000 + i) for i in range(BANDS)], dtype=np.uint64)
_PAIR = np.uint64(_splitmix64(2000) | 1)
_LOW = np.uint64(_splitmix64(2001) | 1)
_HIGH = np.uint64(_splitmix64(2002) | 1)
_ONE = np.uint64(1)
_HALF = np.uint64(32)


class _WordHashes(dict[str, bytes]):
    """Each word's 64-bit hash (BLAKE2b, stable across processes, unlike hash()), kept: the
    folded Vietnamese vocabulary is a few thousand syllables."""

    def __missing__(self, word: str) -> bytes:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        if len(self) >= _WORD_HASH_CACHE_LIMIT:
            self.clear()
        self[word] = digest
        return digest


_WORD_HASHES = _WordHashes()


def _pairs(tokens: Sequence[str]) -> U64:
    """A hash of each pair of consecutive words (repeats are harmless: a minimum is the same
    over a set and over a list)."""
    hashes = np.frombuffer(b"".join(map(_WORD_HASHES.__getitem__, tokens)), dtype="<u8")
    return (hashes[:-1] * _PAIR) ^ hashes[1:]  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Sketch:
    """What is stored of a text for near-duplicate search: the fingerprint (signed 64-bit,
    compared by `is_near`) and the band values (signed 64-bit, the band's number mixed in:
    looked up for exact equality)."""

    fingerprint: int
    bands: tuple[int, ...]


def _tokens(text: str | Normalised) -> list[str]:
    normalised = text if isinstance(text, Normalised) else normalise(text)
    return normalised.folded_tokens


def sketch(text: str | Normalised) -> Sketch | None:
    """The text's MinHash sketch; None under MIN_WORDS words."""
    tokens = _tokens(text)
    if len(tokens) < MIN_WORDS:
        return None
    minima = ((_A * _pairs(tokens) + _B) >> _HALF).min(axis=1)
    bits = np.packbits((minima & _ONE).astype(np.uint8), bitorder="little")
    fingerprint = int.from_bytes(bits.tobytes(), "little", signed=True)
    rows = minima.reshape(BANDS, ROWS)
    low = rows[:, 0] | (rows[:, 1] << _HALF)
    high = rows[:, 2] | (rows[:, 3] << _HALF)
    band_values = low * _LOW + high * _HIGH + _BAND_SALT
    return Sketch(fingerprint, tuple(band_values.view(np.int64).tolist()))


def fingerprint(text: str | Normalised) -> int | None:
    """The 64-bit fingerprint (signed, for a BigIntegerField); None under MIN_WORDS words."""
    found = sketch(text)
    return found.fingerprint if found else None


def bands(text: str | Normalised) -> list[int]:
    """The BANDS values to index for the text (none under MIN_WORDS words). They come from
    the full MinHash signature, which the 64-bit fingerprint keeps only one bit of: compute
    both with `sketch` when storing."""
    found = sketch(text)
    return list(found.bands) if found else []


def distance(first: int, second: int) -> int:
    """Hamming distance of two fingerprints (signed or not)."""
    return ((first ^ second) & _MASK).bit_count()


def similarity(first: int, second: int) -> float:
    """The Jaccard similarity of the two texts' word pairs, as the fingerprints estimate it
    (±0.1 or so: 64 bits)."""
    return max(0.0, 1 - distance(first, second) / 32)


def is_near(first: int, second: int) -> bool:
    """Whether two fingerprints are of near-duplicate texts (estimated Jaccard ≥ 0.625)."""
    return distance(first, second) <= NEAR_DISTANCE


K = TypeVar("K", bound=Hashable)


class NearDuplicateIndex(Generic[K]):
    """Sketches by key, found again by band: for batch processing and the benchmark, and
    the model of the database lookup (band IN (…), then is_near on the candidates)."""

    def __init__(self) -> None:
        # A band's keys: one key alone (most bands, and a million sketches make 16 million
        # bands), or a list of them once a second one shares it.
        self._buckets: dict[int, K | list[K]] = {}
        self._fingerprints: dict[K, int] = {}  # unsigned, for int.bit_count

    def __len__(self) -> int:
        return len(self._fingerprints)

    def add(self, key: K, found: Sketch) -> None:
        self._fingerprints[key] = found.fingerprint & _MASK
        buckets = self._buckets
        for band in found.bands:
            bucket = buckets.setdefault(band, key)
            if bucket is key:
                continue
            if isinstance(bucket, list):
                bucket.append(key)
            else:
                buckets[band] = [bucket, key]

    def candidates(self, found: Sketch) -> set[K]:
        """Keys sharing at least one band with the sketch."""
        keys: set[K] = set()
        for band in found.bands:
            bucket = self._buckets.get(band)
            if bucket is None:
                continue
            if isinstance(bucket, list):
                keys.update(bucket)
            else:
                keys.add(bucket)
        return keys

    def near(self, found: Sketch) -> list[K]:
        """The near duplicates of a sketch, the closest first."""
        fingerprint, stored = found.fingerprint & _MASK, self._fingerprints
        scored = []
        for key in self.candidates(found):
            gap = (fingerprint ^ stored[key]).bit_count()
            if gap <= NEAR_DISTANCE:
                scored.append((gap, key))
        scored.sort(key=itemgetter(0))
        return [key for _gap, key in scored]

    def first_near(self, found: Sketch) -> K | None:
        """The closest near duplicate, or None."""
        near = self.near(found)
        return near[0] if near else None

    def add_and_find(self, key: K, found: Sketch) -> K | None:
        """The batch step: the closest near duplicate already indexed, or None; the sketch
        is added in either case, so that a later copy of this copy is found too (as in the
        database, where every item keeps its sketch)."""
        original = self.first_near(found)
        self.add(key, found)
        return original


def first_seen(items: Iterable[tuple[K, Sketch | None]]) -> dict[K, K]:
    """For a batch of (key, sketch) in order of arrival: each key that nearly duplicates an
    earlier one → the first of its family (a copy of a copy leads to the first). Items
    without a sketch are never duplicates here."""
    index: NearDuplicateIndex[K] = NearDuplicateIndex()
    found: dict[K, K] = {}
    for key, item in items:
        if item is not None and (original := index.add_and_find(key, item)) is not None:
            found[key] = found.get(original, original)
    return found
