"""Drafting a review into its documents: the figures from the data (reviews.draft), then the
DOCX report and the XLSX appendix, reporting progress as it goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.reviews.appendix import review_xlsx
from tuyengiao.reviews.document import review_docx
from tuyengiao.reviews.draft import Draft, Progress, draft_for, silent
from tuyengiao.reviews.models import Review


@dataclass(frozen=True)
class Drafted:
    draft: Draft
    docx: bytes
    xlsx: bytes


def draft_documents(user: User, review: Review, progress: Progress = silent) -> Drafted:
    """The review's documents from the current data, as `user` reads it."""
    draft = draft_for(user, review.unit, review.kind, review.year, review.plan, progress)
    docx = review_docx(review, draft)
    progress(98, _("Appendix"))
    xlsx = review_xlsx(draft)
    progress(100, _("Done"))
    return Drafted(draft, docx, xlsx)
