"""Campaigns: a unit's period of concentrated work for its subtree (each year's Workers' Month
with the Action Month on occupational safety and health, or any other)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Campaign, CampaignKind
from tuyengiao.activities.services import add_error, require_organiser
from tuyengiao.core.services import audit_record, snapshot
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
    access.require(actor is None or (actor.can_restructure and access.can_write(actor, unit)))
    errors: dict[str, list[str]] = {}
    code, name = clean(code).upper(), clean(name)
    if not code:
        add_error(errors, "code", _("Enter a code."))
    elif Campaign.objects.filter(code=code).exists():
        add_error(errors, "code", _("Another campaign has this code."))
    if not name:
        add_error(errors, "name", _("Enter the campaign's name."))
    if end_date < start_date:
        add_error(errors, "end_date", _("The end date cannot be before the start date."))
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
        after=snapshot(campaign, ["code", "name", "kind", "start_date", "end_date"]),
    )
    return campaign
