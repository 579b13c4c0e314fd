"""`GET /api/v1/indicators`: each indicator of a unit's plan for a year, from the rollup."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tuyengiao.orgs import selectors
from tuyengiao.orgs.api import ERRORS, caller
from tuyengiao.reporting.indicators import figures_for_user
from tuyengiao.reporting.models import Structure

router = Router(tags=["indicators"])


class IndicatorParams(Schema):
    unit: str = Field(description="code of a unit in your scope")
    period: int = Field(ge=2000, le=2100, description="the year, e.g. 2024")
    structure: Structure = Field(
        Structure.HISTORICAL,
        description="historical: the tree of the period's own date; current: today's tree",
    )


class IndicatorOut(Schema):
    id: str
    name: str
    kind: str
    numerator: int | None
    denominator: int | None
    value: float | None = Field(description="0–100 with one decimal for a percentage")
    target: float | None
    status: str


class IndicatorList(Schema):
    items: list[IndicatorOut]


@router.get(
    "/indicators",
    response={200: IndicatorList, **ERRORS},
    summary="Indicators of a unit's plan for a year",
)
def list_indicators(request: HttpRequest, params: Query[IndicatorParams]) -> IndicatorList:
    user = caller(request)
    unit = selectors.unit_for_user(user, params.unit.strip().upper())
    figures = figures_for_user(user, unit, params.period, params.structure)
    return IndicatorList(
        items=[
            IndicatorOut(
                id=f.indicator.code,
                name=f.indicator.name,
                kind=f.indicator.kind,
                numerator=f.numerator,
                denominator=f.denominator,
                value=float(f.value) if f.value is not None else None,
                target=float(f.target) if f.target is not None else None,
                status=f.status,
            )
            for f in figures
        ]
    )
