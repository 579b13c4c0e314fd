"""A review as a DOCX report laid out as a Vietnamese administrative document (Decree
30/2020/ND-CP): the issuing body with the number and symbol beside the national title and
motto, place and date, the title, the body with its tables and chart, then the recipients
beside the signature block. A4, Times New Roman 13 pt, margins 20/20/30/15 mm.

The document is always written in the deployment's language (Vietnamese), whatever the
language of the person asking for it: it is the office's paper."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation
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

from tuyengiao.activities.summary import Figures
from tuyengiao.reporting.indicators import format_number
from tuyengiao.reviews import charts
from tuyengiao.reviews.draft import Draft, TaskLine
from tuyengiao.reviews.models import NARRATIVE_PARTS, Review, ReviewKind
from tuyengiao.reviews.texts import (
    NOT_WRITTEN,
    kind_phrase,
    narrative_headings,
    parent_name,
)

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
TEXT_WIDTH = 165  # mm: A4 less the left (30) and right (15) margins
Container = DocumentObject | _Cell


def review_docx(review: Review, draft: Draft) -> bytes:
    """The report, as bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        document = _blank()
        _header(document, review, draft)
        _title(document, review, draft)
        _results(document, draft)
        _assessment(document, review)
        _closing(document, review)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


# --- page, styles and small pieces ------------------------------------------------------------


def _blank() -> DocumentObject:
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


