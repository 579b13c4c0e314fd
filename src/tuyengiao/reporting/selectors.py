"""Reads of figures: totals come from the rollup cache, never summed on the fly."""

from __future__ import annotations

from django.db.models import Sum

from tuyengiao.accounts.models import User
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import Aggregate, DataElement, Period, Structure


def total_for_user(
    user: User,
    unit: OrgUnit,
    element: DataElement,
    period: Period,
    structure: str = Structure.HISTORICAL,
) -> int | None:
    """The sum of `element` over `unit` and the units under it, or None if nothing was entered."""
    access.require(access.can_read(user, unit))
    rollup.catch_up()
    result = Aggregate.objects.filter(
        ancestor=unit, element=element, period=period, structure=structure
    ).aggregate(total=Sum("total"))["total"]
    return int(result) if result is not None else None
