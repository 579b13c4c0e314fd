"""Building blocks of Vietnamese administrative documents (Decree 30/2020/ND-CP) in DOCX: an A4
page with its margins and font, paragraphs, bordered tables with fixed widths, the issuing
block beside the national title and motto, place and date, and the recipients beside the
signature block. The review report and the commendation list are made of them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from tuyengiao.reporting.indicators import format_number

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
TEXT_WIDTH = 165  # mm: A4 less the left (30) and right (15) margins
Container = DocumentObject | _Cell


def blank() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font for Vietnamese letters from the East Asian and complex-script slots
    # too: set them all, or some letters fall back to another face.
    fonts = normal.element.rPr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(0)
    return document


def para(
    where: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = BODY_PT,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    paragraph = where.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
    paragraph.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    form = paragraph.paragraph_format
    form.space_before, form.space_after = Pt(before), Pt(after)
    if indent:
        form.first_line_indent = Mm(10)
    return paragraph


def centred(
    where: Container,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    before: float = 0,
    after: float = 0,
) -> Paragraph:
    return para(
        where,
        text,
        bold=bold,
        italic=italic,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=before,
        after=after,
    )


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def widths(table: Table, millimetres: Sequence[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's; set both."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def two_columns(document: DocumentObject, left_mm: float) -> tuple[_Cell, _Cell]:
    grid = document.add_table(rows=1, cols=2)
    no_borders(grid)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(grid, [left_mm, TEXT_WIDTH - left_mm])
    left, right = grid.rows[0].cells
    # A fresh cell holds an empty paragraph: drop it, the pieces add their own.
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def rule(where: _Cell, width_chars: int) -> None:
    """The short line under the issuing body and under the motto."""
    centred(where, "\u2500" * width_chars, size=8)


def vn_date(place: str, day: dt.date) -> str:
    """ "Ninh Bình, ngày 05 tháng 01 năm 2026": days below 10 and months 1 and 2 take a 0."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def count(value: int) -> str:
    return format_number(value, percentage=False)


# --- the parts of the document ----------------------------------------------------------------


def table(
    document: DocumentObject,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    column_widths: Sequence[float],
) -> None:
    """A bordered table: bold centred headers, then the rows, in fixed columns (mm)."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True)
    for row in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell_text(cell, text)
    widths(grid, column_widths)
    para(document, after=6)


def cell_text(cell: _Cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT


def issuing_block(
    document: DocumentObject,
    *,
    above: str,
    issuer: str,
    number: str,
    place: str,
    day: dt.date,
) -> None:
    """The superior body and the issuing unit with the number and symbol on the left; the
    national title and motto with place and date on the right."""
    left, right = two_columns(document, 68)
    if above:
        centred(left, above.upper(), size=11)
    centred(left, issuer.upper(), bold=True, size=12)
    rule(left, 12)
    centred(left, _("No.: %(number)s") % {"number": number}, size=13)
    centred(right, _("SOCIALIST REPUBLIC OF VIETNAM"), bold=True, size=12)
    centred(right, _("Independence - Freedom - Happiness"), bold=True, size=13)
    rule(right, 18)
    centred(right, vn_date(place, day), italic=True, size=13)


def signature_block(
    document: DocumentObject, *, recipients: list[str], title: str, position: str, name: str
) -> None:
    """The recipients (and the office's archive copy) beside who signs, for whom."""
    para(document, after=6)
    left, right = two_columns(document, 80)
    para(left, _("Recipients:"), bold=True, italic=True, size=12, after=0)
    for line in [*recipients, _("Archived: Office.")]:
        text = line if line.startswith("-") else f"- {line}"
        para(left, text, size=11, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    if title:
        centred(right, title.upper(), bold=True)
    centred(right, (position or "…").upper(), bold=True)
    for _blank_line in range(4):
        centred(right, "")
    centred(right, name, bold=True)


def saved(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
