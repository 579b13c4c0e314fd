"""The monitoring overview page: a unit's volume of items over time (by topic, by sentiment),
its sources, its cases and response times, its collaborators' workload; `?format=xlsx` exports
the tables. Thin: parse, call the selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.media.forms_insights import OverviewFilterForm
from tuyengiao.media.overview import Period, overview
from tuyengiao.media.overview_chart import volume_svg
from tuyengiao.media.overview_export import export_overview
from tuyengiao.media.retraining import can_manage_models
from tuyengiao.orgs.selectors import default_unit_code, unit_for_user


@login_required
@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = OverviewFilterForm(request.GET)
    values = form.values()
    unit = unit_for_user(user, (values.get("unit") or default_unit_code(user)).strip().upper())
    found = overview(unit, Period.of(values.get("start"), values.get("end")))
    if request.GET.get("format") == "xlsx":
        result = export_overview(user, found)
        return xlsx_response(result.content, result.filename)
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "media/overview/overview.html",
        {
            "filter_form": form,
            "found": found,
            "chart": volume_svg(found.volume),
            "export_query": query.urlencode(),
            "can_manage_models": can_manage_models(user),
        },
    )
