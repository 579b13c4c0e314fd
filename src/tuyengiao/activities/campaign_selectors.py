"""Reads for the campaign pages, scoped to the acting user: the list, the unit a new campaign
is run by, this year's Workers' Month of the user's province, and a campaign's dashboard (its
activities by kind, by topic and by unit directly under the unit viewed, and the grassroots
units that have recorded nothing in it yet), with its .xlsx export.

Set-based: the dashboard is a fixed number of grouped queries whatever the size of the
subtree; the idle units are a queryset the page paginates. Every activity figure is taken from
`selectors.activities_for_user` with the campaign's filter, the same set the activity list
shows when a figure is followed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors
from tuyengiao.activities.campaign_services import workers_month_code
from tuyengiao.activities.models import Activity, Campaign
from tuyengiao.activities.summary import (
    Figures,
    KindRow,
    TopicRow,
    by_kind,
    by_topic,
    figure_cells,
    figure_columns,
    figures_by_child,
    grassroots_counts,
    organisers,
)
from tuyengiao.core.dates import today, valid_on
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import search_terms
from tuyengiao.core.xlsx import Export, Sheet, filename, workbook
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion
from tuyengiao.orgs.selectors import unit_for_user

# --- the list and the create form -----------------------------------------------------------


def campaigns_page(user: User, *, query: str = "") -> QuerySet[Campaign]:
    """The campaigns the user can see: run by a unit they read or by a unit above them."""
    return selectors.campaigns_for_user(user, query=query)


def unit_to_run_campaign(user: User, code: str) -> OrgUnit:
    """The unit typed in the campaign form, through the unit gate; a refusal becomes an error
    next to the field rather than an error page."""
    code = code.strip().upper()
    try:
        unit = unit_for_user(user, code, write=True)
    except Http404:
        raise ValidationError(
            {"unit": _("No unit has the code %(code)s.") % {"code": code}}
        ) from None
    except PermissionDenied:
        message = _("%(code)s is outside your scope: enter your unit or one under it.")
        raise ValidationError({"unit": message % {"code": code}}) from None
    return unit


@dataclass(frozen=True)
class WorkersMonth:
    """This year's Workers' Month of the user's province, made or to be made."""

    province: OrgUnit
    year: int
    code: str
    campaign: Campaign | None


def province_of(user: User) -> OrgUnit | None:
    """The provincial federation the user's scope unit is, or is under, today."""
    unit = user.scope_unit
    if unit is None:
        return None
    if unit.kind == UnitKind.PROVINCE:
        return unit
    chain = hierarchy.ancestors(unit.pk, today())
    provinces = [v.unit for v in chain if v.unit.kind == UnitKind.PROVINCE]
    return provinces[-1] if provinces else None


def workers_month_for_user(user: User) -> WorkersMonth | None:
    """The Workers' Month the user may start for their province this year (None when they
    may not: only those who run campaigns for the whole province)."""
    if not user.can_restructure:
        return None
    province = province_of(user)
    if province is None or not access.can_write(user, province):
        return None
    year = today().year
    code = workers_month_code(province, year)
    return WorkersMonth(province, year, code, Campaign.objects.filter(code=code).first())


# --- the dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    """A unit directly under the unit viewed, on the campaign's end date."""

    unit: OrgUnit
    name: str
    figures: Figures
    grassroots: int  # grassroots units under it (itself, if it is one)
    idle: int  # of them, those that have recorded nothing in the campaign

    @property
    def has_nothing(self) -> bool:
        return self.figures.activities == 0


@dataclass
class CampaignDashboard:
    campaign: Campaign
    unit: OrgUnit  # the unit viewed: the campaign's, or one under it the user reads
    name: str  # its name on the campaign's end date
    reference_date: dt.date  # the campaign's end date: the tree the figures are grouped by
    activities: QuerySet[Activity]  # the campaign's activities under the unit, for the user
    totals: Figures
    kinds: list[KindRow]
    topics: list[TopicRow]
    children: list[ChildRow]
    others: Figures  # by the unit itself, or by units no longer under it on the end date
    grassroots: int
    idle: int
    breadcrumbs: list[UnitVersion] = field(default_factory=list)

    @property
    def is_campaign_unit(self) -> bool:
        return self.unit.pk == self.campaign.unit_id


def campaign_for_reader(user: User, code: str) -> tuple[Campaign, OrgUnit]:
    """The campaign and the unit the user sees it from (selectors.campaign_seen_by)."""
    return selectors.campaign_seen_by(user, code)


def can_manage(user: User, campaign: Campaign) -> bool:
    """Whether the user may change or remove the campaign: an upper level over its unit."""
    return user.can_restructure and access.can_write(user, campaign.unit)


def campaign_for_manager(user: User, code: str) -> Campaign:
    """The gate to changing a campaign: 404 if there is none, 403 unless the user manages it."""
    campaign = selectors.campaign_for_user(user, code)
    access.require(can_manage(user, campaign))
    return campaign


def _viewed_unit(user: User, campaign: Campaign, default: OrgUnit, code: str) -> OrgUnit:
    """The unit asked for (the unit gate: 404, 403), which must take part in the campaign."""
    if not code or code.strip().upper() == default.code:
        return default
    unit = unit_for_user(user, code.strip().upper())
    if not hierarchy.is_under(campaign.unit_id, unit.pk):
        raise Http404(code)
    return unit


