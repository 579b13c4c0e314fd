"""Reads of reviews: the review of a unit for a kind and year, as stored or blank, its saved
revisions, and the checks on which years a kind of review may speak of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.plans.models import Plan
from tuyengiao.reporting.indicators import plan_for_unit
from tuyengiao.reviews.models import (
    NARRATIVE_PARTS,
    Review,
    ReviewDocument,
    ReviewKind,
    ReviewRevision,
    ReviewStatus,
)

APPROVER_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def can_write(user: User, unit: OrgUnit) -> bool:
    """The unit's own staff and the levels above it write its review."""
    return user.can_restructure and access.can_write(user, unit)


def can_approve(user: User, unit: OrgUnit) -> bool:
    """A leader (or an administrator) whose scope holds the unit today approves its review."""
    if not user.is_active or user.role not in APPROVER_ROLES:
        return False
    if access.has_whole_tree(user):
        return True
    return user.scope_unit_id is not None and hierarchy.is_under(
        user.scope_unit_id, unit.pk, today()
    )


def system_reader() -> User:
    """Whom a command reads as: the whole tree, as an administrator without a scope (never
    saved, never able to log in)."""
    return User(username="system", role=Role.ADMIN, is_active=True)


def check_year(kind: str, year: int, plan: Plan) -> None:
    """A yearly review speaks of a year that has begun (of the plan: `plan_of` found it for
    the year); the mid-term review of a year inside the term; the final review of the plan's
    last year."""
    span = {"start": plan.start_year, "end": plan.end_year}
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Choose the kind of review.")})
    if year > today().year:
        raise ValidationError({"year": _("The year has not begun yet.")})
    if kind == ReviewKind.MIDTERM and year in (plan.start_year, plan.end_year):
        message = _("A mid-term review is of a year inside the term (%(start)s–%(end)s).")
        raise ValidationError({"year": message % span})
    if kind == ReviewKind.FINAL and year != plan.end_year:
        message = _("The final review is of the plan's last year, %(end)s.")
        raise ValidationError({"year": message % span})


def plan_of(unit: OrgUnit, year: int) -> Plan:
    """The plan the unit is judged against that year: its own, or its nearest ancestor's."""
    plan = plan_for_unit(unit, year)
    if plan is None:
        message = _("%(unit)s has no plan for %(year)s, nor has any unit above it.")
        raise ValidationError({"unit": message % {"unit": unit.name, "year": year}})
    return plan


def review_or_blank(unit: OrgUnit, kind: str, year: int) -> Review:
    """The unit's review of that kind and year, or a blank one (not saved) on its plan."""
    found = Review.objects.filter(unit=unit, kind=kind, year=year).select_related("plan").first()
    if found is not None:
        return found
    plan = plan_of(unit, year)
    check_year(kind, year, plan)
    return Review(unit=unit, kind=kind, year=year, plan=plan)


# --- pages ------------------------------------------------------------------------------------


@dataclass
class ReviewPage:
    """A unit's review as the user may see it: stored or blank, and what they may do."""

    unit: OrgUnit
    name: str
    review: Review
    can_write: bool
    can_approve: bool
    documents: list[ReviewDocument]
    revisions: int

    @property
    def is_saved(self) -> bool:
        return self.review.pk is not None


def review_page_for_user(user: User, code: str, kind: str, year: int) -> ReviewPage:
    """The unit gate (404, 403), then its review of that kind and year (a blank one on its plan
    if none is saved; a year the plan does not allow is a ValidationError)."""
    unit = unit_for_user(user, code.strip().upper())
    if kind not in ReviewKind.values:
        raise Http404(kind)
    review = review_or_blank(unit, kind, year)
    version = hierarchy.version_on(unit.pk, min(dt.date(year, 12, 31), today()))
    saved = review.pk is not None
    return ReviewPage(
        unit=unit,
        name=version.name if version else unit.name,
        review=review,
        can_write=can_write(user, unit) and review.status == ReviewStatus.DRAFT,
        can_approve=can_approve(user, unit),
        documents=list(review.documents.all()[:5]) if saved else [],
        revisions=review.revisions.count() if saved else 0,
    )


