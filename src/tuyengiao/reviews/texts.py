"""The words a review is written with, shared by the document, the appendix and the pages."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reviews.draft import Draft
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
