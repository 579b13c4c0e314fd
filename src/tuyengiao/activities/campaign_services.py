"""Campaigns: a unit's period of concentrated work for its subtree (each year's Workers' Month
with the Action Month on occupational safety and health, or any other)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Campaign, CampaignKind
from tuyengiao.activities.services import add_error, require_organiser
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, UnitKind


def workers_month_code(unit: OrgUnit, year: int) -> str:
    return f"TCN-{unit.code}-{year}"


@transaction.atomic
def workers_month_ensure(actor: User | None, *, unit: OrgUnit, year: int) -> Campaign:
    """The year's Workers' Month (May) with the Action Month on occupational safety and
    health, run by `unit` (a provincial federation) for its subtree; created once."""
    require_organiser(actor, unit)
    code = workers_month_code(unit, year)
    found = Campaign.objects.filter(code=code).first()
    if found is not None:
        return found
    return campaign_create(
        actor,
        code=code,
        name=_("Workers' Month and Action Month on occupational safety and health %(year)s")
        % {"year": year},
        kind=CampaignKind.WORKERS_MONTH,
        unit=unit,
        start_date=dt.date(year, 5, 1),
        end_date=dt.date(year, 5, 31),
    )


@transaction.atomic
def campaign_create(
    actor: User | None,
    *,
    code: str,
    name: str,
    kind: str,
    unit: OrgUnit,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Campaign:
    """Start a campaign run by `unit` for its subtree: an upper level only."""
    _require_manager(actor, unit)
    errors: dict[str, list[str]] = {}
    code, name = clean(code).upper(), clean(name)
    if not code:
        add_error(errors, "code", _("Enter a code."))
    elif Campaign.objects.filter(code=code).exists():
        add_error(errors, "code", _("Another campaign has this code."))
    _check_name_and_dates(errors, name, start_date, end_date)
    if unit.kind == UnitKind.GRASSROOTS:
        add_error(errors, "unit", _("A campaign is run by a unit that has units under it."))
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        code=code,
        name=name,
        kind=kind,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
        search_key=search_key(f"{code} {name}"),
    )
    campaign.full_clean()
    campaign.save()
    audit_record(
        actor,
        action="campaign.create",
        obj=campaign,
        unit=unit,
        after=snapshot(campaign, _AUDITED),
    )
    return campaign


_AUDITED = ["code", "name", "kind", "start_date", "end_date", "description"]


def _require_manager(actor: User | None, unit: OrgUnit) -> None:
    """Campaigns are started, changed and removed by an upper level over the running unit."""
    access.require(actor is None or (actor.can_restructure and access.can_write(actor, unit)))


def _check_name_and_dates(
    errors: dict[str, list[str]], name: str, start_date: dt.date, end_date: dt.date
) -> None:
    if not name:
        add_error(errors, "name", _("Enter the campaign's name."))
    if end_date < start_date:
        add_error(errors, "end_date", _("The end date cannot be before the start date."))


def _locked(campaign: Campaign, actor: User | None, version: int) -> Campaign:
    """The campaign's row, locked, once the actor may manage it and nobody changed it since
    `version` was loaded."""
    stored = Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)
    _require_manager(actor, stored.unit)
    check_version(stored, version)
    return stored


@transaction.atomic
def campaign_update(
    actor: User | None,
    *,
    campaign: Campaign,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str,
    version: int,
) -> Campaign:
    """Rename a campaign, move its dates or change its description. Its code, kind and unit
    stay: they say which campaign it is and who takes part. The activities recorded in it must
    still start within its dates."""
    stored = _locked(campaign, actor, version)
    errors: dict[str, list[str]] = {}
    name = clean(name)
    _check_name_and_dates(errors, name, start_date, end_date)
    if not errors:
        outside = stored.activities.filter(
            Q(start_date__lt=start_date) | Q(start_date__gt=end_date)
        ).count()
        if outside:
            message = ngettext(
                "%(count)s activity recorded in this campaign starts outside these dates.",
                "%(count)s activities recorded in this campaign start outside these dates.",
                outside,
            )
            add_error(errors, "start_date", message % {"count": outside})
    if errors:
        raise ValidationError(errors)
    before = snapshot(stored, _AUDITED)
    stored.name, stored.start_date, stored.end_date = name, start_date, end_date
    stored.description = description.strip()
    stored.search_key = search_key(f"{stored.code} {name}")
    stored.full_clean()
    fields = ["name", "start_date", "end_date", "description", "search_key"]
    save_versioned(stored, version, fields)
    audit_record(
        actor,
        action="campaign.update",
        obj=stored,
        unit=stored.unit,
        before=before,
        after=snapshot(stored, _AUDITED),
    )
    return stored


@transaction.atomic
def campaign_delete(actor: User | None, *, campaign: Campaign, version: int) -> None:
    """Remove a campaign started by mistake: only while no activity is recorded in it."""
    stored = _locked(campaign, actor, version)
    linked = stored.activities.count()
    if linked:
        message = ngettext(
            "%(count)s activity is recorded in this campaign: take it out of the campaign first.",
            "%(count)s activities are recorded in this campaign: take them out of the campaign "
            "first.",
            linked,
        )
        raise ValidationError(message % {"count": linked})
    audit_record(
        actor,
        action="campaign.delete",
        obj=stored,
        unit=stored.unit,
        before=snapshot(stored, _AUDITED),
    )
    stored.delete()
