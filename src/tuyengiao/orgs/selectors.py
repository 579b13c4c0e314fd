"""Reads of the hierarchy, always scoped to the acting user, and the access gates for units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.selectors import audit_entries
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import (
    Enterprise,
    OrgUnit,
    Person,
    Restructuring,
    UnitVersion,
)

CHILDREN_PER_PAGE = 100


def unit_for_user(user: User, code: str, *, write: bool = False) -> OrgUnit:
    """The gate to one unit: 404 if there is no such code, 403 if it is outside the scope."""
    unit = OrgUnit.objects.select_related("enterprise", "successor").filter(code=code).first()
    if unit is None:
        raise Http404(code)
    allowed = access.can_write(user, unit) if write else access.can_read(user, unit)
    access.require(allowed)
    return unit


def unit_by_code(code: str) -> OrgUnit | None:
    """The unit a list is filtered by, if the code names one; the list itself stays within the
    user's scope (and its selector refuses a unit outside it)."""
    code = code.strip().upper()
    return OrgUnit.objects.filter(code=code).first() if code else None


def unit_to_restructure(user: User, code: str) -> OrgUnit:
    """The gate for moving, renaming, merging, splitting or dissolving a unit (as of today)."""
    unit = unit_for_user(user, code)
    access.require(access.can_restructure(user, unit, today()))
    return unit


def unit_to_place_under(user: User, code: str) -> OrgUnit:
    """The gate for establishing a unit under this one."""
    unit = unit_for_user(user, code)
    access.require(access.can_place_under(user, unit, today()))
    return unit


def scope_root(user: User, date: dt.date | None = None) -> UnitVersion | None:
    """The version of the user's scope unit valid on `date` (None for the whole tree)."""
    root_id = access.scope_root_id(user)
    if root_id is None:
        return None
    return hierarchy.version_on(root_id, date or today())


