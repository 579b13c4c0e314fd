"""Writes of raw figures: each one updates the rollup cache in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Category, DataElement, DataValue, Period


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
    stored.delete()
    rollup.add(unit.pk, element.pk, period, category, -stored.value, -1)
    audit_record(
        actor,
        action="value.clear",
        obj=element,
        unit=unit,
        before={"value": stored.value, "period": period.code},
    )
