"""Exports from the social platforms' own tools (CSV or JSON) brought into an export source,
the way every import of the project goes: the file kept under its SHA-256, previewed (how many
items are new, already stored, empty), then committed — planned again inside the commit's
transaction and applied only if it still gives what was previewed (core.uploads).

Reading the file is strict about what would silently garble or lose items, and says what to
do: UTF-8 only (with or without a BOM; anything else is named, Windows-1258 and UTF-16 with
the way to save the file again); a column named that is not in the file, or no column found
for the text, lists the columns the file has. What can be kept is kept: a row without text is
counted empty, a date not understood leaves the item without a date, an address that is not
a web address leaves it without a link (both counted in the preview)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import fold
from tuyengiao.core.uploads import commit_plan, plan_fingerprint, upload_load
from tuyengiao.media import dedupe
from tuyengiao.media.models_monitoring import Item, Source, SourceKind
from tuyengiao.media.pipeline import Found, Outcome, ingest
from tuyengiao.media.source_parse import usable_address
from tuyengiao.media.source_selectors import can_configure
from tuyengiao.media.text import normalise
from tuyengiao.orgs import access

FIELDS = ("text", "title", "address", "author", "date")
# Column names the platforms' tools use, as `_key` writes them (lower case, no diacritics,
# "_", "-" and "." as spaces): the column is taken when the user names none.
GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("message", "text", "full text", "content", "noi dung", "body", "caption",
             "description", "post", "comment"),
    "title": ("title", "tieu de", "headline", "link text"),
    "address": ("url", "link", "post url", "permalink", "permalink url", "duong dan",
                "lien ket", "address"),
    "author": ("author", "page name", "from name", "user name", "username", "tac gia",
               "nguoi dang", "name", "user"),
    "date": ("date", "post created", "created time", "created at", "published", "published at",
             "ngay dang", "ngay", "timestamp", "time"),
}  # fmt: skip
PREVIEW_TEXT = 300
_COLUMNS_SHOWN = 40
_FLATTEN_DEPTH = 3


@dataclass(frozen=True)
class Columns:
    """The column of each part of an item ("" for none; the text's is required)."""

    text: str = ""
    title: str = ""
    address: str = ""
    author: str = ""
    date: str = ""

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Columns:
        return cls(**{name: str(values.get(name) or "").strip() for name in FIELDS})


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, str]]


# --- reading the file ---------------------------------------------------------------------


def read_table(data: bytes) -> Table:
    """The file's rows by column name: JSON if it starts with [ or {, CSV otherwise."""
    text = _decoded(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    table = _json_table(text) if text.lstrip()[:1] in ("[", "{") else _csv_table(text)
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(limit)s rows. Split it into smaller files.")
            % {"limit": settings.IMPORT_MAX_ROWS}
        )
    return table


def _decoded(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "The file is in UTF-16, not UTF-8. Export it again choosing UTF-8, or in Excel "
                "save it as “CSV UTF-8 (Comma delimited)”."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not in UTF-8: the byte 0x%(byte)s on line %(line)s cannot be read "
                "(the file was probably saved in a Windows encoding such as Windows-1258, or "
                "in TCVN3). Export it again choosing UTF-8, or in Excel save it as “CSV UTF-8 "
                "(Comma delimited)”."
            )
            % {"byte": f"{data[error.start]:02X}", "line": line}
        ) from error


def _csv_table(text: str) -> Table:
    csv.field_size_limit(max(csv.field_size_limit(), settings.IMPORT_MAX_BYTES))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192].split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # Strict: an unclosed quote would otherwise swallow the rest of the file into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise ImportFileError(_("The file has no header row naming its columns."))
        rows = [_csv_row(header, cells) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read (line %(line)s: %(problem)s).")
            % {"line": reader.line_num, "problem": error}
        ) from error
    return Table(columns=[name for name in header if name], rows=rows)


def _csv_row(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cell for name, cell in zip(header, cells, strict=False) if name}


