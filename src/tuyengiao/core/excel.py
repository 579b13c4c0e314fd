"""Workbooks that people upload: reading one safely (its size, its rows and what it unpacks to
checked before openpyxl parses anything; merged cells refused), and the signed form workbook
this system hands out to be filled in and uploaded again (locked headers over a hidden row of
column keys, cells open for entry, a very hidden sheet whose signature says what the file is).

Every upload of the system reads its file through here: the import of units (orgs.excel_read),
the reporting forms (reporting.excel_forms_book) and the cultural-standard records
(activities.cultural_excel)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.core import signing
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.functions import iterparse

from tuyengiao.core.xlsx import COUNT_FORMAT

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MERGE_CELL_TAG = f"{_MAIN_NS}mergeCell"
_DIMENSION_TAG = f"{_MAIN_NS}dimension"
_SHEET_DATA_TAG = f"{_MAIN_NS}sheetData"
_LAST_ROW = re.compile(r"(\d+)$")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# A workbook is a zip: refuse one that unpacks to far more than any real list would.
MAX_UNPACKED_FACTOR = 20
# Merged ranges named in the message about them; the rest is "…".
_MERGED_SHOWN = 10


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message says what to do about it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the file's limits ----------------------------------------------------------------------


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)
    }


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(limit)s rows of units. Split it into several files of at "
            "most %(limit)s rows (and delete empty rows at the bottom), then import them one "
            "after the other."
        )
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
    )


def not_xlsx() -> ImportFileError:
    return ImportFileError(
        _(
            "This is not an Excel .xlsx file, or it is damaged. Open it in Excel, save it as "
            "“Excel Workbook (.xlsx)” and upload it again."
        )
    )


def _sheet_rows(archive: zipfile.ZipFile, name: str, enough: int) -> int:
    """The rows a worksheet declares in its <dimension>; without one, its <row> tags counted in
    the raw XML, stopping at `enough`."""
    with archive.open(name) as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION_TAG:
                match = _LAST_ROW.search(str(element.get("ref", "")))
                return int(match.group(1)) if match else 0
            if element.tag == _SHEET_DATA_TAG:
                break
    count, tail = 0, b""
    with archive.open(name) as source:
        while count < enough and (chunk := source.read(1 << 20)):
            text = tail + chunk
            # A tag that ends inside the carried-over tail was counted with the chunk before.
            count += sum(1 for found in _ROW_TAG.finditer(text) if found.end() > len(tail))
            tail = text[-64:]
    return count


def _declared_rows(archive: zipfile.ZipFile) -> int:
    """The most rows any worksheet of the file holds, found without parsing its cells: a huge
    file is refused before openpyxl reads it (which it would do in full to size it)."""
    enough = settings.IMPORT_MAX_ROWS + 2
    names = [
        name
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and name.endswith(".xml")
    ]
    return max((_sheet_rows(archive, name, enough) for name in names), default=0)


def _open(data: bytes, first_row: int) -> Any:
    """The workbook, read-only, once the file as a whole is known to be a sane .xlsx: its
    size, its rows (data from `first_row`) and what it unpacks to are checked before openpyxl
    parses anything."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message())
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            declared = _declared_rows(archive)
    except (zipfile.BadZipFile, OSError, SyntaxError) as error:
        # SyntaxError covers xml.etree's ParseError.
        raise not_xlsx() from error
    if declared - first_row + 1 > settings.IMPORT_MAX_ROWS:
        raise too_many_rows()
    if unpacked > MAX_UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _(
                "The file holds far more data than a list of units would. Keep only the sheet "
                "of units (no pictures or other sheets) and upload it again."
            )
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # Whatever openpyxl trips over in an untrusted file, the user's answer is the same.
        raise not_xlsx() from error


@contextmanager
def reading(data: bytes, *, first_row: int) -> Iterator[Any]:
    """The uploaded workbook (read-only) whose data rows start at `first_row`, checked as a
    whole first; closed afterwards. Anything but an ImportFileError raised while it is read is
    the file's fault, and becomes the "not an .xlsx file" answer."""
    workbook = _open(data, first_row)
    try:
        yield workbook
    except ImportFileError:
        raise
    except Exception as error:
        raise not_xlsx() from error
    finally:
        workbook.close()


def reset_sheet(sheet: Any, *, first_row: int) -> None:
    """Refuse a sheet whose declared size already has too many rows, then forget that size: one
    declared too small would hide rows, so the rows are read to their real end, counted."""
    if sheet.max_row is not None and sheet.max_row - first_row + 1 > settings.IMPORT_MAX_ROWS:
        raise too_many_rows()
    sheet.reset_dimensions()