def _breadcrumbs(user: User, campaign: Campaign, unit: OrgUnit, day: dt.date) -> list[UnitVersion]:
    """The units above the unit viewed, from the campaign's unit (or from the top of the
    user's scope, if lower) down to its parent: those the user may open."""
    chain = hierarchy.ancestors(unit.pk, day)
    ids = [v.unit_id for v in chain]
    root_id = access.scope_root_id(user)
    starts = [campaign.unit_id] if root_id is None else [campaign.unit_id, root_id]
    if any(start not in ids for start in starts):
        return []
    return chain[max(ids.index(start) for start in starts) :]


def campaign_dashboard_for_user(user: User, code: str, unit_code: str = "") -> CampaignDashboard:
    """The campaign's figures under the unit viewed (the campaign's own unit by default), the
    units directly under it on the campaign's end date worst first (fewest activities, then
    fewest participants), and its grassroots units' counts. A fixed number of queries."""
    campaign, default = campaign_for_reader(user, code)
    unit = _viewed_unit(user, campaign, default, unit_code)
    day = campaign.end_date
    activities = selectors.activities_for_user(
        user, selectors.ActivityFilter(unit=unit, campaign=campaign)
    ).order_by()
    version = hierarchy.version_on(unit.pk, day)
    children = {
        v.unit_id: v
        for v in hierarchy.children_versions(unit.pk, day).select_related("unit").order_by()
    }
    kinds = by_kind(activities)
    totals = sum((k.figures for k in kinds), Figures())
    by_child = figures_by_child(activities, list(children), day) if children else {}
    counts = grassroots_counts([unit.pk, *children], activities, day)
    rows = [
        ChildRow(
            unit=v.unit,
            name=v.name,
            figures=by_child.get(unit_id, Figures()),
            grassroots=counts.get(unit_id, (0, 0))[0],
            idle=counts.get(unit_id, (0, 0))[1],
        )
        for unit_id, v in children.items()
    ]
    rows.sort(
        key=lambda r: (r.figures.activities, r.figures.participants, -r.idle, r.name, r.unit.code)
    )
    grassroots, idle = counts.get(unit.pk, (0, 0))
    return CampaignDashboard(
        campaign=campaign,
        unit=unit,
        name=version.name if version else unit.name,
        reference_date=day,
        activities=activities,
        totals=totals,
        kinds=kinds,
        topics=by_topic(activities),
        children=rows,
        others=by_child.get(None, Figures()) if children else totals,
        grassroots=grassroots,
        idle=idle,
        breadcrumbs=_breadcrumbs(user, campaign, unit, day),
    )


def idle_units(dashboard: CampaignDashboard, *, query: str = "") -> QuerySet[UnitVersion]:
    """The grassroots units under the unit viewed on the campaign's end date that have
    organised nothing in it yet, by code (a queryset to paginate), searchable without
    diacritics by name or code."""
    day = dashboard.reference_date
    found = UnitVersion.objects.filter(
        unit__kind=UnitKind.GRASSROOTS,
        unit_id__in=hierarchy.descendant_ids(dashboard.unit.pk, day),
        **valid_on(day),
    ).exclude(unit_id__in=organisers(dashboard.activities))
    for term in search_terms(query):
        found = found.filter(search_key__contains=term)
    return found.select_related("unit", "parent").order_by("unit__code")


# --- .xlsx ----------------------------------------------------------------------------------


def _idle_lines(dashboard: CampaignDashboard) -> Iterator[list[str]]:
    for v in idle_units(dashboard).iterator(chunk_size=2000):
        yield [v.unit.code, v.name, v.parent.name if v.parent else ""]


@transaction.atomic
def campaign_export(user: User, dashboard: CampaignDashboard) -> Export:
    """The dashboard's tables as .xlsx (every idle unit, not one page), audited."""
    campaign, unit = dashboard.campaign, dashboard.unit
    heading = " · ".join(
        [
            f"{campaign.name} ({campaign.code})",
            f"{dashboard.name} ({unit.code})",
            f"{campaign.start_date:%d/%m/%Y} – {campaign.end_date:%d/%m/%Y}",
        ]
    )
    figures = figure_columns()
    total = [_("Total"), *figure_cells(dashboard.totals)]
    kinds = [[k.label, *figure_cells(k.figures)] for k in dashboard.kinds]
    topics = [[t.name or _("No topic"), *figure_cells(t.figures)] for t in dashboard.topics]
    children: list[list[Any]] = [
        [c.unit.code, c.name, *figure_cells(c.figures), c.grassroots, c.idle]
        for c in dashboard.children
    ]
    if dashboard.children and dashboard.others.activities:
        others = _("By the unit itself or by units no longer under it")
        children.append(["", others, *figure_cells(dashboard.others), "", ""])
    sheets = [
        Sheet(_("By kind"), heading, [(_("Kind of activity"), 40), *figures], [*kinds, total]),
        Sheet(_("By topic"), heading, [(_("Topic"), 50), *figures], topics),
        Sheet(
            _("Units under it"),
            heading,
            [
                (_("Code"), 14),
                (_("Unit"), 50),
                *figures,
                (_("Grassroots unions"), 14),
                (_("Of which with no activity"), 16),
            ],
            children,
        ),
        Sheet(
            _("No activity yet"),
            heading,
            [(_("Code"), 14), (_("Grassroots union"), 50), (_("Upper-level union"), 40)],
            _idle_lines(dashboard),
        ),
    ]
    content = workbook(sheets)
    audit_record(
        user,
        action="campaign.export",
        obj=campaign,
        unit=unit,
        after={
            "unit": unit.code,
            "format": "xlsx",
            "activities": dashboard.totals.activities,
            "rows": {s.title: s.rows for s in sheets},
        },
    )
    rows = sum(s.rows for s in sheets)
    return Export(filename("dot-cao-diem", campaign.code, unit.code), content, rows)
