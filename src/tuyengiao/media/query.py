"""Topic queries: the boolean keyword queries staff write to pick items out of the stream.

The language, as the help text of the form should say it:

- words: ``lương`` — a text matches when it contains the word;
- phrases in quotation marks: ``"tiền lương"`` — the words one after the other (straight or
  curly quotes); punctuation and line breaks between them do not matter, other words do;
- ``AND`` (or nothing: ``nợ lương`` is ``nợ AND lương``), ``OR``, ``NOT`` or ``-`` before a
  word, phrase or bracket (``-"tăng ca"``), brackets to group. ``NOT`` binds tightest, then
  ``AND``, then ``OR``: ``a OR b c`` is ``a OR (b AND c)``. The operators are written in
  capitals; in lower case "and", "or", "not" are words like any other;
- upper and lower case never matter.

Diacritics — the rule staff must know: **a word written without diacritics matches with or
without them; a word written with diacritics matches only that exact spelling.**
``luong`` matches "lương", "LƯƠNG", "luong" — and also "luồng", "lường", since all fold to
"luong"; ``lương`` matches "lương" and "Lương" only, not "luong", not "luồng". The rule
applies word by word, inside phrases too (``"tien lương"``), and đ counts as a diacritic
(``đoàn`` is exact, ``doan`` is not). Both tone-mark placements are the same spelling:
``hoà`` and ``hòa`` are one word (media.text normalises both query and text).

Word boundaries: words match whole words only. ``luong`` does not match inside "tiềnlương"
or "#tienluong" (write ``tienluong`` to catch that hashtag), nor ``cong`` inside "congdoan".
A word is a run of letters and digits (media.text.words): a term written with punctuation
inside, like ``covid-19`` or ``lương/thưởng``, is the phrase of its words.

A query must look for something: ``NOT a`` alone, or ``a OR NOT b``, would match almost
every item, and is refused. That also lets `TopicMatcher` skip, for each item, every query
none of whose needed words occur in it — what makes 50 queries cheap.

Highlights are (start, end) offsets into the normalised text (media.text.normalise(raw).text),
which is what is stored and shown — not into the raw input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from tuyengiao.media.text import Normalised, fold, normalise, words

__all__ = [
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "Query",
    "QueryError",
    "TopicMatcher",
    "mark",
    "parse",
]

MAX_QUERY_CHARS = 1000
MAX_WORDS = 100
MAX_DEPTH = 10

OPERATORS = {"AND": "and", "OR": "or", "NOT": "not"}
_OPENING_QUOTES = '"“”„«'
_CLOSING_QUOTES = '"”“»'
_BARE_END = re.compile(r"[\s()\"“”„«»]")
_GAP = r"[\W_]+"

Predicate = Callable[[Normalised], bool]
Span = tuple[int, int]
K = TypeVar("K")


class QueryError(ValueError):
    """A query that cannot be read; `message` is for the form field, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the syntax tree -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a term or phrase: lower-case with its diacritics (exact) or folded."""

    text: str
    exact: bool


@dataclass(frozen=True, slots=True)
class Words:
    """A term (one word) or a phrase (several, in order)."""

    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Words | Not | And | Or


# --- reading a query -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "words", "and", "or", "not", "(", ")"
    text: str
    words: tuple[Word, ...] = ()


def _word(text: str) -> Word:
    """A query word as compared: exact when written with any diacritic (đ included)."""
    lower = text.replace("İ", "i").lower()
    folded = fold(lower)
    return Word(lower, exact=True) if folded != lower else Word(folded, exact=False)


def _words(text: str) -> tuple[Word, ...]:
    return tuple(_word(found) for found in words(text))


def _tokens(source: str) -> list[_Token]:
    """The tokens of a normalised query; words without letters or digits are dropped."""
    found: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
        elif char in "()":
            found.append(_Token(char, char))
            i += 1
        elif char in _OPENING_QUOTES:
            end = _closing_quote(source, i + 1)
            found.append(_Token("words", source[i : end + 1], _quoted(source[i + 1 : end])))
            i = end + 1
        elif char == "-" and i + 1 < n and not source[i + 1].isspace() and source[i + 1] != ")":
            found.append(_Token("not", "-"))
            i += 1
        else:
            match = _BARE_END.search(source, i + 1)
            end = match.start() if match else n
            found.extend(_bare(source[i:end]))
            i = end
    return found


def _closing_quote(source: str, start: int) -> int:
    for index in range(start, len(source)):
        if source[index] in _CLOSING_QUOTES:
            return index
    raise QueryError(_("A quotation mark is not closed."))


def _quoted(inside: str) -> tuple[Word, ...]:
    found = _words(inside)
    if not found:
        raise QueryError(_("The quotation marks are empty: put words between them."))
    return found


def _bare(text: str) -> list[_Token]:
    if text in OPERATORS:
        return [_Token(OPERATORS[text], text)]
    found = _words(text)
    return [_Token("words", text, found)] if found else []


_ATOM_START = frozenset({"words", "(", "not"})


class _Parser:
    """Recursive descent: or := and (OR and)*; and := not ([AND] not)*;
    not := (NOT | -) not | atom; atom := words | "(" or ")"."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.word_count = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def query(self) -> Node:
        if not self.tokens:
            raise QueryError(_("Write at least one word or phrase to look for."))
        node = self.or_()
        if self.peek() is not None:  # only a ")" stops the loops early
            raise QueryError(_("A closing bracket “)” has no opening bracket."))
        return node

    def or_(self) -> Node:
        children = [self.and_()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            self.expect_operand(token)
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self) -> Node:
        children = [self.not_()]
        while (token := self.peek()) is not None and token.kind in {"and", *_ATOM_START}:
            if token.kind == "and":
                self.take()
                self.expect_operand(token)
            children.append(self.not_())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            self.expect_operand(token)
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError(_("Write at least one word or phrase to look for."))
        if token.kind in {"and", "or"}:
            raise QueryError(
                _("“%(operator)s” must come between two words, phrases or brackets.")
                % {"operator": token.text}
            )
        if token.kind == ")":
            raise QueryError(_("A closing bracket “)” has no opening bracket."))
        self.take()
        if token.kind == "(":
            return self.group()
        self.word_count += len(token.words)
        if self.word_count > MAX_WORDS:
            raise QueryError(
                _("The query has too many words: at most %(limit)d.") % {"limit": MAX_WORDS}
            )
        return Words(token.words)

    def group(self) -> Node:
        following = self.peek()
        if following is not None and following.kind == ")":
            raise QueryError(_("The brackets are empty: put words between them."))
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                _("The brackets are nested too deeply: at most %(limit)d levels.")
                % {"limit": MAX_DEPTH}
            )
        node = self.or_()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QueryError(_("A bracket “(” is not closed."))
        self.take()
        self.depth -= 1
        return node

    def expect_operand(self, operator: _Token) -> None:
        following = self.peek()
        if following is None or following.kind not in _ATOM_START:
            raise QueryError(
                _("“%(operator)s” must be followed by a word, a phrase or a bracket.")
                % {"operator": operator.text}
            )


