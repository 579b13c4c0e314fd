"""What a fetched feed or page holds, as items for the pipeline (media.pipeline.Found).

A feed is read with feedparser from the bytes received (never from an address or a path:
feedparser would fetch or open those itself), its entries' HTML made plain text. A page is
read with trafilatura: its main text, title, author shown and date, as one item.

What is not a feed (an HTML page, an error page served with 200, nothing) is a ParseError, and
so is a page without readable text. A feed whose XML breaks half-way gives the entries read
before the break and a warning; so does a feed whose bytes are not in the encoding it
declares — read again as Windows-1258 (Vietnamese Windows), the likeliest for a Vietnamese
site, rather than as the Western encoding feedparser falls back to."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser
import trafilatura
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.media.dedupe import canonical_url
from tuyengiao.media.pipeline import Found

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_FALLBACK_ENCODINGS = frozenset({"windows-1252", "iso-8859-2"})
_VIETNAMESE = "application/xml; charset=windows-1258"
# Fewer characters than this is a menu or a cookie banner trafilatura fell back on, not an
# article.
MIN_ARTICLE = 50


class ParseError(Exception):
    """What was fetched holds nothing the source can use; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Parsed:
    found: list[Found] = field(default_factory=list)
    warning: str = ""  # read, but not all of it, or not as it said it was


def usable_address(address: str) -> str:
    """The address if it is a web address the pipeline can file (media.dedupe), with https://
    before it if it was written without ("facebook.com/…" in an export), else "": an item is
    kept without a link rather than lost ("javascript:…", "n/a")."""
    address = address.strip()
    if not address:
        return ""
    try:
        host = urlsplit(canonical_url(address)).hostname or ""
    except ValueError:
        return ""
    if "." not in host and ":" not in host:
        return ""
    scheme = urlsplit(address).scheme.lower()
    if scheme in ("http", "https"):
        return address
    return f"https:{address}" if address.startswith("//") else f"https://{address}"


# --- feeds --------------------------------------------------------------------------------


def feed(body: bytes, content_type: str = "") -> Parsed:
    """The entries of an RSS or Atom feed."""
    parsed = _feedparser(body, content_type)
    warning = ""
    problem = parsed.get("bozo_exception")
    if parsed.entries and _fell_back(parsed, problem):
        parsed = _feedparser(body, _VIETNAMESE)
        warning = _("The feed is not in the encoding it declares; it was read as Windows-1258.")
    elif parsed.entries and problem is not None and _xml_broken(problem):
        warning = _(
            "The feed's XML is broken (%(problem)s); the %(count)s item(s) that could be read "
            "were kept."
        ) % {"problem": _short(problem), "count": len(parsed.entries)}
    if not parsed.entries and not parsed.get("version"):
        raise ParseError(_not_a_feed(body, content_type, problem))
    return Parsed([_entry(entry) for entry in parsed.entries], warning)


def _feedparser(body: bytes, content_type: str) -> Any:
    headers = {"content-type": content_type} if content_type else None
    # A stream, never bytes or str: feedparser would take those for a path or an address.
    return feedparser.parse(io.BytesIO(body), response_headers=headers)


def _fell_back(parsed: Any, problem: object) -> bool:
    """feedparser could not decode the feed as it declared and read it as a Western
    encoding: Vietnamese would come out garbled."""
    overridden = type(problem).__name__ == "CharacterEncodingOverride"
    return overridden and parsed.get("encoding", "") in _FALLBACK_ENCODINGS


def _xml_broken(problem: object) -> bool:
    """An error in the XML itself, not a mere mislabelled content type."""
    return type(problem).__name__ in {"SAXParseException", "SAXException"}


def _not_a_feed(body: bytes, content_type: str, problem: object) -> str:
    start = body[:2048].lstrip().lower()
    if not body.strip():
        return _("The address answered with nothing: it is not a feed.")
    if "html" in content_type.lower() or start.startswith((b"<!doctype html", b"<html")):
        return _(
            "The address answered with a web page (HTML), not an RSS or Atom feed. Check the "
            "feed's address, or watch it as a web page."
        )
    if problem is not None:
        return _("The address did not answer with an RSS or Atom feed (%(problem)s).") % {
            "problem": _short(problem)
        }
    return _("The address did not answer with an RSS or Atom feed.")


def _short(problem: object) -> str:
    """The parser's complaint and where, without its internal names."""
    message, line = getattr(problem, "getMessage", None), getattr(problem, "getLineNumber", None)
    if callable(message) and callable(line):
        return (_("line %(line)s: %(message)s") % {"line": line(), "message": message()})[:150]
    return str(problem)[:150]


def _entry(entry: Any) -> Found:
    text = _entry_text(entry)
    return Found(
        text=text,
        title=plain_text(entry.get("title", "")),
        address=usable_address(str(entry.get("link", "") or "")),
        author=plain_text(entry.get("author", "")),
        published_at=_entry_date(entry),
    )


def _entry_text(entry: Any) -> str:
    """The longest of the entry's full content and summary, as plain text."""
    candidates = [part.get("value", "") for part in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    texts = [plain_text(str(value)) for value in candidates]
    return max(texts, key=len, default="")


def _entry_date(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                stamp = calendar.timegm(value)
                return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


# --- HTML to text -------------------------------------------------------------------------

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
     "blockquote", "section", "article", "header", "footer", "pre", "figure", "figcaption",
     "hr", "dd", "dt"}
)  # fmt: skip
_SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "svg"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BREAKS = re.compile(r"\s*\n\s*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, one line per block; a text without tags is kept as it is
    (entities decoded)."""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = _SPACES.sub(" ", "".join(parser.parts))
    return _BREAKS.sub("\n", text).strip()


# --- pages --------------------------------------------------------------------------------


def page(body: bytes, url: str) -> Parsed:
    """The article of a web page, as one item at its address."""
    try:
        document = trafilatura.bare_extraction(
            body, url=url, with_metadata=True, include_comments=False
        )
    except (ValueError, TypeError, LookupError) as error:  # bytes trafilatura cannot decode
        message = _("The page could not be read (%(problem)s).") % {"problem": error}
        raise ParseError(message) from error
    text = str(getattr(document, "text", "") or "") if document is not None else ""
    if len(text.strip()) < MIN_ARTICLE:
        raise ParseError(_("No article text was found on the page."))
    return Parsed(
        [
            Found(
                text=text,
                title=str(getattr(document, "title", "") or ""),
                address=usable_address(url),
                author=str(getattr(document, "author", "") or ""),
                published_at=_page_date(str(getattr(document, "date", "") or "")),
            )
        ]
    )


def _page_date(value: str) -> dt.datetime | None:
    """The page's date (trafilatura gives a day), taken as the start of that day here."""
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
