"""Dashboard pages: a unit's indicators, the breakdown by child units, the raw values behind a
figure; each table also as .xlsx (`?format=xlsx`). Thin: parse, call the selectors, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.xlsx import Export, xlsx_response
from tuyengiao.reporting import dashboard, dashboard_export
from tuyengiao.reporting.forms_dashboard import DashboardFilterForm
from tuyengiao.reporting.models import Structure


def _xlsx(result: Export) -> HttpResponse:
    return xlsx_response(result.content, result.filename)


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _params(request: HttpRequest) -> tuple[int, str]:
    return (
        dashboard.parse_year(request.GET.get("year")),
        dashboard.parse_structure(request.GET.get("structure")),
    )


def _common(header: dashboard.Header) -> dict[str, Any]:
    return {
        "header": header,
        "unit": header.unit,
        "year": header.year,
        "structure": header.structure,
        "structures": Structure.choices,
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The acting user's own dashboard: their scope unit, or the top of the tree."""
    code = dashboard.root_code_for_user(acting_user(request))
    if code is None:
        raise Http404
    # The year and structure asked for carry over to the unit's page.
    query = request.GET.urlencode()
    return redirect(
        reverse("dashboard:unit", kwargs={"code": code}) + (f"?{query}" if query else "")
    )


@login_required
@require_GET
def unit(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    year, structure = _params(request)
    data = dashboard.dashboard_for_user(user, code, year, structure)
    if _wants_xlsx(request):
        return _xlsx(dashboard_export.export_dashboard(user, data))
    form = DashboardFilterForm(year=year, structure=structure, years=data.header.years)
    return render(
        request,
        "reporting/dashboard.html",
        _common(data.header) | {"rows": data.rows, "form": form},
    )


def _sort_links(current: str) -> dict[str, str]:
    """For each column, the sort a click on its header asks for: the other direction if the
    table is already sorted by it."""
    return {c: (f"-{c}" if current == c else c) for c in dashboard.SORTS}


@login_required
@require_GET
def children(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    year, structure = _params(request)
    sort = dashboard.parse_sort(request.GET.get("sort"))
    query = request.GET.get("q", "").strip()[:200]
    data = dashboard.children_for_user(
        user,
        code,
        year,
        structure,
        indicator_code=request.GET.get("indicator") or None,
        query=query,
        sort=sort,
    )
    if _wants_xlsx(request):
        return _xlsx(dashboard_export.export_children(user, data))
    form = DashboardFilterForm(
        year=year,
        structure=structure,
        years=data.header.years,
        indicators=data.header.indicators,
        indicator=data.indicator,
        query=query,
        with_indicator=True,
    )
    page = Paginator(data.rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/dashboard_children.html",
        _common(data.header)
        | {
            "data": data,
            "indicator": data.indicator,
            "figure": data.figure,
            "page_obj": page,
            "form": form,
            "sort": sort,
            "sort_links": _sort_links(sort),
        },
    )


@login_required
@require_GET
def values(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    year, structure = _params(request)
    query = request.GET.get("q", "").strip()[:200]
    data = dashboard.values_for_user(
        user,
        code,
        year,
        structure,
        indicator_code=request.GET.get("indicator") or None,
        query=query,
    )
    if _wants_xlsx(request):
        return _xlsx(dashboard_export.export_values(user, data))
    form = DashboardFilterForm(
        year=year,
        structure=structure,
        years=data.header.years,
        indicators=data.header.indicators,
        indicator=data.indicator,
        query=query,
        with_indicator=True,
    )
    page = Paginator(data.values, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/dashboard_values.html",
        _common(data.header)
        | {
            "data": data,
            "indicator": data.indicator,
            "figure": data.figure,
            "page_obj": page,
            "form": form,
            "by_sex": any(v.category for v in page.object_list),
        },
    )
