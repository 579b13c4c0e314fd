"""Cultural-standard records: each grassroots union's year in the "cultural life" movement
(TASK-6), feeding T2.3a–c through activities.figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import figures
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.activities.services import acting, add_error, require_organiser
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean
from tuyengiao.orgs.models import OrgUnit, UnitKind


@dataclass
class CulturalInput:
    registered: bool = False
    recognised: bool = False
    decision: str = ""
    families: int | None = None
    families_cultural: int | None = None

    def is_blank(self) -> bool:
        """Nothing entered: saving it removes the union's record (no data is not "no")."""
        return self == CulturalInput()


CULTURAL_FIELDS = ["registered", "recognised", "decision", "families", "families_cultural"]


def cultural_check(unit: OrgUnit, year: int, data: CulturalInput) -> None:
    """Normalise `data` (the decision's spaces; recognition implies registration) and refuse
    it with errors by field: what the page, the Excel preview and the save all check."""
    data.decision = clean(data.decision)
    data.registered = data.registered or data.recognised
    errors: dict[str, list[str]] = {}
    if unit.kind != UnitKind.GRASSROOTS:
        add_error(errors, "unit", _("Cultural-standard records are kept per grassroots union."))
    if not 2000 <= year <= today().year:
        add_error(errors, "year", _("Enter a year that has started."))
    elif not unit.valid_from <= dt.date(year, 12, 31) or unit.valid_to <= dt.date(year, 1, 1):
        add_error(errors, "year", _("The union did not exist that year."))
    for name in ("families", "families_cultural"):
        value = getattr(data, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            add_error(errors, name, _("Enter a whole number, 0 or more."))
    if not errors and data.families_cultural is not None:
        if data.families is None:
            add_error(errors, "families", _("Enter the number of member families first."))
        elif data.families_cultural > data.families:
            add_error(
                errors,
                "families_cultural",
                _("Cultural families cannot be more than member families (%(total)s).")
                % {"total": data.families},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cultural_record_set(
    actor: User | None,
    *,
    unit: OrgUnit,
    year: int,
    data: CulturalInput,
    version: int | None = None,
) -> tuple[CulturalRecord | None, bool]:
    """Create or change a grassroots union's record for a year (`version`: the one the user
    loaded, None for a new record); returns it and whether anything changed. Recognition
    implies registration. A blank record removes the one on file (None is returned)."""
    require_organiser(actor, unit)
    cultural_check(unit, year, data)
    stored = CulturalRecord.objects.select_for_update().filter(unit=unit, year=year).first()
    if data.is_blank():
        return None, _remove(actor, stored, version)
    wanted = {name: getattr(data, name) for name in CULTURAL_FIELDS}
    if stored is None:
        if version is not None:
            check_version(CulturalRecord(version=0), version)
        stored = CulturalRecord(unit=unit, year=year, updated_by=acting(actor), **wanted)
        stored.full_clean()
        stored.save()
        before = None
    else:
        if version is not None:
            check_version(stored, version)
        before = snapshot(stored, CULTURAL_FIELDS)
        if before == wanted:
            return stored, False
        for name, value in wanted.items():
            setattr(stored, name, value)
        stored.updated_by = acting(actor)
        save_versioned(stored, stored.version, [*CULTURAL_FIELDS, "updated_by", "updated_at"])
    audit_record(actor, action="cultural.set", obj=stored, unit=unit, before=before, after=wanted)
    figures.refresh_cultural(unit, year)
    return stored, True


def _remove(actor: User | None, stored: CulturalRecord | None, version: int | None) -> bool:
    """Remove a record cleared by its user; whether there was one."""
    if stored is None:
        return False
    if version is not None:
        check_version(stored, version)
    audit_record(
        actor,
        action="cultural.delete",
        obj=stored,
        unit=stored.unit,
        before=snapshot(stored, CULTURAL_FIELDS),
    )
    stored.delete()
    figures.refresh_cultural(stored.unit, stored.year)
    return True


def cultural_many_set(
    actor: User | None, *, year: int, rows: Mapping[OrgUnit, CulturalInput]
) -> int:
    """Several unions' records for a year in one transaction (the Excel import); returns how
    many changed."""
    with transaction.atomic():
        return sum(
            cultural_record_set(actor, unit=unit, year=year, data=data)[1]
            for unit, data in rows.items()
        )