# --- what a query needs, and what it is compiled to ----------------------------------------------


# The commonest folded syllables of Vietnamese news and of this field: a query is filed under
# its rarer words, so that fewer items wake it up (TopicMatcher); only speed depends on it.
COMMON_WORDS = frozenset(
    """
    a anh ba bao bi binh cac cach can cao cho chi chinh chu chuc chung co con cong cua cung cuoc
    da dai dan dang de den di dia dien dinh do doan doanh dong du duoc duoi gia giai hai hang
    hanh hay hien hiem ho hoc hoi hon hop khi khong khu kinh la lai lam lao len linh loi luat
    luong ly mot moi minh muc nam nay ngay nghiep nguoi nhan nhat nhieu nhu nhung noi nuoc phai
    phap pho phuong qua quan quoc quy ra rat sau se so su ta tai tam tap the theo thi thoi thu
    thuc tien tinh toi trong truoc tu tuc va vao ve viec vien voi xa xuat
    """.split()  # noqa: SIM905 (a list of words is easier to read as words)
)


def _cost(word: Word) -> tuple[int, int]:
    """How often a word is likely to occur, roughly: common folded syllables most, exact
    (accented) words least; longer words are rarer."""
    common = fold(word.text) in COMMON_WORDS
    return (2 if common else 1) - (1 if word.exact else 0), -len(word.text)