def data_rows(sheet: Any, *, first_row: int, width: int) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows from `first_row` on, by Excel row number, as `width` cell values each;
    too_many_rows as soon as there are more than IMPORT_MAX_ROWS."""
    for number, values in enumerate(
        sheet.iter_rows(min_row=first_row, max_col=width, values_only=True), start=first_row
    ):
        if number - first_row + 1 > settings.IMPORT_MAX_ROWS:
            raise too_many_rows()
        yield number, list(values) + [None] * (width - len(values))


def blank(value: Any) -> Any:
    """A cell's value, None if it holds only spaces."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _merged_ranges(data: bytes, worksheet: Any) -> list[str]:
    """The merged ranges of the sheet. Read-only worksheets do not parse them, so scan the
    sheet's XML for them (one streaming pass)."""
    path = getattr(worksheet, "_worksheet_path", None)
    if not isinstance(path, str):
        return []
    ranges: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as source:
        for _event, element in iterparse(source):
            if element.tag == _MERGE_CELL_TAG:
                ranges.append(str(element.get("ref", "")))
            element.clear()
    return ranges


MERGED_UNITS = gettext_lazy(
    "The sheet has merged cells (%(ranges)s). Unmerge them so that every unit has its own row "
    "with one value per cell, then upload the file again."
)


def refuse_merged(data: bytes, worksheet: Any, message: str | Promise = MERGED_UNITS) -> None:
    """ImportFileError with `message` (naming the ranges) if the sheet has merged cells. Called
    once the rows are read: the sheet is scanned only when its row count is known to be sane."""
    merged = _merged_ranges(data, worksheet)
    if merged:
        shown = ", ".join(merged[:_MERGED_SHOWN]) + ("…" if len(merged) > _MERGED_SHOWN else "")
        raise ImportFileError(str(message) % {"ranges": shown})


@dataclass(frozen=True)
class Issue:
    """One thing wrong in an uploaded file: its row and column letter (None and "": the file as
    a whole), the field it concerns and what is wrong."""

    row: int | None
    letter: str
    label: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}" if self.row and self.letter else ""


# --- the signed form workbook ---------------------------------------------------------------

# Row 1: the title; row 2: the column headers; row 3 (hidden): the column keys; then the rows.
LABEL_ROW, KEY_ROW, FIRST_ROW = 2, 3, 4
META_TITLE = "_meta"
_GREY = PatternFill("solid", fgColor="E7EBF0")
_HEADER = PatternFill("solid", fgColor="D9E2EC")
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)


class SignedMeta(Protocol):
    """What the hidden sheet says a file is: the signed payload, and its readable lines (the
    signature covers them all)."""

    def payload(self) -> dict[str, Any]: ...

    def visible(self) -> list[tuple[str, str]]: ...


M = TypeVar("M", bound=SignedMeta)

# One column the headers must show: its key and its header (None: any header goes).
Wanted = Sequence[tuple[str, str | None]]


@dataclass
class FileRow:
    """A row of an uploaded form file that holds something: its Excel row number, the unit
    code of its first column, and its typed cells by field key."""

    number: int
    code: str
    cells: dict[str, Any]


@dataclass
class SignedFile(Generic[M]):
    """An uploaded form file: what its hidden sheet says it is, and its rows."""

    meta: M
    rows: list[FileRow] = field(default_factory=list)


def cells_of(column: int, rows: int) -> str:
    """The range of a column's cells in a form of `rows` rows (at least one), e.g. "D4:D120"."""
    letter = get_column_letter(column)
    return f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + max(rows, 1) - 1}"


def whole_number_rule(cells: str, heading: str = "") -> DataValidation:
    """Whole numbers from 0 in `cells`, with a message on entry (under `heading`, if any)."""
    whole = _("Enter a whole number, 0 or more.")
    rule = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        promptTitle=_("Whole number")[:32],
        prompt=(heading[:180] + "\n" + whole if heading else whole)[:255],
        errorTitle=_("Not a count")[:32],
        error=whole[:255],
    )
    rule.add(cells)
    return rule


