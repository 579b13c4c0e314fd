"""Workers' voice pages: the landing page, and the situation reports of a period as the upper
level reads them (figures, mood, each unit under it, the free texts). Thin: parse, call a
selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tuyengiao.accounts.http import acting_user
from tuyengiao.orgs.models import UnitKind
from tuyengiao.orgs.selectors import default_unit_code, unit_for_user
from tuyengiao.voice import case_selectors, hotspot_selectors, selectors
from tuyengiao.voice.models import CaseStatus


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    dataset = selectors.situation_form()
    mine = user.scope_unit
    watched = default_unit_code(user)  # empty before any tree is loaded
    hotspots, high = (
        hotspot_selectors.hotspot_counts(unit_for_user(user, watched)) if watched else (0, 0)
    )
    return render(
        request,
        "voice/home.html",
        {
            "dataset": dataset,
            "period": selectors.default_period_code(dataset),
            "reporter": mine if mine and mine.kind == UnitKind.GRASSROOTS else None,
            "active": case_selectors.cases_for_user(
                user, case_selectors.CaseFilter(status="active")
            ).count(),
            "escalated_here": case_selectors.cases_for_user(
                user, case_selectors.CaseFilter(status=CaseStatus.ESCALATED, handled_by=mine)
            ).count()
            if mine
            else 0,
            "hotspots": hotspots,
            "high": high,
            "high_score": hotspot_selectors.HIGH_SCORE,
        },
    )


@login_required
@require_GET
def situation(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    dataset = selectors.situation_form()
    code = request.GET.get("unit") or default_unit_code(user)
    period = request.GET.get("period") or selectors.default_period_code(dataset)
    query = request.GET.get("q", "").strip()[:200]
    found = selectors.situation_for_user(user, code, period, query)
    page = Paginator(found.notes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/situation.html",
        {"situation": found, "dataset": dataset, "page_obj": page, "query": query},
    )