def _needs(node: Node) -> frozenset[Word] | None:
    """Words of which at least one must occur for the node to match (the rarest such set
    found); None when no such set exists (a NOT matches texts without any of its words)."""
    if isinstance(node, Words):
        return frozenset({min(node.words, key=_cost)})
    if isinstance(node, Not):
        return None
    if isinstance(node, And):
        found = [needs for child in node.children if (needs := _needs(child)) is not None]
        return min(found, key=_set_cost) if found else None
    union: set[Word] = set()
    for child in node.children:
        needs = _needs(child)
        if needs is None:
            return None
        union |= needs
    return frozenset(union)


def _set_cost(words: frozenset[Word]) -> tuple[int, int]:
    costs = [_cost(word) for word in words]
    return sum(cost[0] for cost in costs), sum(cost[1] for cost in costs)


def _phrase_pattern(phrase: Words) -> re.Pattern[str]:
    """The words over the folded text, one group per word. The pattern starts with the
    first word's letters so that the regex engine can skip ahead to them (a boundary
    assertion first makes every search several times slower); whole-word boundaries are
    checked on each hit (`_occurrences`)."""
    return re.compile(_GAP.join(f"({re.escape(fold(word.text))})" for word in phrase.words))


def _occurrences(phrase: Words, pattern: re.Pattern[str], text: Normalised) -> Iterator[Span]:
    """Where the words occur together, as whole words, in the text; their exact words
    checked against the lower-case text (folded and lower-case text have the same
    offsets). Overlapping occurrences are tried too ("a a" in "a a a")."""
    folded = text.folded
    exact = [(i, word.text) for i, word in enumerate(phrase.words, start=1) if word.exact]
    lower = text.lower if exact else folded
    position = 0
    while (found := pattern.search(folded, position)) is not None:
        start, end = found.span()
        if (
            (start == 0 or not folded[start - 1].isalnum())
            and (end == len(folded) or not folded[end].isalnum())
            and all(lower[found.start(i) : found.end(i)] == word for i, word in exact)
        ):
            yield start, end
        position = start + 1


def _compile(node: Node) -> Predicate:
    """The node as a predicate: nested closures, cheap tests first in AND and OR."""
    if isinstance(node, Words):
        return _compile_words(node)
    if isinstance(node, Not):
        child = _compile(node.child)
        return lambda text: not child(text)
    parts = [_compile(child) for child in sorted(node.children, key=_evaluation_cost)]
    return _chain(parts, isinstance(node, And))


def _evaluation_cost(node: Node) -> int:
    if isinstance(node, Words):
        return 0 if len(node.words) == 1 else 1
    return 2 if isinstance(node, Not) else 3


def _chain(parts: list[Predicate], conjunction: bool) -> Predicate:
    first = parts[0]
    if len(parts) == 1:
        return first
    rest = _chain(parts[1:], conjunction)
    if conjunction:
        return lambda text: first(text) and rest(text)
    return lambda text: first(text) or rest(text)


def _compile_words(node: Words) -> Predicate:
    if len(node.words) == 1:
        word = node.words[0]
        if word.exact:
            return lambda text: word.text in text.lower_words
        return lambda text: word.text in text.folded_words
    pattern = _phrase_pattern(node)
    folded = frozenset(word.text for word in node.words if not word.exact)
    exact = frozenset(word.text for word in node.words if word.exact)

    def phrase(text: Normalised) -> bool:
        if not folded <= text.folded_words or (exact and not exact <= text.lower_words):
            return False
        return next(_occurrences(node, pattern, text), None) is not None

    return phrase


