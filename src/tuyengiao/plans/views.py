"""Plan pages: the list of plans in scope and one plan with its tasks, indicators and targets."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuyengiao.accounts.http import acting_user
from tuyengiao.plans import selectors


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_for_user(acting_user(request))
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {"page_obj": page})


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_for_user(acting_user(request), code)
    indicators = list(plan.indicators.all())
    for indicator in indicators:
        by_year = {t.year: t.value for t in indicator.targets.all()}
        indicator.target_row = [by_year.get(year) for year in plan.years]  # type: ignore[attr-defined]
        indicator.term_target = by_year.get(None)  # type: ignore[attr-defined]
    return render(
        request,
        "plans/plan_detail.html",
        {"plan": plan, "indicators": indicators, "years": list(plan.years)},
    )