def _json_table(text: str) -> Table:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("The file is not valid JSON (line %(line)s, column %(column)s: %(problem)s).")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from error
    records = _records(value)
    if records is None:
        raise ImportFileError(
            _(
                "The JSON file holds no list of items: it should be a list of objects, or an "
                "object with such a list (as “data” or “items”)."
            )
        )
    rows = [dict(_flattened(record)) for record in records if isinstance(record, dict)]
    columns = list(dict.fromkeys(name for row in rows for name in row))
    return Table(columns=columns, rows=rows)


def _records(value: Any) -> list[Any] | None:
    """The list of objects in a JSON export: the document itself, or the one list of objects
    among its keys (the platforms wrap it in "data", "items", "posts"…)."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        lists = [
            v for v in value.values() if isinstance(v, list) and any(isinstance(x, dict) for x in v)
        ]
        if len(lists) == 1:
            return lists[0]
    return None


def _flattened(
    record: dict[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[tuple[str, str]]:
    """A JSON object's values by column: nested objects as "from.name", lists joined."""
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < _FLATTEN_DEPTH:
            yield from _flattened(value, f"{name}.", depth + 1)
        elif isinstance(value, list):
            yield name, ", ".join(str(v) for v in value if not isinstance(v, dict | list))
        elif value is not None:
            yield name, str(value)


# --- choosing the columns -----------------------------------------------------------------


def chosen_columns(table: Table, asked: Columns) -> Columns:
    """The columns named (each must be in the file) and, for the parts not named, the
    platforms' usual names; ImportFileError listing the file's columns otherwise."""
    by_name = {name.casefold(): name for name in table.columns}
    by_key = {_key(name): name for name in reversed(table.columns)}  # the first one wins
    chosen: dict[str, str] = {}
    for part in FIELDS:
        named = getattr(asked, part)
        if named:
            found = by_name.get(named.casefold())
            if found is None:
                raise ImportFileError(
                    _("There is no column “%(column)s” in the file. Its columns are: %(columns)s.")
                    % {"column": named, "columns": _listed(table.columns)}
                )
            chosen[part] = found
        else:
            guesses = (by_key.get(guess) for guess in GUESSES[part])
            chosen[part] = next((g for g in guesses if g and g not in chosen.values()), "")
    if not chosen["text"]:
        raise ImportFileError(
            _("Say which column holds the text. The file's columns are: %(columns)s.")
            % {"columns": _listed(table.columns)}
        )
    return Columns(**chosen)


def _key(name: str) -> str:
    return " ".join(_SEPARATORS.sub(" ", fold(name).casefold()).split())


_SEPARATORS = re.compile(r"[_.\-]")


def _listed(columns: list[str]) -> str:
    shown = ", ".join(f"“{name}”" for name in columns[:_COLUMNS_SHOWN])
    if not columns:
        return "—"
    return shown + (" …" if len(columns) > _COLUMNS_SHOWN else "")


# --- rows to items ------------------------------------------------------------------------

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_date(value: str) -> dt.datetime | None:
    """A date as the platforms write it: ISO 8601, dd/mm/yyyy [hh:mm[:ss]] (Vietnamese order),
    or Unix seconds or milliseconds; a date without a zone is in the site's time zone."""
    value = value.strip()
    if not value:
        return None
    moment = _iso(value) or _dmy(value) or _epoch(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _iso(value: str) -> dt.datetime | None:
    text = value.replace("Z", "+00:00").replace(" UTC", "+00:00")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _dmy(value: str) -> dt.datetime | None:
    match = _DMY.match(value)
    if not match:
        return None
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - made aware
    except ValueError:
        return None


def _epoch(value: str) -> dt.datetime | None:
    if not re.fullmatch(r"\d{9,13}(\.\d+)?", value):
        return None
    seconds = float(value)
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


@dataclass(frozen=True)
class Row:
    """One row of the file as an item, as the preview lists it."""

    number: int
    found: Found
    date_not_read: bool = False
    address_not_read: bool = False

    @property
    def excerpt(self) -> str:
        return normalise(self.found.text).text[:PREVIEW_TEXT]


def _cell(values: dict[str, str], column: str) -> str:
    return values.get(column, "") if column else ""


def rows(table: Table, columns: Columns) -> list[Row]:
    made = []
    for number, values in enumerate(table.rows, start=2):  # the header is line 1
        get = {part: _cell(values, getattr(columns, part)) for part in FIELDS}
        address = usable_address(get["address"])
        date = parse_date(get["date"])
        found = Found(
            text=get["text"],
            title=get["title"],
            address=address,
            author=get["author"],
            published_at=date,
        )
        made.append(
            Row(
                number,
                found,
                date_not_read=bool(get["date"].strip()) and date is None,
                address_not_read=bool(get["address"].strip()) and not address,
            )
        )
    return made


# --- the plan: what the commit would store ------------------------------------------------


@dataclass
class ExportPlan:
    """The rows that would become new items; how many are already stored (their address, on
    record or earlier in the file), empty, or read without their date or address."""

    columns: Columns
    found_columns: list[str] = field(default_factory=list)  # the file's
    total: int = 0
    seen: int = 0
    empty: int = 0
    dates_not_read: int = 0
    addresses_not_read: int = 0
    changes: list[Row] = field(default_factory=list)
    errors: list[object] = field(default_factory=list)  # a bad file is an ImportFileError
    fingerprint: str = ""

    @property
    def can_commit(self) -> bool:
        return bool(self.changes)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total,
            "new": len(self.changes),
            "seen": self.seen,
            "empty": self.empty,
            "dates_not_read": self.dates_not_read,
            "addresses_not_read": self.addresses_not_read,
            "errors": 0,
        }