def _para(
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


def _centred(
    where: Container,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = BODY_PT,
    before: float = 0,
    after: float = 0,
) -> Paragraph:
    return _para(
        where,
        text,
        bold=bold,
        italic=italic,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=before,
        after=after,
    )


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table: Table, millimetres: Sequence[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's; set both."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _two_columns(document: DocumentObject, left_mm: float) -> tuple[_Cell, _Cell]:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [left_mm, TEXT_WIDTH - left_mm])
    left, right = table.rows[0].cells
    # A fresh cell holds an empty paragraph: drop it, the pieces add their own.
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def _rule(where: _Cell, width_chars: int) -> None:
    """The short line under the issuing body and under the motto."""
    _centred(where, "\u2500" * width_chars, size=8)


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


def _header(document: DocumentObject, review: Review, draft: Draft) -> None:
    left, right = _two_columns(document, 68)
    above = parent_name(review.unit, draft)
    if above:
        _centred(left, above.upper(), size=11)
    _centred(left, draft.name.upper(), bold=True, size=12)
    _rule(left, 12)
    number = review.number or "…/BC-…"
    _centred(left, _("No.: %(number)s") % {"number": number}, size=13)
    _centred(right, _("SOCIALIST REPUBLIC OF VIETNAM"), bold=True, size=12)
    _centred(right, _("Independence - Freedom - Happiness"), bold=True, size=13)
    _rule(right, 18)
    place = review.place or "…"
    day = review.issued_on or draft.made_on
    _centred(right, vn_date(place, day), italic=True, size=13)


def _title(document: DocumentObject, review: Review, draft: Draft) -> None:
    _centred(document, _("REPORT"), bold=True, size=14, before=18)
    _centred(document, kind_phrase(draft), bold=True, size=14)
    _centred(document, draft.plan.title, bold=True, size=14)
    _centred(document, "\u2500" * 10, size=8, after=12)


def _results(document: DocumentObject, draft: Draft) -> None:
    _para(document, _("I. RESULTS"), bold=True, before=6)
    _para(document, _("1. Targets of the plan"), bold=True)
    met = _("%(met)s of the plan's %(total)s targets are met in %(year)s.") % {
        "met": draft.met,
        "total": len(draft.targets),
        "year": draft.year,
    }
    _para(document, met, indent=True)
    _targets_table(document, draft)
    png = charts.targets_png(draft)
    if png:
        document.add_picture(io.BytesIO(png), width=Mm(160))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _centred(document, _("Percentage targets: result and target"), italic=True, size=11)
    _para(document, _("2. The plan's tasks"), bold=True, before=6)
    _para(document, _overview(draft), indent=True)
    for index, task in enumerate(draft.tasks, start=1):
        _task(document, index, task, draft)
    _para(document, _("3. Reporting"), bold=True, before=6)
    _reporting_table(document, draft)


def _overview(draft: Draft) -> str:
    totals = draft.totals
    first, last = draft.years[0], draft.years[-1]
    if first == last:
        span = _("the year %(year)s") % {"year": first}
    else:
        span = _("the years %(start)s–%(end)s") % {"start": first, "end": last}
    return _(
        "In %(span)s the unions of %(unit)s recorded %(activities)s activities with "
        "%(participants)s participants (%(members)s union members, %(women)s women)."
    ) % {
        "span": span,
        "unit": draft.name,
        "activities": count(totals.activities),
        "participants": count(totals.participants),
        "members": count(totals.members),
        "women": count(totals.women),
    }


def _table(
    document: DocumentObject,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell_text(cell, text)
    _widths(table, widths)
    _para(document, after=6)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT


def _targets_table(document: DocumentObject, draft: Draft) -> None:
    trend_years = [y for y in draft.plan_years if y <= draft.year] if len(draft.years) > 1 else []
    headers = [
        _("No."),
        _("Target"),
        _("Planned"),
        *[str(y) for y in trend_years],
        *([] if trend_years else [_("Result %(year)s") % {"year": draft.year}]),
        _("Assessment"),
    ]
    rows = []
    for index, row in enumerate(draft.targets, start=1):
        figure = row.figure
        by_year = {f.year: f for f in row.trend}
        results = (
            [by_year[y].value_display if y in by_year else "—" for y in trend_years]
            if trend_years
            else [figure.value_display]
        )
        name = f"{figure.indicator.code}. {figure.indicator.name}"
        rows.append([str(index), name, figure.target_display, *results, figure.status_label])
    result_widths = [15.5] * len(trend_years) if trend_years else [22.0]
    name_width = TEXT_WIDTH - 11 - 17 - 24 - sum(result_widths)
    _table(document, headers, rows, [11, name_width, 17, *result_widths, 24])


def _figures_phrase(figures: Figures) -> str:
    return _("%(activities)s activities, %(participants)s participants") % {
        "activities": count(figures.activities),
        "participants": count(figures.participants),
    }


def _task(document: DocumentObject, index: int, task: TaskLine, draft: Draft) -> None:
    _para(document, f"2.{index}. {task.code} – {task.title}", italic=True, bold=True)
    if not task.totals.activities:
        _para(document, _("No activity was recorded under this task."), indent=True)
    else:
        _para(document, _task_sentence(task), indent=True)
    if task.most:
        named = ", ".join(f"{u.name} ({count(u.figures.activities)})" for u in task.most)
        text = _("Did most in %(year)s: %(units)s.") % {"year": draft.year, "units": named}
        _para(document, text, indent=True)
    if task.idle_count and task.children:
        _para(document, _idle_sentence(task, draft), indent=True)


def _task_sentence(task: TaskLine) -> str:
    totals = task.totals
    kinds = "; ".join(f"{k.label.lower()} {count(k.figures.activities)}" for k in task.kinds)
    topics = "; ".join(
        f"{t.name or _('no topic')} {count(t.figures.activities)}" for t in task.topics[:6]
    )
    return _(
        "%(activities)s activities with %(participants)s participants (%(members)s union "
        "members, %(women)s women). By kind: %(kinds)s. By topic: %(topics)s."
    ) % {
        "activities": count(totals.activities),
        "participants": count(totals.participants),
        "members": count(totals.members),
        "women": count(totals.women),
        "kinds": kinds,
        "topics": topics,
    }


def _idle_sentence(task: TaskLine, draft: Draft) -> str:
    named = ", ".join(u.name for u in task.idle)
    more = task.idle_count - len(task.idle)
    if more:
        named += " " + _("and %(count)s more") % {"count": count(more)}
    return _("Nothing recorded in %(year)s (%(idle)s of %(total)s units): %(units)s.") % {
        "year": draft.year,
        "idle": count(task.idle_count),
        "total": count(task.children),
        "units": named,
    }


def _reporting_table(document: DocumentObject, draft: Draft) -> None:
    if not draft.reporting:
        _para(document, _("No reporting form was due in these years."), indent=True)
        return
    headers = [
        _("Form"),
        _("Periods"),
        _("Expected"),
        _("On time"),
        _("Late"),
        _("Not received"),
        _("Approved"),
    ]
    rows = [
        [
            line.form,
            ", ".join(line.periods),
            count(line.counts.expected),
            count(line.counts.on_time),
            count(line.counts.late),
            count(line.counts.missing),
            count(line.counts.approved),
        ]
        for line in draft.reporting
    ]
    _table(document, headers, rows, [47, 28, 18, 18, 18, 18, 18])


def _assessment(document: DocumentObject, review: Review) -> None:
    headings = narrative_headings()
    _para(document, _("II. OVERALL ASSESSMENT"), bold=True, before=6)
    for part in NARRATIVE_PARTS[:-1]:
        _para(document, headings[part], bold=True)
        _narrative(document, getattr(review, part))
    _para(document, _("III. TASKS AND SOLUTIONS AHEAD"), bold=True, before=6)
    _narrative(document, review.tasks_ahead)


def _narrative(document: DocumentObject, text: str) -> None:
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if not paragraphs:
        _para(document, str(NOT_WRITTEN), italic=True, indent=True)
    for paragraph in paragraphs:
        _para(document, paragraph, indent=True)


def _closing(document: DocumentObject, review: Review) -> None:
    _para(document, after=6)
    left, right = _two_columns(document, 80)
    _para(left, _("Recipients:"), bold=True, italic=True, size=12, after=0)
    recipients = [line.strip() for line in review.recipients.splitlines() if line.strip()]
    for line in [*recipients, _("Archived: Office.")]:
        text = line if line.startswith("-") else f"- {line}"
        _para(left, text, size=11, after=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    if review.signer_title:
        _centred(right, review.signer_title.upper(), bold=True)
    _centred(right, (review.signer_position or "…").upper(), bold=True)
    for _blank_line in range(4):
        _centred(right, "")
    _centred(right, review.signer_name or "", bold=True)


def kind_label(kind: str) -> str:
    return str(ReviewKind(kind).label)
