"""Reads of reviews: the review of a unit for a kind and year, as stored or blank, and the
checks on which years a kind of review may speak of."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.models import Plan
from tuyengiao.reporting.indicators import plan_for_unit
from tuyengiao.reviews.models import Review, ReviewKind


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
