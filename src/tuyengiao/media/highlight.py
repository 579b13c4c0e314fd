"""An item's text as the pages show it: the matches of several topic queries marked at once,
the whole text or a short passage around the first match. HTML is produced by media.query.mark
only, which escapes everything, so whatever an item says is shown as text."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from tuyengiao.media.query import Query, QueryError, Span, mark, parse
from tuyengiao.media.text import normalise

PASSAGE_CHARS = 280


def compiled(queries: Iterable[str]) -> list[Query]:
    """The queries that can be read (one saved before a rule changed is left out)."""
    found = []
    for source in queries:
        try:
            found.append(parse(source))
        except QueryError:
            continue
    return found


def spans(text: str, queries: Iterable[Query]) -> list[Span]:
    """Sorted, non-overlapping spans of every query's matches in the (normalised) text."""
    merged: list[Span] = []
    for start, end in sorted(span for query in queries for span in query.highlight(text)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, queries: Iterable[Query]) -> SafeString:
    """The whole text, escaped, with the matches in <mark>."""
    shown = normalise(text).text  # what the offsets refer to (stored text is normalised)
    return mark_safe(mark(shown, spans(shown, queries)))  # noqa: S308 - escaped by mark


def passage(text: str, queries: Iterable[Query], chars: int = PASSAGE_CHARS) -> SafeString:
    """About `chars` characters around the first match (the start when nothing matches),
    cut at spaces, with "…" where text was left out."""
    shown = normalise(text).text
    found = spans(shown, queries)
    start = 0
    if found and found[0][1] > chars:
        start = max(0, found[0][0] - chars // 3)
        space = shown.find(" ", start, found[0][0])
        start = space + 1 if space >= 0 else start
    end = min(len(shown), start + chars)
    if end < len(shown) and (space := shown.rfind(" ", start, end)) > start:
        end = space
    inside = [
        (max(s, start) - start, min(e, end) - start) for s, e in found if s < end and e > start
    ]
    html = mark(shown[start:end], inside)
    return mark_safe(  # noqa: S308 - escaped by mark; the ellipses are constants
        ("…" if start else "") + html + ("…" if end < len(shown) else "")
    )
