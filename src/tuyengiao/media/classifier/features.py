"""Sparse text features: TF-IDF n-gram blocks read from the normalised text and from the same
text without diacritics.

Each block (word n-grams or character n-grams, from one of the two readings) keeps its own
vocabulary (the n-grams seen in at least `min_df` training texts, the most frequent first, at
most `max_features`) and its own inverse document frequencies; a text's row in a block is
sublinear TF × IDF, L2-normalised, so no block outweighs another by its length. Everything a
fitted block needs is strings and numbers, so a model file stores it without pickle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import scipy.sparse as sp

from tuyengiao.media.classifier.normalise import normalise, normalise_stripped

Analyzer = Callable[[str], list[str]]


@dataclass(frozen=True)
class BlockSpec:
    """One block of features: `kind` "word" or "char" n-grams of sizes `low`..`high`, read from
    the normalised text (`plain=False`) or from it without diacritics (`plain=True`)."""

    kind: str
    low: int
    high: int
    plain: bool = False

    @property
    def name(self) -> str:
        return f"{self.kind}{self.low}-{self.high}{'-plain' if self.plain else ''}"

    def analyzer(self) -> Analyzer:
        if self.kind == "word":
            return _word_ngrams(self.low, self.high)
        if self.kind == "char":
            return _char_ngrams(self.low, self.high)
        raise ValueError(f"Unknown feature kind {self.kind!r} (word or char).")

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "low": self.low, "high": self.high, "plain": self.plain}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> BlockSpec:
        return cls(
            str(data["kind"]), int(str(data["low"])), int(str(data["high"])), data["plain"] is True
        )


DEFAULT_BLOCKS = (
    BlockSpec("word", 1, 3),
    BlockSpec("word", 1, 3, plain=True),
    BlockSpec("char", 1, 5),
    BlockSpec("char", 1, 5, plain=True),
)


@dataclass(frozen=True)
class FeatureSettings:
    """Which blocks, the smallest document frequency an n-gram needs to be kept (rarer ones
    are mostly typos and names, and would bloat the model), the most n-grams a block keeps,
    and whether teen code is expanded."""

    blocks: tuple[BlockSpec, ...] = DEFAULT_BLOCKS
    min_df: int = 2
    max_features: int = 400_000
    teen_code: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "blocks": [block.as_dict() for block in self.blocks],
            "min_df": self.min_df,
            "max_features": self.max_features,
            "teen_code": self.teen_code,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FeatureSettings:
        blocks = data.get("blocks", [])
        if not isinstance(blocks, list) or not blocks:
            raise ValueError("The feature settings name no blocks.")
        return cls(
            blocks=tuple(BlockSpec.from_dict(block) for block in blocks),
            min_df=int(str(data.get("min_df", 2))),
            max_features=int(str(data.get("max_features", 400_000))),
            teen_code=data.get("teen_code", True) is True,
        )


def _word_ngrams(low: int, high: int) -> Analyzer:
    def analyse(text: str) -> list[str]:
        words = text.split()
        grams = words[:] if low == 1 else []
        for size in range(max(low, 2), high + 1):
            grams += [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
        return grams

    return analyse


CHAR_LIMIT = 1000
"""Character n-grams are read from the first characters only: a long text would otherwise
cost several thousand dictionary look-ups per block (its words are read to MAX_CHARS)."""


def _char_ngrams(low: int, high: int) -> Analyzer:
    def analyse(text: str) -> list[str]:
        padded = f" {text[:CHAR_LIMIT]} "
        grams: list[str] = []
        for size in range(low, high + 1):
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
        return grams

    return analyse


@dataclass
class Readings:
    """A batch of texts as the blocks read them: normalised, and without diacritics."""

    text: list[str]
    plain: list[str]

    @classmethod
    def of(cls, texts: Iterable[str], *, teen_code: bool = True) -> Readings:
        normalised = [normalise(text, teen_code=teen_code) for text in texts]
        return cls(normalised, [normalise_stripped(text) for text in normalised])

    def __len__(self) -> int:
        return len(self.text)

    def subset(self, rows: Sequence[int]) -> Readings:
        return Readings([self.text[i] for i in rows], [self.plain[i] for i in rows])


@dataclass
class FittedBlock:
    """A block's vocabulary (n-gram → column) and IDF weights, as fitted on training texts."""

    spec: BlockSpec
    vocabulary: list[str]
    idf: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {gram: i for i, gram in enumerate(self.vocabulary)}
        self._analyse = self.spec.analyzer()

    @classmethod
    def fit(
        cls, spec: BlockSpec, texts: Sequence[str], min_df: int, max_features: int
    ) -> FittedBlock:
        analyse = spec.analyzer()
        frequency: Counter[str] = Counter()
        for text in texts:
            frequency.update(set(analyse(text)))
        kept = [(gram, df) for gram, df in frequency.items() if df >= min_df]
        kept.sort(key=lambda item: (-item[1], item[0]))
        kept = kept[:max_features]
        df = np.array([count for _, count in kept], dtype=np.float64)
        idf = np.log((1 + len(texts)) / (1 + df)) + 1
        return cls(spec, [gram for gram, _ in kept], idf.astype(np.float32))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text: sublinear TF × IDF of the block's n-grams, L2-normalised. The
        look-ups are the cost (a dictionary get per n-gram), so they run through `map` and the
        matrix is assembled from arrays, in row order, without a COO detour."""
        looked_up: list[int] = []
        lengths: list[int] = []
        lookup, missing = self.index.get, repeat(-1)
        for text in texts:
            grams = self._analyse(text)
            looked_up += map(lookup, grams, missing)
            lengths.append(len(grams))
        found = np.array(looked_up, dtype=np.int64)
        kept = found >= 0
        rows = np.repeat(np.arange(len(texts)), lengths)[kept]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        shape = (len(texts), len(self.vocabulary))
        ones = np.ones(int(kept.sum()), dtype=np.float32)
        counts = sp.csr_matrix((ones, found[kept], indptr), shape=shape)
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.csr_matrix(sp.diags(1 / norms) @ counts, dtype=np.float32)


@dataclass
class FeatureSpace:
    """The fitted blocks side by side: `transform` gives one sparse row per text."""

    settings: FeatureSettings
    blocks: list[FittedBlock]

    @classmethod
    def fit(cls, settings: FeatureSettings, readings: Readings) -> FeatureSpace:
        blocks = [
            FittedBlock.fit(spec, _source(readings, spec), settings.min_df, settings.max_features)
            for spec in settings.blocks
        ]
        return cls(settings, blocks)

    @property
    def size(self) -> int:
        return sum(len(block.vocabulary) for block in self.blocks)

    def read(self, texts: Iterable[str]) -> Readings:
        return Readings.of(texts, teen_code=self.settings.teen_code)

    def transform(self, readings: Readings) -> sp.csr_matrix:
        parts = [block.transform(_source(readings, block.spec)) for block in self.blocks]
        return sp.hstack(parts, format="csr", dtype=np.float32)


def _source(readings: Readings, spec: BlockSpec) -> list[str]:
    return readings.plain if spec.plain else readings.text