def revisions_of(page: ReviewPage) -> QuerySet[ReviewRevision]:
    """The saved revisions of a review read through its page's gate, newest first, without
    their text (a list of twenty would otherwise carry up to two million characters)."""
    if not page.is_saved:
        return ReviewRevision.objects.none()
    return (
        ReviewRevision.objects.filter(review=page.review)
        .select_related("saved_by")
        .defer("narrative")
        .order_by("-number")
    )


@dataclass(frozen=True)
class RevisionPart:
    """One narrative part as a revision kept it, and whether the review says otherwise now."""

    name: str
    text: str
    current: str

    @property
    def changed(self) -> bool:
        return self.text != self.current


@dataclass
class RevisionPage:
    page: ReviewPage
    revision: ReviewRevision
    parts: list[RevisionPart]

    @property
    def differs(self) -> bool:
        return any(part.changed for part in self.parts)


def revision_for_user(user: User, code: str, kind: str, year: int, number: int) -> RevisionPage:
    """One saved revision of a review, behind the review page's gate (404, 403; 404 for a
    review never saved or a number it has not reached), beside the text as it is now."""
    page = review_page_for_user(user, code, kind, year)
    revision = revisions_of(page).defer(None).filter(number=number).first()
    if revision is None:
        raise Http404(f"{code} {kind} {year} #{number}")
    kept = revision.narrative if isinstance(revision.narrative, dict) else {}
    parts = [
        RevisionPart(name, str(kept.get(name, "")), getattr(page.review, name))
        for name in NARRATIVE_PARTS
    ]
    return RevisionPage(page, revision, parts)


@dataclass(frozen=True)
class ChildReview:
    unit: OrgUnit
    name: str
    review: Review | None


@dataclass
class Overview:
    """The reviews of a kind and year of a unit and of the units directly under it."""

    unit: OrgUnit
    name: str
    kind: str
    year: int
    own: Review | None
    children: list[ChildReview]

    def _count(self, status: str) -> int:
        return sum(1 for c in self.children if c.review and c.review.status == status)

    @property
    def drafts(self) -> int:
        return self._count(ReviewStatus.DRAFT)

    @property
    def submitted(self) -> int:
        return self._count(ReviewStatus.SUBMITTED)

    @property
    def approved(self) -> int:
        return self._count(ReviewStatus.APPROVED)

    @property
    def missing(self) -> int:
        return sum(1 for c in self.children if c.review is None)


def overview_for_user(user: User, code: str, kind: str, year: int, query: str = "") -> Overview:
    """Which units directly under the unit (on the year's last day, or today) have written,
    submitted or had approved their review — the upper level reads theirs from here."""
    unit = unit_for_user(user, code.strip().upper())
    day = min(dt.date(year, 12, 31), today())
    versions = hierarchy.children_versions(unit.pk, day).select_related("unit")
    for term in search_terms(query):
        versions = versions.filter(search_key__contains=term)
    children = list(versions.order_by("unit__code"))
    reviews = {
        r.unit_id: r
        for r in Review.objects.filter(
            kind=kind, year=year, unit_id__in=[unit.pk, *(v.unit_id for v in children)]
        )
    }
    version = hierarchy.version_on(unit.pk, day)
    return Overview(
        unit=unit,
        name=version.name if version else unit.name,
        kind=kind,
        year=year,
        own=reviews.get(unit.pk),
        children=[ChildReview(v.unit, v.name, reviews.get(v.unit_id)) for v in children],
    )


def document_for_user(user: User, document_id: int) -> ReviewDocument:
    """The gate to a drafting: 404 if there is none, 403 outside the reader's scope."""
    document = ReviewDocument.objects.select_related("review__unit").filter(pk=document_id).first()
    if document is None:
        raise Http404(str(document_id))
    access.require(access.can_read(user, document.review.unit))
    return document