def plan(source: Source, data: bytes, asked: Columns) -> ExportPlan:
    """What the file would bring into `source`: the pipeline's first two steps (empty, address
    seen) made without writing, so that the preview's counts are the commit's."""
    table = read_table(data)
    columns = chosen_columns(table, asked)
    made = ExportPlan(columns=columns, found_columns=table.columns)
    stored = _stored_canonicals(source, table, columns)
    for row in rows(table, columns):
        made.total += 1
        if not normalise(row.found.text).text and not normalise(row.found.title).text:
            made.empty += 1
            continue
        canonical = dedupe.canonical_url(row.found.address) if row.found.address else ""
        if canonical and canonical in stored:
            made.seen += 1
            continue
        if canonical:
            stored.add(canonical)
        made.changes.append(row)
        made.dates_not_read += row.date_not_read
        made.addresses_not_read += row.address_not_read
    made.fingerprint = plan_fingerprint(
        [source.pk, asdict(columns), [(r.number, r.found.address) for r in made.changes]]
    )
    return made


def _stored_canonicals(source: Source, table: Table, columns: Columns) -> set[str]:
    if not columns.address:
        return set()
    canonicals = set()
    for values in table.rows:
        address = usable_address(values.get(columns.address, ""))
        if address:
            canonicals.add(dedupe.canonical_url(address))
    found: set[str] = set()
    listed = sorted(canonicals)
    for start in range(0, len(listed), 900):  # within SQLite's limit of parameters
        found.update(
            Item.objects.filter(
                unit_id=source.unit_id, canonical__in=listed[start : start + 900]
            ).values_list("canonical", flat=True)
        )
    return found


def check_file(data: bytes, asked: Columns) -> None:
    """The upload as a whole, before it is kept: readable, with the columns asked for."""
    chosen_columns(read_table(data), asked)


def import_preview(actor: User, *, source: Source, digest: str, columns: Columns) -> ExportPlan:
    _require(actor, source)
    return plan(source, upload_load(digest), columns)


def import_commit(
    actor: User, *, source: Source, digest: str, columns: Columns, fingerprint: str
) -> Outcome:
    """The previewed file's new rows stored through the pipeline, in one transaction."""
    _require(actor, source)
    data = upload_load(digest)
    outcome = Outcome()

    def apply(made: ExportPlan) -> None:
        nonlocal outcome
        outcome = ingest(source, [row.found for row in made.changes], by=actor)
        audit_record(
            actor,
            action="source.import",
            obj=source,
            unit=source.unit,
            after={**made.counts, "created": len(outcome.created), "sha256": digest},
        )

    commit_plan(
        digest=digest,
        fingerprint=fingerprint,
        plan=lambda: plan(source, data, columns),
        apply=apply,
    )
    return outcome


def _require(actor: User, source: Source) -> None:
    access.require(can_configure(actor, source.unit))
    if source.kind != SourceKind.EXPORT:
        raise ImportFileError(_("Files are imported into export sources only."))
