"""Writes of raw figures: each one updates the rollup cache in the same transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Category, DataElement, DataValue, Period, PeriodType

ELEMENTS_FILE = Path(__file__).parent / "data" / "elements.yaml"


@transaction.atomic
def elements_ensure(path: Path = ELEMENTS_FILE) -> int:
    """Create or rename the data elements listed in the file; returns how many changed."""
    changed = 0
    for code, name in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        element = DataElement.objects.filter(code=code).first()
        if element is not None and element.name == name:
            continue
        before = {"name": element.name} if element else None
        element, _ = DataElement.objects.update_or_create(code=code, defaults={"name": name})
        audit_record(
            None,
            action="element.save",
            obj=element,
            before=before,
            after={"code": code, "name": name},
        )
        changed += 1
    return changed


@transaction.atomic
def year_period(year: int) -> Period:
    """The period of one calendar year, created the first time it is needed."""
    period, _ = Period.objects.get_or_create(
        code=str(year),
        defaults={
            "kind": PeriodType.YEAR,
            "start": dt.date(year, 1, 1),
            "end": dt.date(year + 1, 1, 1),
        },
    )
    return period


def _check(element: DataElement, category: str, value: int | None) -> None:
    allowed = [Category.FEMALE, Category.MALE] if element.by_sex else [Category.TOTAL]
    if category not in allowed:
        raise ValidationError({"category": _("This figure is not entered by that category.")})
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ValidationError({"value": _("Enter a whole number, 0 or more.")})


@transaction.atomic
def value_set(
    actor: User | None,
    *,
    element: DataElement,
    unit: OrgUnit,
    period: Period,
    value: int,
    category: str = "",
) -> DataValue:
    """Record one raw figure of a unit (create or change it)."""
    access.require(actor is None or access.can_write(actor, unit))
    _check(element, category, value)
    rollup.catch_up()
    stored = (
        DataValue.objects.select_for_update()
        .filter(element=element, unit=unit, period=period, category=category)
        .first()
    )
    before = stored.value if stored else None
    if stored is not None and stored.value == value:
        return stored
    if stored is None:
        stored = DataValue(
            element=element,
            unit=unit,
            period=period,
            category=category,
            value=value,
            updated_by=actor,
        )
    else:
        stored.value, stored.updated_by, stored.version = value, actor, stored.version + 1
    stored.save()
    rollup.add(
        unit.pk, element.pk, period, category, value - (before or 0), 0 if before is not None else 1
    )
    audit_record(
        actor,
        action="value.set",
        obj=stored,
        unit=unit,
        before={"value": before} if before is not None else None,
        after={"value": value, "element": element.code, "period": period.code},
    )
    return stored


@transaction.atomic
def value_clear(
    actor: User | None, *, element: DataElement, unit: OrgUnit, period: Period, category: str = ""
) -> None:
    """Remove one raw figure (it was entered by mistake)."""
    access.require(actor is None or access.can_write(actor, unit))
    rollup.catch_up()
    stored = (
        DataValue.objects.select_for_update()
        .filter(element=element, unit=unit, period=period, category=category)
        .first()
    )
    if stored is None:
        return
    # Audited before the row goes, so the entry names the value that was removed.
    audit_record(
        actor,
        action="value.clear",
        obj=stored,
        unit=unit,
        before={"value": stored.value, "element": element.code, "period": period.code},
    )
    rollup.add(unit.pk, element.pk, period, category, -stored.value, -1)
    stored.delete()
