"""The words a review is written with, shared by the document, the appendix and the pages."""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting.indicators import format_number
from tuyengiao.reviews.docx_parts import count
from tuyengiao.reviews.draft import Draft
from tuyengiao.reviews.draft_voice import Hearing
from tuyengiao.reviews.models import ReviewKind

NOT_WRITTEN: Promise = gettext_lazy("(Not written yet.)")


def kind_phrase(draft: Draft) -> str:
    """ "Yearly review 2026 of carrying out", "Mid-term review (2023–2026) of…"."""
    if draft.kind == ReviewKind.YEARLY:
        return _("Yearly review %(year)s of carrying out") % {"year": draft.year}
    start, end = draft.years[0], draft.years[-1]
    if draft.kind == ReviewKind.MIDTERM:
        return _("Mid-term review (%(start)s–%(end)s) of carrying out") % {
            "start": start,
            "end": end,
        }
    return _("Final review (%(start)s–%(end)s) of carrying out") % {"start": start, "end": end}


def narrative_headings() -> dict[str, str]:
    """The headings of the narrative parts in the document (section II, then III)."""
    return {
        "achievements": _("1. Strengths"),
        "shortcomings": _("2. Shortcomings and limitations"),
        "causes": _("3. Causes"),
        "lessons": _("4. Lessons learnt"),
        "tasks_ahead": _("Tasks and solutions ahead"),
    }


def parent_name(unit: OrgUnit, draft: Draft) -> str:
    """The unit directly above the reviewing unit on the review's date (its superior body)."""
    chain = hierarchy.ancestors(unit.pk, draft.made_on)
    return chain[-1].name if chain else ""


def hearing_sentence(hearing: Hearing) -> str:
    """Cases, questions and problems in one paragraph (the figures are the records')."""
    if hearing.median_answer_hours is None:
        speed = ""
    else:
        speed = " " + _("half of them within %(hours)s hours") % {
            "hours": format_number(Decimal(str(hearing.median_answer_hours)), percentage=False)
        }
    return _(
        "The unions followed %(cases)s pressing-issue cases affecting %(workers)s workers "
        "(%(resolved)s resolved, %(escalated)s escalated to an upper level; %(open)s still "
        "open). Workers asked %(questions)s legal questions; %(answered)s were answered"
        "%(speed)s, %(published)s published in the FAQ. The units reported %(problems)s "
        "problems met in carrying out the plan, %(dealt)s of them answered or forwarded."
    ) % {
        "cases": count(hearing.cases_opened),
        "workers": count(hearing.workers_affected),
        "resolved": count(hearing.cases_resolved),
        "escalated": count(hearing.cases_escalated),
        "open": count(hearing.cases_open_now),
        "questions": count(hearing.questions),
        "answered": count(hearing.answered),
        "speed": speed,
        "published": count(hearing.published),
        "problems": count(hearing.problems),
        "dealt": count(hearing.problems_dealt_with),
    }