def _positive(node: Node, negated: bool = False) -> Iterable[Words]:
    """The terms and phrases not under an odd number of NOTs: what highlights show."""
    if isinstance(node, Words):
        if not negated:
            yield node
    elif isinstance(node, Not):
        yield from _positive(node.child, not negated)
    else:
        for child in node.children:
            yield from _positive(child, negated)


def _merged(spans: Iterable[Span]) -> list[Span]:
    result: list[Span] = []
    for start, end in sorted(spans):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def _as_normalised(text: str | Normalised) -> Normalised:
    return text if isinstance(text, Normalised) else normalise(text)


class Query:
    """A compiled topic query. `matches` and `highlight` take the normalised text (or a raw
    string, normalised first — then the spans refer to normalise(raw).text)."""

    __slots__ = ("source", "tree", "needs", "predicate", "_highlighted")

    def __init__(self, source: str, tree: Node) -> None:
        needs = _needs(tree)
        if needs is None:
            raise QueryError(
                _(
                    "The query only excludes: add a word or phrase to look for "
                    "(“NOT” and “-” only leave words out)."
                )
            )
        self.source = source
        self.tree = tree
        self.needs = needs
        self.predicate = _compile(tree)
        self._highlighted = [(node, _phrase_pattern(node)) for node in set(_positive(tree))]

    def __repr__(self) -> str:
        return f"Query({self.source!r})"

    def matches(self, text: str | Normalised) -> bool:
        return self.predicate(_as_normalised(text))

    def highlight(self, text: str | Normalised) -> list[Span]:
        """Sorted, non-overlapping (start, end) spans of every occurrence of a word or phrase
        the query looks for (not those it excludes), whether or not the whole query matches."""
        normalised = _as_normalised(text)
        return _merged(
            span
            for node, pattern in self._highlighted
            for span in _occurrences(node, pattern, normalised)
        )


def parse(source: str) -> Query:
    """The compiled query, or QueryError with a message for the form field."""
    if len(source) > MAX_QUERY_CHARS:
        raise QueryError(
            _("The query is too long: at most %(limit)d characters.") % {"limit": MAX_QUERY_CHARS}
        )
    text = normalise(source).text
    return Query(text, _Parser(_tokens(text)).query())


class TopicMatcher(Generic[K]):
    """Many queries matched against each item, cheaply: every query needs one of a few
    words (Query.needs), so an item is tested only against the queries whose needed words
    it contains — two set intersections, then a handful of predicates."""

    def __init__(self, queries: Mapping[K, Query | str] | Iterable[tuple[K, Query | str]]) -> None:
        """`queries`: compiled queries or their source (parsed here; QueryError if one is
        wrong), by key."""
        pairs = list(queries.items() if isinstance(queries, Mapping) else queries)
        self.keys = [key for key, _query in pairs]
        self.queries = [query if isinstance(query, Query) else parse(query) for _k, query in pairs]
        self._predicates = [query.predicate for query in self.queries]
        self._folded: dict[str, list[int]] = {}
        self._exact: dict[str, list[int]] = {}
        for index, query in enumerate(self.queries):
            for word in query.needs:
                table = self._exact if word.exact else self._folded
                table.setdefault(word.text, []).append(index)
        self._folded_keys = frozenset(self._folded)
        self._exact_keys = frozenset(self._exact)

    def match(self, text: str | Normalised) -> list[K]:
        """The keys of the queries the text matches, in the order they were given."""
        normalised = _as_normalised(text)
        candidates: set[int] = set()
        for found in self._folded_keys & normalised.folded_words:
            candidates.update(self._folded[found])
        if self._exact_keys:
            for found in self._exact_keys & normalised.lower_words:
                candidates.update(self._exact[found])
        return [
            self.keys[index] for index in sorted(candidates) if self._predicates[index](normalised)
        ]


def mark(text: str, spans: Iterable[Span]) -> str:
    """The text as HTML, escaped, with each span wrapped in <mark>: what the page shows
    (mark it safe there). Spans must be sorted and not overlap, as highlight gives them."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += [html.escape(text[position:start]), "<mark>", html.escape(text[start:end])]
        parts.append("</mark>")
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts)
