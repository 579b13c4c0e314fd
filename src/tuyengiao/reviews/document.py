"""A review as a DOCX report laid out as a Vietnamese administrative document (Decree
30/2020/ND-CP): the issuing body with the number and symbol beside the national title and
motto, place and date, the title, the body with its tables and chart, then the recipients
beside the signature block. A4, Times New Roman 13 pt, margins 20/20/30/15 mm.

The document is always written in the deployment's language (Vietnamese), whatever the
language of the person asking for it: it is the office's paper."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tuyengiao.reviews import charts
from tuyengiao.reviews.docx_parts import (
    TEXT_WIDTH,
    blank,
    centred,
    count,
    issuing_block,
    para,
    saved,
    signature_block,
    table,
)
from tuyengiao.reviews.draft import Draft, TaskLine
from tuyengiao.reviews.models import NARRATIVE_PARTS, Review
from tuyengiao.reviews.texts import (
    NOT_WRITTEN,
    hearing_sentence,
    kind_phrase,
    narrative_headings,
    parent_name,
)


def review_docx(review: Review, draft: Draft) -> bytes:
    """The report, as bytes."""
    with translation.override(settings.LANGUAGE_CODE):
        document = blank()
        _header(document, review, draft)
        _title(document, review, draft)
        _results(document, draft)
        _assessment(document, review)
        _closing(document, review)
        return saved(document)


# --- page, styles and small pieces ------------------------------------------------------------


def _header(document: DocumentObject, review: Review, draft: Draft) -> None:
    issuing_block(
        document,
        above=parent_name(review.unit, draft),
        issuer=draft.name,
        number=review.number or "…/BC-…",
        place=review.place or "…",
        day=review.issued_on or draft.made_on,
    )


def _title(document: DocumentObject, review: Review, draft: Draft) -> None:
    centred(document, _("REPORT"), bold=True, size=14, before=18)
    centred(document, kind_phrase(draft), bold=True, size=14)
    centred(document, draft.plan.title, bold=True, size=14)
    centred(document, "\u2500" * 10, size=8, after=12)


def _results(document: DocumentObject, draft: Draft) -> None:
    para(document, _("I. RESULTS"), bold=True, before=6)
    para(document, _("1. Targets of the plan"), bold=True)
    met = _("%(met)s of the plan's %(total)s targets are met in %(year)s.") % {
        "met": draft.met,
        "total": len(draft.targets),
        "year": draft.year,
    }
    para(document, met, indent=True)
    _targets_table(document, draft)
    png = charts.targets_png(draft)
    if png:
        document.add_picture(io.BytesIO(png), width=Mm(160))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        centred(document, _("Percentage targets: result and target"), italic=True, size=11)
    para(document, _("2. The plan's tasks"), bold=True, before=6)
    para(document, _overview(draft), indent=True)
    for index, task in enumerate(draft.tasks, start=1):
        _task(document, index, task, draft)
    para(document, _("3. Reporting"), bold=True, before=6)
    _reporting_table(document, draft)
    para(document, _("4. Hearing workers and media work"), bold=True, before=6)
    _hearing(document, draft)


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
    table(document, headers, rows, [11, name_width, 17, *result_widths, 24])


def _task(document: DocumentObject, index: int, task: TaskLine, draft: Draft) -> None:
    para(document, f"2.{index}. {task.code} – {task.title}", italic=True, bold=True)
    if not task.totals.activities:
        para(document, _("No activity was recorded under this task."), indent=True)
    else:
        para(document, _task_sentence(task), indent=True)
    if task.most:
        named = ", ".join(f"{u.name} ({count(u.figures.activities)})" for u in task.most)
        text = _("Did most in %(year)s: %(units)s.") % {"year": draft.year, "units": named}
        para(document, text, indent=True)
    if task.idle_count and task.children:
        para(document, _idle_sentence(task, draft), indent=True)


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
        para(document, _("No reporting form was due in these years."), indent=True)
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
    table(document, headers, rows, [47, 28, 18, 18, 18, 18, 18])


def _hearing(document: DocumentObject, draft: Draft) -> None:
    hearing = draft.hearing
    para(document, hearing_sentence(hearing), indent=True)
    if not hearing.news:
        para(document, _("No news item was recorded in these years."), indent=True)
        return
    text = _("The unions published %(count)s news items and posts:") % {
        "count": count(hearing.news_total)
    }
    para(document, text, indent=True)
    rows = [[line.label, count(line.items), count(line.views)] for line in hearing.news]
    table(document, [_("Channel"), _("Items"), _("Views")], rows, [95, 35, 35])


def _assessment(document: DocumentObject, review: Review) -> None:
    headings = narrative_headings()
    para(document, _("II. OVERALL ASSESSMENT"), bold=True, before=6)
    for part in NARRATIVE_PARTS[:-1]:
        para(document, headings[part], bold=True)
        _narrative(document, getattr(review, part))
    para(document, _("III. TASKS AND SOLUTIONS AHEAD"), bold=True, before=6)
    _narrative(document, review.tasks_ahead)


def _narrative(document: DocumentObject, text: str) -> None:
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if not paragraphs:
        para(document, str(NOT_WRITTEN), italic=True, indent=True)
    for paragraph in paragraphs:
        para(document, paragraph, indent=True)


def _closing(document: DocumentObject, review: Review) -> None:
    signature_block(
        document,
        recipients=[line.strip() for line in review.recipients.splitlines() if line.strip()],
        title=review.signer_title,
        position=review.signer_position,
        name=review.signer_name,
    )