@dataclass(frozen=True)
class SignedBook:
    """A kind of form workbook handed out to be filled in and uploaded again: its data sheet,
    the salt and format version of its signature, how many columns (locked) name a row before
    the fields, and what the user is told when a file is not one of this kind, when its
    headers were changed, or when it has merged cells."""

    sheet: str
    salt: str
    version: int
    fixed: int
    foreign: Promise
    changed: Promise  # names the %(column)s
    merged: Promise = MERGED_UNITS  # names the %(ranges)s

    def not_this_system(self) -> ImportFileError:
        return ImportFileError(str(self.foreign))

    def headers_changed(self, column: str) -> ImportFileError:
        return ImportFileError(str(self.changed) % {"column": column})

    def read(
        self,
        data: bytes,
        meta: Callable[[dict[str, Any]], M],
        columns: Callable[[M], Wanted],
        cell: Callable[[Any], Any],
    ) -> SignedFile[M]:
        """An uploaded file of this kind: its meta built from the signed payload by `meta`, and
        every row that holds something, its cells typed by `cell`, once the headers are checked
        to be the `columns` the meta calls for. ImportFileError if the file is unusable, not
        of this kind, or its headers were changed."""
        with reading(data, first_row=FIRST_ROW) as workbook:
            found = self._read_meta(workbook, meta)
            wanted = columns(found)
            keys = [key for key, _label in wanted[self.fixed :]]
            rows: list[FileRow] = []
            for number, values in self._read_rows(data, workbook, wanted):
                typed = dict(zip(keys, map(cell, values[self.fixed :]), strict=True))
                code = str(cell(values[0]) or "").strip().upper()
                if code or any(value not in (None, "") for value in typed.values()):
                    rows.append(FileRow(number=number, code=code, cells=typed))
            return SignedFile(meta=found, rows=rows)

    def _read_meta(self, workbook: Any, build: Callable[[dict[str, Any]], M]) -> M:
        """What the hidden sheet says the file is, built from its signed payload by `build`;
        not_this_system if it is missing, its signature is not ours, `build` refuses it
        (KeyError, TypeError, ValueError), or a readable line was changed."""
        if META_TITLE not in workbook.sheetnames:
            raise self.not_this_system()
        lines: dict[str, str] = {}
        for row in workbook[META_TITLE].iter_rows(max_row=20, max_col=2, values_only=True):
            if row and row[0] is not None:
                lines[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
        try:
            payload = signing.loads(lines.get("signature", ""), salt=self.salt)
            meta = build(payload)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise self.not_this_system() from error
        if payload.get("v") != self.version or any(
            lines.get(name) != value for name, value in meta.visible()
        ):
            raise self.not_this_system()
        return meta

    def _read_rows(self, data: bytes, workbook: Any, wanted: Wanted) -> list[tuple[int, list[Any]]]:
        """The data rows of the file's sheet, one value per wanted column, once its headers are
        checked to be exactly the wanted columns, in their order, and nothing more; refused if
        the sheet has merged cells."""
        if self.sheet not in workbook.sheetnames:
            raise self.not_this_system()
        sheet = workbook[self.sheet]
        reset_sheet(sheet, first_row=FIRST_ROW)
        self._check_headers(sheet, wanted)
        rows = list(data_rows(sheet, first_row=FIRST_ROW, width=len(wanted)))
        refuse_merged(data, sheet, self.merged)
        return rows

    def _check_headers(self, sheet: Any, wanted: Wanted) -> None:
        header = list(sheet.iter_rows(min_row=LABEL_ROW, max_row=KEY_ROW, values_only=True))
        while len(header) < 2:
            header.append(())
        labels, keys = header[0], header[1]
        for index in range(max(len(labels), len(keys), len(wanted))):
            key = keys[index] if index < len(keys) else None
            label = labels[index] if index < len(labels) else None
            if index >= len(wanted):
                if key is not None or label is not None:
                    raise self.headers_changed(get_column_letter(index + 1))
                continue
            wanted_key, wanted_label = wanted[index]
            if key != wanted_key or (wanted_label is not None and label != wanted_label):
                raise self.headers_changed(get_column_letter(index + 1))


class FormWriter:
    """A form workbook being written, row by row (write-only: a large subtree stays small in
    memory). The sheet is locked but for the cells written editable; the workbook's structure
    is locked, so its sheets cannot be renamed, moved or deleted."""

    def __init__(
        self,
        book: SignedBook,
        *,
        title: str,
        columns: Sequence[tuple[str, str, int]],
        label_height: int,
        rules: Sequence[DataValidation],
    ) -> None:
        self.book = book
        self.workbook = Workbook(write_only=True)
        self.workbook.security = WorkbookProtection(lockStructure=True)
        sheet: Any = self.workbook.create_sheet(book.sheet)
        for index, (_key, _label, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.row_dimensions[LABEL_ROW].height = label_height
        sheet.row_dimensions[KEY_ROW].hidden = True
        sheet.freeze_panes = f"{get_column_letter(book.fixed + 1)}{FIRST_ROW}"
        sheet.protection.sheet = True
        # Printed across the page, every column on it, the headers repeated on each page.
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{LABEL_ROW}:{LABEL_ROW}"
        for rule in rules:
            sheet.data_validations.append(rule)
        self.sheet = sheet
        heading = WriteOnlyCell(sheet, value=title)
        heading.font = Font(bold=True, size=12)
        sheet.append([heading])
        sheet.append([self._header(label) for _key, label, _width in columns])
        sheet.append([key for key, _label, _width in columns])

    def _header(self, value: str) -> Cell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.font = Font(bold=True)
        cell.fill = _HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.protection = _LOCKED
        return cell

    def cell(self, value: Any, *, editable: bool, count: bool = False) -> Cell:
        """A cell open for entry, or locked and greyed; a count is shown as 1,234."""
        cell = WriteOnlyCell(self.sheet, value=value)
        if count:
            cell.number_format = COUNT_FORMAT
        cell.protection = _UNLOCKED if editable else _LOCKED
        if not editable:
            cell.fill = _GREY
        return cell

    def append(self, cells: list[Cell]) -> None:
        self.sheet.append(cells)

    def content(self, meta: SignedMeta) -> bytes:
        """The file, with the very hidden sheet of its readable lines and their signature."""
        sheet = self.workbook.create_sheet(META_TITLE)
        sheet.sheet_state = "veryHidden"
        for name, value in meta.visible():
            sheet.append([name, value])
        sheet.append(
            ["signature", signing.dumps(meta.payload(), salt=self.book.salt, compress=True)]
        )
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
