"""API endpoints of the union hierarchy: units in the caller's scope, as of any date."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import OPEN_END, today
from tuyengiao.orgs import selectors
from tuyengiao.orgs.models import Enterprise, OrgUnit, Ownership, UnitKind, UnitVersion

router = Router(tags=["units"])


class Error(Schema):
    detail: str


class ValidationErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationErrorItem]


ERRORS: dict[int, type[Schema]] = {401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}


class EnterpriseOut(Schema):
    name: str
    tax_code: str | None
    ownership: Ownership
    workforce: int | None


class UnitOut(Schema):
    code: str
    name: str = Field(description="The name on the requested date.")
    kind: UnitKind
    parent_code: str | None = Field(description="The parent on the requested date.")
    valid_from: dt.date = Field(description="Established on.")
    valid_to: dt.date | None = Field(description="Dissolved or merged on; null while it exists.")
    enterprise: EnterpriseOut | None


class UnitList(Schema):
    items: list[UnitOut]
    count: int = Field(description="Matching units before limit and offset.")


class UnitRef(Schema):
    code: str
    name: str


class UnitVersionOut(Schema):
    valid_from: dt.date
    valid_to: dt.date | None
    name: str
    parent_code: str | None


class UnitDetail(UnitOut):
    ancestors: list[UnitRef] = Field(description="Root to parent on the requested date.")
    history: list[UnitVersionOut] = Field(description="Every name and parent, oldest first.")


class UnitListParams(Schema):
    date: dt.date | None = Field(None, description="The tree as of this date (default today).")
    parent: str | None = Field(None, max_length=32, description="Only the children of CODE.")
    q: str = Field("", max_length=200, description="Code or name, diacritics optional.")
    kind: UnitKind | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class DateParam(Schema):
    date: dt.date | None = Field(None, description="The tree as of this date (default today).")


def caller(request: HttpRequest) -> User:
    """The user the bearer token belongs to (set by the API's auth class)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def _open(end: dt.date) -> dt.date | None:
    return None if end == OPEN_END else end


def _enterprise(enterprise: Enterprise | None) -> EnterpriseOut | None:
    if enterprise is None:
        return None
    return EnterpriseOut(
        name=enterprise.name,
        tax_code=enterprise.tax_code,
        ownership=Ownership(enterprise.ownership),
        workforce=enterprise.workforce,
    )


class UnitFields(TypedDict):
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    enterprise: EnterpriseOut | None


def _unit_fields(unit: OrgUnit, name: str, parent: OrgUnit | None) -> UnitFields:
    return {
        "code": unit.code,
        "name": name,
        "kind": UnitKind(unit.kind),
        "parent_code": parent.code if parent else None,
        "valid_from": unit.valid_from,
        "valid_to": _open(unit.valid_to),
        "enterprise": _enterprise(unit.enterprise),
    }


def _version_on(history: list[UnitVersion], date: dt.date) -> UnitVersion | None:
    """The version valid on `date`; outside the unit's life, the one nearest to it."""
    before = [v for v in history if v.valid_from <= date]
    return before[-1] if before else (history[0] if history else None)


@router.get("/units", response={200: UnitList, **ERRORS}, summary="Units in your scope")
def list_units(request: HttpRequest, params: Query[UnitListParams]) -> UnitList:
    user = caller(request)
    date = params.date or today()
    if params.parent:
        selectors.unit_for_user(user, params.parent)  # 404 unknown, 403 outside the scope
    versions = selectors.versions_in_scope(
        user,
        date,
        query=params.q,
        parent_code=params.parent,
        kind=params.kind.value if params.kind else "",
    )
    page = versions[params.offset : params.offset + params.limit]
    return UnitList(
        items=[UnitOut(**_unit_fields(v.unit, v.name, v.parent)) for v in page],
        count=versions.count(),
    )


@router.get("/units/{code}", response={200: UnitDetail, **ERRORS}, summary="One unit")
def get_unit(request: HttpRequest, code: str, params: Query[DateParam]) -> UnitDetail:
    user = caller(request)
    date = params.date or today()
    unit = selectors.unit_for_user(user, code)
    history = list(unit.versions.select_related("parent").order_by("valid_from"))
    version = _version_on(history, date)
    return UnitDetail(
        **_unit_fields(
            unit, version.name if version else unit.name, version.parent if version else None
        ),
        ancestors=[
            UnitRef(code=v.unit.code, name=v.name) for v in selectors.breadcrumbs(user, unit, date)
        ],
        history=[
            UnitVersionOut(
                valid_from=v.valid_from,
                valid_to=_open(v.valid_to),
                name=v.name,
                parent_code=v.parent.code if v.parent else None,
            )
            for v in history
        ],
    )