def with_child_counts(versions: Iterable[UnitVersion], date: dt.date) -> list[UnitVersion]:
    """Set `child_count` on each version: one grouped query for the whole list (a correlated
    subquery per row made PostgreSQL plan a parallel scan for a 600-row page)."""
    rows = list(versions)
    counts = dict(
        UnitVersion.objects.filter(parent_id__in=[v.unit_id for v in rows], **valid_on(date))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    for version in rows:
        version.child_count = counts.get(version.unit_id, 0)  # type: ignore[attr-defined]
    return rows


def versions_in_scope(
    user: User,
    date: dt.date | None = None,
    *,
    query: str = "",
    parent_code: str | None = None,
    kind: str = "",
) -> QuerySet[UnitVersion]:
    """The units in the user's scope on `date`, as their versions then (name, parent)."""
    date = date or today()
    versions = UnitVersion.objects.filter(**valid_on(date))
    root_id = access.scope_root_id(user)
    if root_id is not None:
        versions = versions.filter(unit_id__in=hierarchy.descendant_ids(root_id, date))
    if parent_code:
        versions = versions.filter(parent__code=parent_code)
    if kind:
        versions = versions.filter(unit__kind=kind)
    for term in search_terms(query):
        versions = versions.filter(search_key__contains=term)
    return versions.select_related("unit", "parent", "unit__enterprise").order_by("unit__code")


def tree_top(user: User, date: dt.date) -> list[UnitVersion]:
    """The first rows of the tree page: the user's scope unit, or the roots of the whole tree."""
    root_id = access.scope_root_id(user)
    tops = UnitVersion.objects.filter(**valid_on(date))
    tops = tops.filter(unit_id=root_id) if root_id is not None else tops.filter(parent=None)
    return with_child_counts(tops.select_related("unit", "unit__enterprise"), date)


def children_for_user(user: User, unit: OrgUnit, date: dt.date) -> QuerySet[UnitVersion]:
    access.require(access.can_read(user, unit))
    children = hierarchy.children_versions(unit.pk, date).select_related("unit", "unit__enterprise")
    return children.order_by("unit__kind", "name", "unit_id")


def children_page(
    user: User, unit: OrgUnit, date: dt.date, number: str | int | None = 1
) -> Page[UnitVersion]:
    """One page of the units under `unit` on `date`, with their own child counts: a node of
    hundreds of grassroots unions opens page by page instead of all at once."""
    page = Paginator(children_for_user(user, unit, date), CHILDREN_PER_PAGE).get_page(number)
    page.object_list = with_child_counts(page.object_list, date)
    return page


def breadcrumbs(user: User, unit: OrgUnit, date: dt.date) -> list[UnitVersion]:
    """The unit's ancestors on `date`, cut at the top of the user's scope."""
    chain = hierarchy.ancestors(unit.pk, date)
    root_id = access.scope_root_id(user)
    if root_id is None:
        return chain
    ids = [v.unit_id for v in chain]
    return chain[ids.index(root_id) :] if root_id in ids else []


@dataclass
class UnitPage:
    unit: OrgUnit
    version: UnitVersion | None
    date: dt.date
    breadcrumbs: list[UnitVersion]
    children: Page[UnitVersion]
    history: QuerySet[UnitVersion]
    restructurings: QuerySet[Restructuring]
    people: QuerySet[Person]
    can_edit: bool
    can_restructure: bool
    can_place_under: bool


def unit_page(user: User, code: str, date: dt.date | None) -> UnitPage:
    """A unit's page as of `date`; without one, today, or a dissolved unit's last day."""
    unit = unit_for_user(user, code)
    if date is None:
        date = min(today(), unit.valid_to - dt.timedelta(days=1))
    return UnitPage(
        unit=unit,
        version=hierarchy.version_on(unit.pk, date),
        date=date,
        breadcrumbs=breadcrumbs(user, unit, date),
        children=children_page(user, unit, date),
        history=unit.versions.select_related("parent").order_by("-valid_from"),
        restructurings=unit.restructurings.select_related("actor").order_by(
            "-effective_date", "-id"
        ),
        people=unit.people.filter(is_active=True).prefetch_related("roles").order_by("search_key"),
        can_edit=access.can_write(user, unit),
        can_restructure=access.can_restructure(user, unit, today()),
        can_place_under=access.can_place_under(user, unit, today()),
    )


def units_for_choice(user: User, date: dt.date, *, upper_only: bool = False) -> QuerySet[OrgUnit]:
    """Units the user may place others under on `date` (for restructuring forms)."""
    versions = versions_in_scope(user, date)
    if upper_only:
        versions = versions.exclude(unit__kind="grassroots")
    return OrgUnit.objects.filter(id__in=versions.values("unit_id")).order_by("code")


def children_units(user: User, unit: OrgUnit, date: dt.date) -> QuerySet[OrgUnit]:
    ids = children_for_user(user, unit, date).values("unit_id")
    return OrgUnit.objects.filter(id__in=ids).order_by("code")


def siblings_for_choice(user: User, unit: OrgUnit, date: dt.date) -> QuerySet[OrgUnit]:
    """Units beside `unit` (same parent on `date`) that the user may restructure."""
    version = hierarchy.version_on(unit.pk, date)
    if version is None or version.parent_id is None:
        return OrgUnit.objects.none()
    ids = versions_in_scope(user, date).filter(parent_id=version.parent_id).values("unit_id")
    return OrgUnit.objects.filter(id__in=ids).exclude(pk=unit.pk).order_by("code")


def restructurings_for_user(
    user: User, *, query: str = "", kind: str = ""
) -> QuerySet[Restructuring]:
    root_id = access.scope_root_id(user)
    changes = Restructuring.objects.select_related("actor")
    if kind:
        changes = changes.filter(kind=kind)
    for term in search_terms(query):
        matching = UnitVersion.objects.filter(search_key__contains=term).values("unit_id")
        changes = changes.filter(units__in=matching)
    if root_id is not None:
        changes = changes.filter(units__in=hierarchy.ever_descendant_ids(root_id))
    return changes.distinct().order_by("-effective_date", "-id")


def enterprise_for_user(user: User, enterprise_id: int) -> Enterprise:
    """An enterprise is visible through the units set up in it."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404(str(enterprise_id))
    if not any(access.can_read(user, u) for u in enterprise.units.all()) and not (
        access.has_whole_tree(user)
    ):
        raise PermissionDenied
    return enterprise


def demo_data_loaded() -> bool:
    return OrgUnit.objects.filter(is_demo=True).exists()


def audit_for_user(user: User, **filters: Any) -> QuerySet[AuditEntry]:
    """The audit log for provincial staff: entries about units ever in their scope."""
    access.require(user.can_view_audit)
    root_id = access.scope_root_id(user)
    unit_ids = None if root_id is None else hierarchy.ever_descendant_ids(root_id)
    return audit_entries(unit_ids=unit_ids, **filters)


def default_unit_code(user: User) -> str:
    """The unit a page opens on: the user's scope unit, or for an administrator of the whole
    tree, the first root of today's tree."""
    if user.scope_unit is not None:
        return user.scope_unit.code
    root = (
        UnitVersion.objects.filter(parent=None, **valid_on(today()))
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    return root or ""
